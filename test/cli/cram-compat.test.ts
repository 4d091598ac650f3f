import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCramTest } from '../../src/format/readers/cram.js';
import { lacks } from '../support/machine-needs.js';
import { runCli } from './helpers.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'cram');
const files = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.t'))
  .sort();
/**
 * cram's own examples, which python3-cram installs with cram3: files nobody here wrote. skip.t
 * exits 80, cram's "skip this file", which alts-tutor does not read (docs/cram.md).
 */
const EXAMPLES = '/usr/share/doc/python3-cram/examples';
const examples = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES)
      .filter((name) => name.endsWith('.t') && name !== 'skip.t')
      .sort()
  : [];
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * What a run flagged, in the .t file's terms: the expected lines it marked wrong (by line), and the
 * actual lines it put instead, each with the line of the file before which it stands.
 */
interface Flags {
  removed: number[];
  added: Array<{ at: number; text: string }>;
}

/** The flags that fall to one command: its output lines, and what stands before the next command. */
function within(flags: Flags, from: number, to: number): Flags {
  return {
    removed: flags.removed.filter((line) => line > from && line < to),
    added: flags.added.filter(({ at }) => at > from && at <= to),
  };
}

/** cram's verdict and the lines its diff flags (`-` lines by their line in the file, `+` lines without the indentation). */
function runCram(dir: string, name: string): { passed: boolean; flags: Flags } {
  // alts-tutor's command steps run in bash; cram is told to use it too, so both run the same shell.
  const run = spawnSync('cram3', ['--shell=/bin/bash', name], { cwd: dir, encoding: 'utf8' });
  const flags: Flags = { removed: [], added: [] };
  let old = 0;
  for (const line of run.stdout.split('\n')) {
    const hunk = /^@@ -(\d+)/.exec(line);
    if (hunk) old = Number(hunk[1]);
    else if (line.startsWith('--- ') || line.startsWith('+++ ')) continue;
    else if (line.startsWith(' ')) old++;
    else if (line.startsWith('-')) flags.removed.push(old++);
    else if (line.startsWith('+')) flags.added.push({ at: old, text: line.slice(3) });
  }
  expect([0, 1]).toContain(run.status);
  return { passed: run.status === 0, flags };
}

interface StepEnd {
  type: string;
  step: string;
  result: { status: string; exitCode: number | null; expectedExit: number; diff?: string };
}

/** alts-tutor's verdict and the lines its failed step flags, mapped to lines of the .t file as cram counts them. */
async function runAltsTutor(dir: string, name: string): Promise<{ passed: boolean; flags: Flags; failed?: { from: number; to: number } }> {
  const result = await runCli(['test', name, '--reporter', 'json'], { cwd: dir, env: { ALTS_TUTOR_HOME: join(dir, '.state') } });
  expect([0, 1]).toContain(result.code);
  const tutorial = parseCramTest(readFileSync(join(dir, name), 'utf8'), name, join(dir, name));
  const ends = result.stdout
    .split('\n')
    .filter((line) => line.includes('"type":"step-end"'))
    .map((line) => JSON.parse(line) as StepEnd);
  const failed = ends.find((end) => end.result.status !== 'passed');
  const flags: Flags = { removed: [], added: [] };
  if (!failed) return { passed: result.code === 0, flags };
  const step = tutorial.steps.find((candidate) => candidate.name === failed.step);
  const expected = step?.expected;
  if (!step || !expected) throw new Error(`no step ${failed.step}`);
  let old = 0;
  for (const line of (failed.result.diff ?? '').split('\n')) {
    const hunk = /^@@ -(\d+)/.exec(line);
    if (hunk) old = Math.max(Number(hunk[1]), 1);
    else if (line.startsWith('--- ') || line.startsWith('+++ ')) continue;
    else if (line.startsWith(' ')) old++;
    else if (line.startsWith('-')) flags.removed.push(expected.line + old++ - 1);
    else if (line.startsWith('+')) flags.added.push({ at: expected.line + old - 1, text: line.slice(1) });
  }
  // The exit status stands in cram's output as a last line [N] when it is not 0.
  const end = expected.line + expected.lines.length;
  const { exitCode, expectedExit } = failed.result;
  if (exitCode !== expectedExit) {
    if (expectedExit !== 0) flags.removed.push(end);
    if (exitCode !== 0) flags.added.push({ at: expectedExit !== 0 ? end + 1 : end, text: `[${exitCode}]` });
  }
  const next = tutorial.steps.find((candidate) => candidate.line > step.line && !candidate.teardown);
  return { passed: result.code === 0, flags, failed: { from: step.line, to: next?.line ?? Number.POSITIVE_INFINITY } };
}

describe.skipIf(lacks('cram3', import.meta.url))('cram .t files: the result equals cram 0.7 on the same file', () => {
  it('has passing and failing files for every feature', () => {
    expect(files.filter((name) => name.endsWith('-pass.t')).length).toBeGreaterThanOrEqual(7);
    expect(files.filter((name) => name.endsWith('-fail.t')).length).toBeGreaterThanOrEqual(8);
  });

  const cases = [...files.map((name) => ['fixtures', name, FIXTURES]), ...examples.map((name) => ["cram's examples", name, EXAMPLES])];
  it.each(cases)('%s: %s', async (_label, name, source) => {
    const dir = mkdtempSync(join(tmpdir(), 'alts-cram-'));
    dirs.push(dir);
    copyFileSync(join(source, name), join(dir, name));
    const cram = runCram(dir, name);
    rmSync(join(dir, `${name}.err`), { force: true });
    const ours = await runAltsTutor(dir, name);
    expect({ passed: ours.passed }).toEqual({ passed: cram.passed });
    if (source === FIXTURES) expect(cram.passed).toBe(name.endsWith('-pass.t'));
    if (cram.passed) return;
    // alts-tutor stops at the first failing command, cram goes on: cram flags nothing before that
    // command, and at that command both flag the same lines (and something).
    const { from, to } = ours.failed ?? { from: 0, to: 0 };
    expect(within(cram.flags, 0, from)).toEqual({ removed: [], added: [] });
    const atCommand = within(cram.flags, from, to);
    expect(atCommand.removed.length + atCommand.added.length).toBeGreaterThan(0);
    expect(ours.flags).toEqual(atCommand);
  });
});
