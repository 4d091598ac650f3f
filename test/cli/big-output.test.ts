import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from './helpers.js';

// A step that prints 200 MB: its output streams to its log and is never read back whole, so the
// runner stays small (it used to read the log back for the check: 200 MB → 476 MB RSS). Past the
// compare limit (16 MB) a step with an expected output fails as too large to compare.

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'alts-big-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tutorial(name: string, megabytes: number, expected?: string): string {
  const file = join(dir, `${name}.md`);
  const print = `head -c ${megabytes * MB} /dev/zero | tr '\\0' 'y' | fold -w 100`;
  const output = expected === undefined ? '' : `\n\`\`\`output\n${expected}\n\`\`\`\n`;
  writeFileSync(file, `# Big\n\n\`\`\`sh { name=big }\n${print}\n\`\`\`\n${output}`);
  return file;
}

/** Runs the CLI and samples its peak resident memory (VmHWM) from /proc until it ends. */
async function runMeasured(file: string) {
  const home = join(dir, 'state');
  const { child, done } = startCli(['run', file, '--yes', '--reporter', 'plain'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // It has just ended.
    }
  }, 20);
  const result = await done;
  clearInterval(poll);
  return { ...result, peakMb: peakKb / 1024 };
}

describe('a step printing more than can be compared', () => {
  it('with an expected output: fails as too large to compare, in bounded memory, the whole output in its log', async () => {
    const result = await runMeasured(tutorial('mismatch', 200, 'not this'));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/output too large to compare with .*mismatch\.md:8 \(20\d\.\d MB > 16 MB limit\)/);
    expect(result.peakMb).toBeGreaterThan(0);
    expect(result.peakMb).toBeLessThan(150);
    const log = /log: (\S+\.log)/.exec(result.stdout + result.stderr)?.[1];
    if (log) expect(statSync(log).size).toBeGreaterThan(200 * MB);
  });

  it('with no expected output: passes on its exit status, without reading its log back', async () => {
    const result = await runMeasured(tutorial('plain', 30));
    expect(result.code).toBe(0);
    expect(result.peakMb).toBeLessThan(150);
  });

  it('under the limit: compared in full as before', async () => {
    const result = await runMeasured(tutorial('small', 1, 'not this'));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/output differs from/);
  });
});
