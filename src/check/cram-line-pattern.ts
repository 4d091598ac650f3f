import type { LinePattern } from './line-pattern.js';

/**
 * cram's matching rules (cram 0.7's `_test.py` and `_diff.py`; prysk keeps them), for `.t` files.
 *
 * cram compares the expected line with the actual line as cram writes it: a last line without a
 * newline gets ` (no-eol)`, and a line holding control bytes or bytes past ASCII is escaped
 * (`\t`, `\r`, `\\`, `\xNN`) and gets ` (esc)`. `cramOutputLines` gives that form. An expected
 * line matches when it is equal to it, or when its annotation says how: ` (esc)` (the escapes
 * decoded, compared byte for byte), ` (glob)` (`*` and `?`, `\` escapes them) or ` (re)` (a
 * Python regular expression matched from the start and anchored at the end). A line whose
 * annotation does not match, or whose expression is invalid, is still equal to an identical line:
 * `foo (re)` matches the output `foo (re)`.
 */
export function compileCramLine(line: string, variables: Readonly<Record<string, string>> = {}): LinePattern {
  const problem = line.endsWith(RE) ? regexProblem(line.slice(0, -RE.length)) : undefined;
  const kind = line.endsWith(RE) ? 'regex' : line.endsWith(GLOB) || line.endsWith(ESC) ? 'pattern' : 'literal';
  const tmpdir = runTmpdir(line, variables);
  const matches = (actual: string) =>
    cramLineMatches(line, actual) || (tmpdir !== undefined && cramLineMatches(line, actual.replaceAll(tmpdir, TMPDIR_WORD)));
  return {
    source: line,
    kind,
    matches,
    occursIn: matches,
    ...(problem !== undefined && { problem }),
  };
}

/** The variable the `.t` reader keeps `$CRAMTMP` in (src/format/readers/cram.ts). */
const RUN_DIR = 'ALTS_CRAM_TMP';
const TMPDIR_WORD = '$TMPDIR';

/**
 * prysk's one rule cram lacks: the output's `$TMPDIR` path is written `$TMPDIR`, so a line that
 * says `$TMPDIR/x` matches `/tmp/cramtests-abc123/tmp/x`. Applied only when cram's rules fail
 * and the line names `$TMPDIR`, a file that passes under cram passes here too.
 */
function runTmpdir(line: string, variables: Readonly<Record<string, string>>): string | undefined {
  const root = variables[RUN_DIR];
  return root !== undefined && root !== '' && line.includes(TMPDIR_WORD) ? `${root}/tmp` : undefined;
}

const RE = ' (re)';
const GLOB = ' (glob)';
const ESC = ' (esc)';
const NO_EOL = ' (no-eol)';

/** Whether cram takes `expected` (without its indentation) to match `actual` (a line of `cramOutputLines`). */
export function cramLineMatches(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (escMatches(expected, actual)) return true;
  if (expected.endsWith(GLOB) && pythonRegexMatches(globToRegex(expected.slice(0, -GLOB.length)), actual)) return true;
  return expected.endsWith(RE) && pythonRegexMatches(expected.slice(0, -RE.length), actual);
}

/** cram's `esc`: both sides' ` (esc)` escapes decoded, then compared byte for byte. */
function escMatches(expected: string, actual: string): boolean {
  const want = expected.endsWith(ESC) ? decodeEscapes(expected.slice(0, -ESC.length)) : Buffer.from(expected);
  if (want === undefined) return false;
  if (want.equals(Buffer.from(actual))) return true;
  if (!actual.endsWith(ESC)) return false;
  const got = decodeEscapes(actual.slice(0, -ESC.length));
  return got !== undefined && want.equals(got);
}

/**
 * Output as cram compares it: lines split at `\n`, `\r\n` and a lone `\r` (Python's
 * `bytes.splitlines`), ` (no-eol)` on a last line that has no newline, escaped lines marked ` (esc)`.
 */
export function cramOutputLines(text: string): string[] {
  if (text === '') return [];
  const lines: string[] = [];
  for (const match of text.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)) {
    const [, body = '', end = ''] = match;
    if (body === '' && end === '') break;
    const ended = end.endsWith('\n');
    const line = (end === '\r\n' ? `${body}\r` : end === '\r' ? `${body}\r` : body) + (ended ? '' : NO_EOL);
    lines.push(escapeLine(line));
  }
  return lines;
}

/** cram's `_escape` over the line's UTF-8 bytes: `\\`, `\r`, `\t`, else `\xNN`; quotes are left alone. */
function escapeLine(line: string): string {
  const bytes = Buffer.from(line);
  // cram's `_needescape`: a control byte other than the newline, or a byte past ASCII.
  if (!bytes.some((byte) => (byte < 0x20 && byte !== 0x0a) || byte >= 0x7f)) return line;
  let escaped = '';
  for (const byte of bytes) {
    if (byte === 0x5c) escaped += '\\\\';
    else if (byte === 0x0d) escaped += '\\r';
    else if (byte === 0x09) escaped += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) escaped += `\\x${byte.toString(16).padStart(2, '0')}`;
    else escaped += String.fromCharCode(byte);
  }
  return `${escaped}${ESC}`;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/**
 * Python's `codecs.escape_decode`: `\xNN`, octal `\NNN`, the one-letter escapes; any other `\c`
 * stays as it is. Undefined where Python raises (a `\x` without two hex digits, a trailing `\`).
 */
export function decodeEscapes(text: string): Buffer | undefined {
  const source = Buffer.from(text);
  const out: number[] = [];
  for (let at = 0; at < source.length; at++) {
    const byte = source[at] as number;
    if (byte !== 0x5c) {
      out.push(byte);
      continue;
    }
    const next = source[at + 1];
    if (next === undefined) return undefined;
    const letter = String.fromCharCode(next);
    const simple = SIMPLE_ESCAPES[letter];
    if (simple !== undefined) {
      out.push(simple);
      at++;
    } else if (letter === 'x') {
      const hex = source.subarray(at + 2, at + 4).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(Number.parseInt(hex, 16));
      at += 3;
    } else if (/[0-7]/.test(letter)) {
      const octal = /^[0-7]{1,3}/.exec(source.subarray(at + 1, at + 4).toString('latin1'))?.[0] ?? '';
      out.push(Number.parseInt(octal, 8) & 0xff);
      at += octal.length;
    } else if (next === 0x0a) {
      at++;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out);
}

/** cram's `_glob`: `*` any text, `?` one character, `\*` `\?` `\\` literal; everything else literal. */
function globToRegex(glob: string): string {
  let regex = '';
  for (let at = 0; at < glob.length; at++) {
    const char = glob[at] as string;
    const next = glob[at + 1];
    if (char === '\\' && next !== undefined && '*?\\'.includes(next)) {
      regex += `\\${next}`;
      at++;
    } else if (char === '*') regex += '.*';
    else if (char === '?') regex += '.';
    else regex += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return regex;
}

/**
 * `re.match(pattern + r'\Z', line)`: matched from the start, the end anchor glued to the pattern's
 * last alternative exactly as Python reads the concatenation (`a|b\Z` matches `abc`).
 * Python's named groups are rewritten to JavaScript's; an invalid pattern matches nothing.
 */
function pythonRegexMatches(pattern: string, line: string): boolean {
  const compiled = compilePython(pattern);
  return compiled?.test(line) === true;
}

const compiledCache = new Map<string, RegExp | undefined>();

function compilePython(pattern: string): RegExp | undefined {
  if (compiledCache.has(pattern)) return compiledCache.get(pattern);
  let compiled: RegExp | undefined;
  const { body, flags } = pythonToJavaScript(pattern);
  try {
    compiled = new RegExp(`^(?:${body}$)`, flags);
  } catch {
    compiled = undefined;
  }
  if (compiledCache.size > 1000) compiledCache.clear();
  compiledCache.set(pattern, compiled);
  return compiled;
}

function pythonToJavaScript(pattern: string): { body: string; flags: string } {
  const inline = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  const flags = [...new Set((inline?.[1] ?? '').replace(/[aLux]/g, ''))].join('');
  const body = (inline ? pattern.slice(inline[0].length) : pattern)
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\Z/g, '$')
    .replace(/\\A/g, '^');
  return { body, flags };
}

function regexProblem(pattern: string): string | undefined {
  return compilePython(pattern) === undefined ? 'not a valid regular expression: compared as literal text, as cram does' : undefined;
}

/** Where an expected line's ` (esc)` escapes cannot be decoded (cram stops with a Python error there). */
export function badEscape(line: string): string | undefined {
  if (!line.endsWith(ESC) || decodeEscapes(line.slice(0, -ESC.length)) !== undefined) return undefined;
  return 'this (esc) line has an escape cram cannot decode (\\x needs two hex digits; a last \\ needs a character after it)';
}
