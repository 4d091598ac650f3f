import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { reportProject } from '../report/report-project.js';
import { runCli } from './helpers.js';

const projects: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

async function project() {
  const made = await reportProject();
  projects.push(made);
  const cli = (args: string[]) => runCli(args, { cwd: made.dir, env: made.env });
  return { ...made, cli };
}

type Suite = { name: string; file: string; testcase: Array<Record<string, unknown> & { name: string }> };

/** Each testcase of a JUnit file as what CI shows of it: suite, name, file, line and outcome. */
function testcases(file: string): string[] {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  }).parse(readFileSync(file, 'utf8'));
  return (parsed.testsuites.testsuite as Suite[]).flatMap((suite) =>
    suite.testcase.map((entry) => {
      const outcome = ['failure', 'error', 'skipped'].find((key) => key in entry) ?? 'passed';
      return `${suite.name} | ${entry.name} | ${entry.file}:${entry.line ?? ''} | ${outcome}`;
    }),
  );
}

describe('merge-reports', () => {
  it('the JSON reports of --shard 1/3, 2/3 and 3/3 merge into the testcases of one unsharded run', async () => {
    const { dir, cli } = await project();
    const common = ['test', '--target', 'local', '--ci'];
    const whole = await cli([...common, '--reporter', 'junit:whole.xml', '--reporter', 'json:whole.json']);
    expect(whole.code).toBe(1);
    for (const shard of [1, 2, 3]) {
      const result = await cli([
        ...common,
        '--shard',
        `${shard}/3`,
        '--reporter',
        `json:shard-${shard}.json`,
        '--reporter',
        `junit:shard-${shard}.xml`,
      ]);
      expect(result.code).not.toBe(2);
    }
    // Each shard tested some of the tutorials, none all of them.
    const expected = testcases(join(dir, 'whole.xml'));
    for (const shard of [1, 2, 3]) expect(testcases(join(dir, `shard-${shard}.xml`)).length).toBeLessThan(expected.length);

    const merged = await cli([
      'merge-reports',
      'shard-1.json',
      'shard-2.json',
      'shard-3.json',
      '--reporter',
      'junit:merged/junit.xml',
      '--reporter',
      'html:merged/index.html',
      '--reporter',
      'json:merged/report.json',
    ]);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toMatch(/^merged 3 reports: \d+ tutorials, 4 failed, \d+ skipped; steps: /m);
    expect(testcases(join(dir, 'merged', 'junit.xml'))).toEqual(expected);
    expect(expected).toEqual(
      expect.arrayContaining([
        'alpha (local) | alpha-2 | tutorials/alpha.md:8 | failure',
        'delta | (tutorial) | tutorials/delta.md: | skipped',
        'foxtrot | (tutorial) | tutorials/foxtrot.md: | error',
        'golf (local) | golf-2 | tutorials/golf.md:6 | passed',
      ]),
    );
    const html = readFileSync(join(dir, 'merged', 'index.html'), 'utf8');
    for (const id of ['alpha', 'bravo', 'charlie', 'delta', 'echo-secret', 'foxtrot', 'golf']) expect(html).toContain(`<code>${id}`);

    // The merged JSON merges again, with the unsharded one's as much as with itself.
    const again = await cli(['merge-reports', 'merged/report.json', '--reporter', 'junit:again.xml']);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again.xml'), 'utf8')).toBe(readFileSync(join(dir, 'merged', 'junit.xml'), 'utf8'));
    const fromWhole = await cli(['merge-reports', 'whole.json', '--reporter', 'junit:from-whole.xml']);
    expect(testcases(join(dir, 'from-whole.xml'))).toEqual(expected);
    expect(fromWhole.code).toBe(0);
  });

  it('writes JSON to stdout by default', async () => {
    const { cli } = await project();
    await cli(['test', 'bravo', '--reporter', 'json:b.json']);
    const merged = await cli(['merge-reports', 'b.json']);
    expect(merged.code).toBe(0);
    const events = merged.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
  });

  it('refuses what is not a JSON report of alts-tutor, naming the file and line, with exit 2', async () => {
    const { dir, cli } = await project();
    await cli(['test', 'bravo', '--reporter', 'json:good.json']);
    const good = readFileSync(join(dir, 'good.json'), 'utf8');
    writeFileSync(join(dir, 'cut.json'), good.slice(0, good.length - 20));
    writeFileSync(join(dir, 'other.json'), '{"numPassedTests": 3}\n');
    writeFileSync(join(dir, 'shape.json'), '{"type":"step-end","step":"x","result":{"name":"x","status":"exploded"}}\n');
    const cases: Array<[string[], string]> = [
      [['missing.json'], 'alts-tutor: cannot read report missing.json: ENOENT'],
      [
        ['good.json', 'cut.json'],
        `alts-tutor: cut.json:${good.trimEnd().split('\n').length}: not JSON, so not a line of an alts-tutor JSON report`,
      ],
      [['other.json'], 'alts-tutor: other.json:1: not an event of an alts-tutor JSON report'],
      [['shape.json'], 'alts-tutor: shape.json:1: a step-end event with a bad result.status: '],
      [['good.json', '--reporter', 'plain'], 'alts-tutor: unknown reporter "plain" in --reporter plain'],
    ];
    for (const [args, line] of cases) {
      const result = await cli(['merge-reports', ...args, '--output', 'never.xml']);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0]).toContain(line);
      expect(result.stderr).not.toContain('    at ');
    }
  });
});
