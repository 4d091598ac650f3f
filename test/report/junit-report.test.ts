import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit-report.js';
import type { ReportEvent } from '../../src/report/report-events.js';
import { ReportBuilder } from '../../src/report/report-model.js';
import { sampleEvents } from './report-fixtures.js';

function junitOf(events: ReportEvent[]) {
  const builder = new ReportBuilder();
  for (const event of events) builder.add(event);
  const text = renderJunit(builder.report());
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  }).parse(text);
  return {
    text,
    suites: parsed.testsuites.testsuite as Array<{ name: string; testcase: Array<Record<string, unknown>> } & Record<string, string>>,
    root: parsed.testsuites,
  };
}

describe('JUnit from the report model', () => {
  it('has a testcase per step with file and line, output in system-out, the diff in the failure, skipped and refused tutorials', () => {
    const { suites, root } = junitOf(sampleEvents());
    expect(suites.map((suite) => suite.name)).toEqual(['broken', 'cloudy', 'greet (local)']);
    expect(root).toMatchObject({ tests: '6', failures: '1', errors: '1', skipped: '2' });
    const [broken, cloudy, greet] = suites;
    expect(broken?.testcase[0]).toMatchObject({
      name: '(tutorial)',
      error: { message: 'tutorials/broken.md:3: unknown attribute "colour"' },
    });
    expect(cloudy?.testcase[0]).toMatchObject({ name: '(tutorial)', file: 'tutorials/cloudy.md', skipped: { message: 'no target lab' } });
    const cases = greet?.testcase ?? [];
    expect(cases.map((entry) => [entry.name, entry.file, entry.line])).toEqual([
      ['one', 'tutorials/greet.md', '5'],
      ['two', 'tutorials/greet.md', '9'],
      ['last', 'tutorials/greet.md', '14'],
      ['down', 'tutorials/greet.md', '20'],
    ]);
    expect(cases[0]?.['system-out']).toBe('hi\n');
    expect(cases[1]).toMatchObject({
      failure: { type: 'mismatch', '#text': expect.stringContaining('+goodbye') },
      'system-out': 'goodbye\n',
    });
    expect(cases[2]).toMatchObject({ skipped: { message: 'not run: an earlier step failed' } });
  });

  it('stays valid XML whatever the names, outputs and diffs hold (control characters, escapes, markup, lone surrogates)', () => {
    const hostile = 'a\u0000b\u0007c\u001b[31mred\u001b[0m\u000b\ud800 </system-out><x y="1"/>&amp; ]]>';
    const { text, suites } = junitOf(
      sampleEvents({ title: hostile, stepName: `step ${hostile}`, output: `${hostile}\n`, diff: `-${hostile}\n+ok\n` }),
    );
    expect(XMLValidator.validate(text)).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const failed = suites[2]?.testcase[1] as { name: string; 'system-out': string; failure: { '#text': string } };
    expect(failed.name).toBe('step abcred </system-out><x y="1"/>&amp; ]]>');
    // Colours are dropped, not left as "[31m" litter.
    expect(failed['system-out']).toBe('abcred </system-out><x y="1"/>&amp; ]]>\n');
    expect(failed.failure['#text']).toContain('-abcred </system-out>');
  });
});
