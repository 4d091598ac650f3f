import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'cram');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'alts-cram-cli-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  // TMPDIR inside the project: whatever a run leaves in it is seen, and removed with the project.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  return { dir, env: { ALTS_TUTOR_HOME: join(dir, '.state'), TMPDIR: tmp } };
}

const WHERE = [
  'Where a test runs, written down for the test that runs it.',
  '',
  '  $ printf "%s\\n" "$CRAMTMP" "$PWD" "$TESTDIR" > "$TESTDIR/where.txt"',
  '  $ echo done',
  '  done',
  '',
].join('\n');

describe('alts-tutor on cram .t files', () => {
  it('run file.t runs each command in a fresh directory under $CRAMTMP, and removes it at the end', async () => {
    const { dir, env } = project({ 'sub/where.t': WHERE });
    const result = await runCli(['run', 'sub/where.t', '--yes', '--reporter', 'plain'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ cmd-2/);
    const [cramtmp = '', pwd, testdir] = readFileSync(join(dir, 'sub', 'where.txt'), 'utf8')
      .trim()
      .split('\n');
    expect(cramtmp.startsWith(join(dir, 'tmp', 'cramtests-'))).toBe(true);
    expect(pwd).toBe(join(cramtmp, 'where.t'));
    expect(testdir).toBe(join(dir, 'sub'));
    expect(existsSync(cramtmp)).toBe(false);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('test file.t fails (exit 1) with the diff of the command that printed something else', async () => {
    const { dir, env } = project({ 'wrong.t': '  $ echo actual\n  expected\n' });
    const result = await runCli(['test', 'wrong.t', '--reporter', 'plain'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('-expected\n  +actual');
    expect(result.stdout).toContain('at wrong.t:1');
  });

  it('a malformed .t is refused at its line, exit 2, one line and no stack', async () => {
    const { dir, env } = project({ 'bad.t': '  $ echo a\n  a\n\n  b\n' });
    const result = await runCli(['run', 'bad.t', '--yes'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'bad.t:4: expected output of the command at line 1 after a line of prose: cram reads an empty line as prose, so write an empty output line as two spaces',
    ]);
  });

  it("a .t written for prysk passes: the output's $TMPDIR path is written $TMPDIR, as prysk writes it", async () => {
    const { dir, env } = project({ 'tmpdir.t': readFileSync(join(FIXTURES, 'prysk', 'tmpdir.t'), 'utf8') });
    const result = await runCli(['test', 'tmpdir.t', '--reporter', 'plain'], { cwd: dir, env });
    expect(result.stdout).toContain('✓ cmd-5');
    expect(result.code).toBe(0);
  });

  it('a run refused for want of consent leaves no directory behind', async () => {
    const { dir, env } = project({ 'quiet.t': '  $ echo hi\n  hi\n' });
    const result = await runCli(['run', 'quiet.t'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('-u is refused before any command runs, and the file is left as it was', async () => {
    const text = '  $ echo new\n  old\n';
    const { dir, env } = project({ 'keep.t': text });
    const result = await runCli(['run', 'keep.t', '--yes', '-u'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-u does not write cram .t files (keep.t)');
    expect(readFileSync(join(dir, 'keep.t'), 'utf8')).toBe(text);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(result.stdout).not.toContain('cram-setup');
  });
});
