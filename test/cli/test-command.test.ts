import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { pathWithout } from '../support/machine-needs.js';
import { makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

function project() {
  const { dir, home } = makeProject('snap');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: home, ...env } });
  return { dir, cli };
}

const snapshot = (dir: string, step: string) => join(dir, 'snapshots', 'greet', `${step}.txt`);

function writeSnapshotFile(dir: string, step: string, text: string): void {
  mkdirSync(join(dir, 'snapshots', 'greet'), { recursive: true });
  writeFileSync(snapshot(dir, step), text);
}

describe('alts-tutor test', () => {
  it('passes when outputs match the tutorial (variables, [TIMESTAMP], ...) and reports steps with nothing to check under CI', async () => {
    const { cli } = project();
    const result = await cli(['test', 'greet', '--ci']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ greet-1');
    expect(result.stdout).toContain('note: greet: step no-expect printed output but shows none in the tutorial and has no snapshot');
    expect(result.stdout).toContain('passed: 1 of 1 tutorials passed');
  });

  it('-u writes a redacted snapshot for a step without expected output, and it then passes under --ci', async () => {
    const { dir, cli } = project();
    const update = await cli(['test', 'greet', '-u']);
    expect(update.code).toBe(0);
    expect(readFileSync(snapshot(dir, 'no-expect'), 'utf8')).toBe('request [UUID] took [DURATION]\n');
    // Steps whose output the Markdown shows and that matched get no file.
    expect(existsSync(snapshot(dir, 'greet-1'))).toBe(false);
    const again = await cli(['test', 'greet', '--ci']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('note:');
  });

  it('a snapshot wins over the Markdown, and a mismatch fails with a diff that names the snapshot', async () => {
    const { dir, cli } = project();
    writeSnapshotFile(dir, 'greet-1', 'goodbye $NAME\n');
    const result = await cli(['test', 'greet', '--ci']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ greet-1');
    expect(result.stdout).toContain('snapshots/greet/greet-1.txt');
    expect(result.stdout).toMatch(/^ {2}-goodbye \$NAME$/m);
    expect(result.stdout).toMatch(/^ {2}\+hello world$/m);
  });

  it('never writes with --ci, refuses -u with --ci, and fails on obsolete snapshots (which -u removes)', async () => {
    const { dir, cli } = project();
    const refused = await cli(['test', 'greet', '--ci', '-u']);
    expect(refused.code).toBe(2);
    writeSnapshotFile(dir, 'renamed-step', 'old\n');
    const ci = await cli(['test', 'greet', '--ci']);
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain('obsolete snapshot snapshots/greet/renamed-step.txt');
    expect(existsSync(snapshot(dir, 'no-expect'))).toBe(false);
    const update = await cli(['test', 'greet', '-u']);
    expect(update.code).toBe(0);
    expect(existsSync(snapshot(dir, 'renamed-step'))).toBe(false);
  });

  it('writes JUnit XML that parses back: one suite per tutorial, one case per step, the diff as failure text', async () => {
    const { dir, cli } = project();
    writeSnapshotFile(dir, 'greet-1', 'goodbye $NAME\n');
    const report = join(dir, 'junit.xml');
    const result = await cli(['test', 'greet', 'second', '--ci', '--reporter', 'junit', '--output', report]);
    expect(result.code).toBe(1);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(report, 'utf8'));
    const suites = parsed.testsuites.testsuite as Array<Record<string, unknown>>;
    expect(suites.map((suite) => suite.name)).toEqual(['greet (local)', 'second (local)']);
    expect(parsed.testsuites).toMatchObject({ tests: '5', failures: '1', skipped: '3' });
    const cases = suites[0]?.testcase as Array<Record<string, unknown>>;
    expect(cases.map((entry) => entry.name)).toEqual(['greet-1', 'greet-2', 'greet-3', 'no-expect']);
    const failed = cases.find((entry) => entry.name === 'greet-1') as { failure: { '#text': string; type: string } };
    expect(failed.failure.type).toBe('mismatch');
    expect(failed.failure['#text']).toContain('+hello world');
  });

  it('--shard splits the tutorials by id', async () => {
    const { cli } = project();
    const first = await cli(['test', 'greet', 'second', '--shard', '1/2', '--reporter', 'json']);
    const second = await cli(['test', 'greet', 'second', '--shard', '2/2', '--reporter', 'json']);
    const ran = (stdout: string) =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; tutorial?: string })
        .filter((event) => event.type === 'run-start')
        .map((event) => event.tutorial);
    expect(ran(first.stdout)).toEqual(['greet']);
    expect(ran(second.stdout)).toEqual(['second']);
  });
});

describe('alts-tutor test without names, in a project', () => {
  it("tests the project's own tutorials, not those alts-tutor comes with; lint takes the same", async () => {
    const { dir, cli } = project();
    const result = await cli(['test', '--reporter', 'json']);
    const tutorials = result.stdout
      .split('\n')
      .filter((line) => line.includes('"run-start"'))
      .map((line) => (JSON.parse(line) as { tutorial: string }).tutorial);
    const own = readdirSync(join(dir, 'tutorials')).map((name) => name.replace(/\.md$/, ''));
    expect(tutorials.sort()).toEqual(own.sort());
    expect(tutorials).not.toContain('hello');
    const lint = await cli(['lint']);
    expect(lint.stdout + lint.stderr).not.toMatch(/hello|alts-grpc/);
  });
});

describe('alts-tutor test, without a cloud account', () => {
  /** A gcloud that has no account, first on PATH. */
  function noAccount(dir: string): NodeJS.ProcessEnv {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'gcloud'), '#!/bin/sh\necho "ERROR: (gcloud) no active account" >&2\nexit 1\n', { mode: 0o755 });
    return { PATH: `${bin}:${process.env.PATH}` };
  }

  it('skips a cloud-only tutorial when testing them all, saying how to run it; named, it fails', async () => {
    const { dir, home } = makeProject('cloud-only');
    // Testing them all includes the bundled tutorials: their lab gets a prefix of this test's, and
    // hello's working directory (under $TMPDIR) is made in the project.
    const env = { ALTS_TUTOR_HOME: home, ALTS_TUTOR_LAB_PREFIX: 'atltg-', TMPDIR: dir, ...noAccount(dir) };
    const all = await runCli(['test', '--ci'], { cwd: dir, env });
    expect(all.stdout).toContain(
      '  note: on-gcp: skipped, target gcp needs a gcloud account and project (test on-gcp --target gcp runs it)\n',
    );
    expect(all.stdout).not.toContain('✗ on-gcp');
    const named = await runCli(['test', 'on-gcp', '--ci'], { cwd: dir, env });
    expect(named.code).toBe(1);
    expect(named.stdout).toContain('✗ on-gcp: the gcp target is not ready');
  });

  it('skips a cloud-only tutorial when testing them all where gcloud is not installed at all', async () => {
    const { dir, home } = makeProject('cloud-only');
    const env = { ALTS_TUTOR_HOME: home, ALTS_TUTOR_LAB_PREFIX: 'atltn-', TMPDIR: dir, PATH: pathWithout(dir, ['gcloud']) };
    const all = await runCli(['test', '--ci'], { cwd: dir, env });
    expect(all.stdout).toContain(
      '  note: on-gcp: skipped, target gcp needs a gcloud account and project (test on-gcp --target gcp runs it)\n',
    );
    expect(all.stdout).not.toContain('✗ on-gcp');
    expect(all.stdout).not.toContain('✗ alts-envoy');
  });

  it('counts a tutorial that fails inside its run once', async () => {
    const { dir, home } = makeProject('cloud-only');
    const result = await runCli(['test', 'needs-a-value', 'here', '--ci'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.stdout).toContain('✗ needs-a-value: missing variable: NAME (a name)');
    expect(result.stdout).toContain('failed: 1 of 2 tutorials passed');
    expect(result.code).toBe(1);
  });
});

describe('alts-tutor test, large output', () => {
  it('checks a step that printed more than the in-memory tail against its whole log', async () => {
    const { dir, cli } = project();
    const passed = await cli(['test', 'big', '--ci']);
    expect(passed.code).toBe(0);
    const tutorial = join(dir, 'tutorials', 'big.md');
    // The first lines are beyond the tail kept in memory: only the log still has them.
    writeFileSync(tutorial, readFileSync(tutorial, 'utf8').replace('$ seq 1 150000\n1\n', '$ seq 1 150000\n0\n'));
    const failed = await cli(['test', 'big', '--ci']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^ {2}-0$/m);
    expect(failed.stdout).toMatch(/^ {2}\+1$/m);
  });
});

describe('alts-tutor run checks output too', () => {
  it('fails a step whose output differs from the tutorial, with the diff', async () => {
    const { dir, cli } = project();
    const result = await cli(['run', 'greet', '--yes', '--var', 'NAME=there']);
    expect(result.code).toBe(0);
    writeSnapshotFile(dir, 'greet-1', 'hello somebody\n');
    const mismatch = await cli(['run', 'greet', '--yes']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toContain('-hello somebody');
  });
});

describe('alts-tutor lint', () => {
  it('reports undefined variables, missing step files and Markdown output that disagrees with the snapshot, with file:line', async () => {
    const { cli } = project();
    const result = await cli(['lint', 'lintme']);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      'tutorials/lintme.md:8: step "build" uses $UNDECLARED, which is not declared in the front matter nor set by an earlier step',
      'tutorials/lintme.md:8: step "build" names server/server.go, which is not in steps/lintme/',
      'tutorials/lintme.md:19: the output shown for step "lint-me-3" disagrees with snapshots/lintme/lint-me-3.txt (update the Markdown, or the snapshot with test -u)',
    ]);
  });

  it('passes a clean tutorial', async () => {
    const { cli } = project();
    const result = await cli(['lint', 'greet', 'second']);
    expect(result.stderr).toContain('2 tutorials: no problems');
    expect(result.code).toBe(0);
  });
});
