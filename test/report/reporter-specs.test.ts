import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseReporterSpecs, type ReporterName } from '../../src/report/reporter-specs.js';

const allowed: ReporterName[] = ['plain', 'json', 'junit', 'github', 'html'];
const parse = (values: string[], extra: { output?: string; env?: NodeJS.ProcessEnv } = {}) =>
  parseReporterSpecs(values, {
    allowed,
    fallback: [{ name: 'plain' }],
    env: extra.env ?? {},
    ...(extra.output !== undefined && { output: extra.output }),
  });

describe('--reporter NAME[:FILE]', () => {
  it.each([
    [[], [{ name: 'plain' }]],
    [['json'], [{ name: 'json' }]],
    [
      ['plain', 'junit:out/j.xml', 'html:report.html', 'json:o.json'],
      [{ name: 'plain' }, { name: 'junit', file: 'out/j.xml' }, { name: 'html', file: 'report.html' }, { name: 'json', file: 'o.json' }],
    ],
    [['junit:C:x.xml'], [{ name: 'junit', file: 'C:x.xml' }]],
    [
      ['github', 'json'],
      [{ name: 'github' }, { name: 'json' }],
    ],
  ])('%j', (values, expected) => {
    expect(parse(values)).toEqual(expected);
  });

  it('--output names the file of the one reporter', () => {
    expect(parse(['junit'], { output: 'j.xml' })).toEqual([{ name: 'junit', file: 'j.xml' }]);
    expect(parse([], { output: 'plain.txt' })).toEqual([{ name: 'plain', file: 'plain.txt' }]);
  });

  it('adds github beside the default under GitHub Actions, not beside reporters given', () => {
    expect(parse([], { env: { GITHUB_ACTIONS: 'true' } })).toEqual([{ name: 'plain' }, { name: 'github' }]);
    expect(parse(['json'], { env: { GITHUB_ACTIONS: 'true' } })).toEqual([{ name: 'json' }]);
  });

  it.each([
    [['nope'], {}, 'unknown reporter "nope" in --reporter nope'],
    [['junit:'], {}, '--reporter junit: names no file'],
    [[':x'], {}, 'unknown reporter "" in --reporter :x'],
    [['plain', 'json'], {}, '--reporter plain and json would both write to stdout'],
    [['junit:a.xml', 'html:a.xml'], {}, 'two reporters would write a.xml'],
    [['junit', 'html'], { output: 'x' }, '--output goes with a single --reporter'],
    [['junit:a.xml'], { output: 'b.xml' }, '--output and --reporter junit:a.xml both name a file'],
  ])('refuses %j %j', (values, extra, message) => {
    expect(() => parse(values, extra)).toThrow(UserError);
    expect(() => parse(values, extra)).toThrow(message);
  });
});
