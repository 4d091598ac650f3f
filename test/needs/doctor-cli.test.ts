import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTutorial } from '../../src/format/catalog.js';
import { runNeeds } from '../../src/needs/run-needs.js';
import { runCli } from '../cli/helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface DoctorJson {
  ok: boolean;
  groups: Array<{ tutorial?: string; target?: string; needs: Array<{ id: string; package: string | null; found: boolean; why: string }> }>;
  packages: string[];
  install: string | null;
}

describe('alts-tutor doctor', () => {
  it('--json lists every need of every tutorial and target, with its package, as the one list has them', async () => {
    const result = await runCli(['doctor', '--json'], { cwd: ROOT });
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(result.code).toBe(report.ok ? 0 : 1);
    const tutorials = readdirSync(join(ROOT, 'tutorials'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => loadTutorial(join(ROOT, 'tutorials', name)));
    const expected = tutorials.flatMap((tutorial) =>
      Object.values(tutorial.targets).map((target) => ({
        tutorial: tutorial.id,
        target: target.name,
        needs: runNeeds(tutorial, target, { root: true, workDir: join(ROOT, 'steps', tutorial.id) }).map((entry) => ({
          id: entry.need.id,
          package: entry.need.package ?? null,
        })),
      })),
    );
    const shown = report.groups
      .filter((group) => group.target !== 'local')
      .map((group) => ({
        tutorial: group.tutorial,
        target: group.target,
        needs: group.needs.map(({ id, package: pkg }) => ({ id, package: pkg })),
      }));
    expect(shown).toEqual(expect.arrayContaining(expected));
    expect(shown).toHaveLength(expected.length);
    const lab = report.groups.find((group) => group.tutorial === 'alts-grpc' && group.target === 'lab');
    expect(lab?.needs.find((need) => need.id === 'grpc-go')).toMatchObject({
      package: 'golang-google-grpc-dev',
      why: expect.stringMatching(/^step build-offline/),
    });
  });

  it('marks what is missing, gives the line that installs it, and exits 1', async () => {
    const result = await runCli(['doctor', 'alts-grpc', '--target', 'lab'], { cwd: ROOT, env: { PATH: '/nonexistent' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ go +missing +golang-go +step build-offline/);
    expect(result.stdout).toContain(
      'To install what is missing:\n  apt-get update && apt-get install -y golang-go iproute2 util-linux mount hostname\n',
    );
  });

  it('--fix without a terminal and without --yes runs nothing and says how (exit 2); bad input is exit 2', async () => {
    const fix = await runCli(['doctor', 'alts-grpc', '--target', 'lab', '--fix'], { cwd: ROOT, env: { PATH: '/nonexistent' } });
    expect(fix.code).toBe(2);
    expect(fix.stderr).toContain('add --yes to run it without a terminal');
    const unknown = await runCli(['doctor', 'no-such-tutorial'], { cwd: ROOT });
    expect(unknown.code).toBe(2);
    const target = await runCli(['doctor', 'hello', '--target', 'gcp'], { cwd: ROOT });
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('hello has no target "gcp"');
  });
});
