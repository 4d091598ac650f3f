import { describe, expect, it } from 'vitest';
import { parseAttributes, parseReadiness, splitInfoString } from '../../src/format/attributes.js';

describe('splitInfoString', () => {
  it.each([
    ['sh', 'sh', ''],
    ['  Bash  ', 'bash', ''],
    ['sh { name=x }', 'sh', '{ name=x }'],
    ['console{"name":"x"}', 'console', '{"name":"x"}'],
    ['text { output }', 'text', '{ output }'],
    ['go title="main.go"', 'go', ''],
    ['', '', ''],
  ])('splits %j into language %j and attributes %j', (info, lang, attributes) => {
    expect(splitInfoString(info)).toEqual({ lang, attributes });
  });
});

describe('parseAttributes: brace form', () => {
  it('gives no attributes for empty text or empty braces', () => {
    expect(parseAttributes('')).toEqual({});
    expect(parseAttributes('{ }')).toEqual({});
    expect(parseAttributes('{}')).toEqual({});
  });

  it('reads bare values, double-quoted values and bare boolean flags', () => {
    expect(parseAttributes('{ name=run-server host="alts-server" background ready="listening on port" }')).toEqual({
      name: 'run-server',
      host: 'alts-server',
      background: true,
      ready: { kind: 'output', pattern: /listening on port/ },
    });
  });

  it('reads \\" and \\\\ escapes inside a quoted value', () => {
    const attributes = parseAttributes('{ cwd="say \\"hi\\" C:\\\\dir" }');
    expect(attributes.cwd).toBe('say "hi" C:\\dir');
  });

  it('keeps a backslash before any other character, so regular expressions survive quoting', () => {
    const ready = parseAttributes('{ ready="/listening on \\d+/" }').ready;
    expect(ready).toEqual({ kind: 'output', pattern: /listening on \d+/ });
  });

  it('accepts commas between attributes', () => {
    expect(parseAttributes('{ name=a, teardown, cwd="x", interactive=false }')).toEqual({
      name: 'a',
      teardown: true,
      cwd: 'x',
      interactive: false,
    });
    expect(parseAttributes('{ targets=gcp,lab, name=b }')).toEqual({ targets: ['gcp', 'lab'], name: 'b' });
  });

  it('keeps spaces and braces inside quoted values', () => {
    expect(parseAttributes('{ cwd="a dir/{x}" }').cwd).toBe('a dir/{x}');
  });
});

describe("parseAttributes: Runme's JSON form", () => {
  it('reads strings, booleans and numbers', () => {
    expect(parseAttributes('{"name":"x","background":true,"ready":"port:8080","exit":2,"timeout":30}')).toEqual({
      name: 'x',
      background: true,
      ready: { kind: 'port', port: 8080 },
      exit: 2,
      timeout: 30_000,
    });
  });

  it('reads JSON escapes in strings', () => {
    expect(parseAttributes('{"cwd":"a \\"b\\""}').cwd).toBe('a "b"');
  });
});

describe('parseAttributes: every attribute of the table', () => {
  it.each([
    ['name=run-server', { name: 'run-server' }],
    ['name=step_2.a', { name: 'step_2.a' }],
    ['host=alts-client', { host: 'alts-client' }],
    ['targets=gcp', { targets: ['gcp'] }],
    ['targets=gcp,lab', { targets: ['gcp', 'lab'] }],
    ['targets="gcp, lab"', { targets: ['gcp', 'lab'] }],
    ['background', { background: true }],
    ['background=true', { background: true }],
    ['background=false', { background: false }],
    ['ready="/^listening on \\d+$/"', { ready: { kind: 'output', pattern: /^listening on \d+$/ } }],
    ['ready=port:50051', { ready: { kind: 'port', port: 50051 } }],
    ['ready=http://localhost:8080/healthz', { ready: { kind: 'http', url: 'http://localhost:8080/healthz' } }],
    ['ready=https://example.test/', { ready: { kind: 'http', url: 'https://example.test/' } }],
    ['ready=listening', { ready: { kind: 'output', pattern: /listening/ } }],
    ['ready=port:$PORT', { ready: { kind: 'template', text: 'port:$PORT' } }],
    ['ready="http://127.0.0.1:${PORT}/healthz"', { ready: { kind: 'template', text: 'http://127.0.0.1:${PORT}/healthz' } }],
    ['ready="/ready$/"', { ready: { kind: 'output', pattern: /ready$/ } }],
    ['timeout=30s', { timeout: 30_000 }],
    ['timeout=5m', { timeout: 300_000 }],
    ['timeout=250ms', { timeout: 250 }],
    ['exit=0', { exit: 0 }],
    ['exit=1', { exit: 1 }],
    ['exit=255', { exit: 255 }],
    ['expect=lines', { expect: 'lines' }],
    ['expect=contains', { expect: 'contains' }],
    ['expect=exact', { expect: 'exact' }],
    ['expect=none', { expect: 'none' }],
    ['confirm', { confirm: true }],
    ['confirm=false', { confirm: false }],
    ['teardown', { teardown: true }],
    ['interactive=true', { interactive: true }],
    ['cwd=server', { cwd: 'server' }],
    ['cwd="../shared dir"', { cwd: '../shared dir' }],
    ['retry=3x10s', { retry: { attempts: 3, delay: 10_000 } }],
    ['stop=run-server', { stop: 'run-server' }],
    ['output', { output: true }],
  ])('{ %s } parses to its typed value', (text, expected) => {
    expect(parseAttributes(`{ ${text} }`)).toEqual(expected);
  });

  it('a bare-word ready value is a literal substring, not a regular expression', () => {
    const ready = parseAttributes('{ ready="a.b (x)" }').ready;
    if (ready?.kind !== 'output') throw new Error(`ready is ${JSON.stringify(ready)}`);
    expect(ready.pattern.test('got a.b (x) here')).toBe(true);
    expect(ready.pattern.test('axb x')).toBe(false);
  });
});

describe('parseAttributes: malformed', () => {
  it.each([
    ['{ name="abc }', 'unterminated quoted value'],
    ['{ ready="x\\" }', 'unterminated quoted value'],
    ['{ foo=1 }', 'unknown attribute "foo"'],
    ['{ Name=x }', 'unknown attribute "Name"'],
    ['{ timeout=soon }', 'timeout must look like 30s, 5m or 250ms, not "soon"'],
    ['{ timeout=0s }', 'timeout must be more than zero'],
    ['{ timeout }', 'attribute timeout needs a value (timeout=…)'],
    ['{ exit=300 }', 'exit must be a whole number from 0 to 255, not "300"'],
    ['{ exit=-1 }', 'exit must be a whole number from 0 to 255, not "-1"'],
    ['{ exit=1.5 }', 'exit must be a whole number from 0 to 255, not "1.5"'],
    ['{ exit=0x10 }', 'exit must be a whole number from 0 to 255, not "0x10"'],
    ['{ exit="" }', 'exit must be a whole number from 0 to 255, not ""'],
    ['{ exit }', 'attribute exit needs a value (exit=…)'],
    ['{"exit":true}', 'attribute exit needs a value (exit=…)'],
    ['{ expect=bogus }', 'expect must be one of lines, contains, exact, none, not "bogus"'],
    ['{ background=maybe }', 'background must be true or false, not "maybe"'],
    ['{ confirm=yes }', 'confirm must be true or false, not "yes"'],
    ['{ retry=3 }', 'retry must look like 3x10s (attempts x delay), not "3"'],
    ['{ ready=port:0 }', 'ready port must be 1 to 65535, not 0'],
    ['{ ready=port:70000 }', 'ready port must be 1 to 65535, not 70000'],
    ['{ ready="port:$PORT/x" }', 'ready must be port:N or an http:// URL, not "port:$PORT/x"'],
    ['{ ready="" }', 'ready must be /regex/, port:N or an http:// URL'],
    ['{ targets="," }', 'targets needs at least one target name'],
    ['{ name="two words" }', 'name must be letters, digits, ".", "_" or "-", not "two words"'],
    ['{ host=-x }', 'host must be a host name of the target, not "-x"'],
    ['{ name= }', 'attribute name has no value'],
    ['{ name=, x }', 'attribute name has no value'],
    ['{ name="a"b }', 'unexpected "b" after attribute name'],
    ['{ =x }', 'expected an attribute name at "=x "'],
    ['{ name=a name=b }', 'attribute name is given twice'],
    ['name=x', 'attributes must be enclosed in braces: name=x'],
    ['{"name":["x"]}', 'attribute name must be a string, number or boolean'],
  ])('%s is rejected: %s', (text, message) => {
    expect(() => parseAttributes(text)).toThrow(message);
  });

  it('bad JSON is rejected as malformed JSON attributes', () => {
    expect(() => parseAttributes('{"name":"x",}')).toThrow(/^malformed JSON attributes: /);
  });

  it('an invalid regular expression in ready is rejected', () => {
    expect(() => parseAttributes('{ ready=/(/ }')).toThrow(/^ready has an invalid regular expression: /);
  });
});

describe('parseReadiness', () => {
  it.each([
    ['/ok$/', { kind: 'output', pattern: /ok$/ }],
    ['port:1', { kind: 'port', port: 1 }],
    ['port:65535', { kind: 'port', port: 65535 }],
    ['http://127.0.0.1:9901/ready', { kind: 'http', url: 'http://127.0.0.1:9901/ready' }],
    ['ftp://x', { kind: 'output', pattern: /ftp:\/\/x/ }],
  ])('%s gives %o', (text, readiness) => {
    expect(parseReadiness(text)).toEqual(readiness);
  });
});
