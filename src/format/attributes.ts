import { parseDuration, parseRetry } from './durations.js';
import type { ExpectMode, Readiness } from './tutorial.js';

/** Attributes of a step, after validation. Absent keys were not given. */
export interface StepAttributes {
  name?: string;
  host?: string;
  targets?: string[];
  background?: boolean;
  ready?: Readiness;
  timeout?: number;
  exit?: number;
  expect?: ExpectMode;
  confirm?: boolean;
  teardown?: boolean;
  interactive?: boolean;
  cwd?: string;
  retry?: { attempts: number; delay: number };
  stop?: string;
  /** `text { output }`: the block is the expected output of the step before it. */
  output?: boolean;
}

type RawValue = string | boolean | number;

/** Splits a fence's info string into its language and the attribute text after it. */
export function splitInfoString(info: string): { lang: string; attributes: string } {
  const trimmed = info.trim();
  const brace = trimmed.indexOf('{');
  const head = brace === -1 ? trimmed : trimmed.slice(0, brace);
  const lang = (head.trim().split(/\s+/)[0] ?? '').toLowerCase();
  return { lang, attributes: brace === -1 ? '' : trimmed.slice(brace) };
}

/**
 * Parses `{ name=x host="a b" background }` or Runme's JSON form `{"name":"x"}`.
 * Throws `Error` with a message that names the problem; the caller adds file and line.
 */
export function parseAttributes(text: string): StepAttributes {
  const source = text.trim();
  if (source === '') return {};
  if (!source.startsWith('{') || !source.endsWith('}')) {
    throw new Error(`attributes must be enclosed in braces: ${source}`);
  }
  const raw = source.startsWith('{"') || source === '{}' ? parseJsonForm(source) : parseBraceForm(source);
  return validateAttributes(raw);
}

function parseJsonForm(source: string): Map<string, RawValue> {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new Error(`malformed JSON attributes: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('JSON attributes must be an object');
  }
  const entries = new Map<string, RawValue>();
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' && typeof item !== 'boolean' && typeof item !== 'number') {
      throw new Error(`attribute ${key} must be a string, number or boolean`);
    }
    entries.set(key, item);
  }
  return entries;
}

const KEY = /[A-Za-z][\w-]*/y;
const BARE_VALUE = /[^\s"{}]+/y;

function parseBraceForm(source: string): Map<string, RawValue> {
  const body = source.slice(1, -1);
  const entries = new Map<string, RawValue>();
  let at = 0;
  const skipSpace = () => {
    while (at < body.length && /[\s,]/.test(body[at] ?? '')) at++;
  };
  for (skipSpace(); at < body.length; skipSpace()) {
    KEY.lastIndex = at;
    const key = KEY.exec(body)?.[0];
    if (key === undefined) throw new Error(`expected an attribute name at "${body.slice(at)}"`);
    at += key.length;
    let value: RawValue = true;
    if (body[at] === '=') {
      at++;
      if (body[at] === '"') {
        const quoted = readQuoted(body, at);
        value = quoted.value;
        at = quoted.end;
      } else {
        BARE_VALUE.lastIndex = at;
        // A trailing comma separates attributes (`name=a, teardown`); inside a value it stays (`targets=gcp,lab`).
        const bare = BARE_VALUE.exec(body)?.[0]?.replace(/,+$/, '');
        if (!bare) throw new Error(`attribute ${key} has no value`);
        value = bare;
        at += bare.length;
      }
    }
    if (at < body.length && !/[\s,]/.test(body[at] ?? '')) {
      throw new Error(`unexpected "${body[at]}" after attribute ${key}`);
    }
    if (entries.has(key)) throw new Error(`attribute ${key} is given twice`);
    entries.set(key, value);
  }
  return entries;
}

/**
 * Reads a double-quoted string starting at `start` (the quote); `\"` and `\\` are escapes.
 * Any other backslash stays, so that `ready="/listening on \d+/"` keeps its regular expression.
 */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\')) {
      value += text[++at];
    } else if (char === '"') {
      return { value, end: at + 1 };
    } else {
      value += char;
    }
  }
  throw new Error('unterminated quoted value');
}

const NAME = /^[A-Za-z0-9][\w.-]*$/;
const HOST = /^[A-Za-z0-9][\w.-]*$/;
const EXPECT_MODES: readonly ExpectMode[] = ['lines', 'contains', 'exact', 'none'];

function validateAttributes(raw: Map<string, RawValue>): StepAttributes {
  const result: StepAttributes = {};
  for (const [key, value] of raw) {
    switch (key) {
      case 'name':
        result.name = matching(key, value, NAME, 'letters, digits, ".", "_" or "-"');
        break;
      case 'host':
        result.host = matching(key, value, HOST, 'a host name of the target');
        break;
      case 'targets':
        result.targets = text(key, value)
          .split(',')
          .map((target) => target.trim())
          .filter(Boolean);
        if (result.targets.length === 0) throw new Error('targets needs at least one target name');
        break;
      case 'background':
      case 'confirm':
      case 'teardown':
      case 'interactive':
      case 'output':
        result[key] = boolean(key, value);
        break;
      case 'ready':
        result.ready = parseReadiness(text(key, value));
        break;
      case 'timeout':
        result.timeout = parseDuration(text(key, value), key);
        break;
      case 'exit': {
        // Digits only: `Number()` would read a bare `exit` (true) as 1, `""` as 0 and `0x10` as 16.
        const digits = text(key, value);
        const status = /^\d{1,3}$/.test(digits) ? Number(digits) : Number.NaN;
        if (!(status >= 0 && status <= 255)) {
          throw new Error(`exit must be a whole number from 0 to 255, not "${value}"`);
        }
        result.exit = status;
        break;
      }
      case 'expect': {
        const mode = text(key, value) as ExpectMode;
        if (!EXPECT_MODES.includes(mode)) {
          throw new Error(`expect must be one of ${EXPECT_MODES.join(', ')}, not "${value}"`);
        }
        result.expect = mode;
        break;
      }
      case 'cwd':
        result.cwd = text(key, value);
        break;
      case 'retry':
        result.retry = parseRetry(text(key, value));
        break;
      case 'stop':
        result.stop = matching(key, value, NAME, 'the name of a background step');
        break;
      default:
        throw new Error(`unknown attribute "${key}"`);
    }
  }
  return result;
}

function text(key: string, value: RawValue): string {
  if (typeof value === 'boolean') throw new Error(`attribute ${key} needs a value (${key}=…)`);
  return String(value);
}

function matching(key: string, value: RawValue, pattern: RegExp, what: string): string {
  const result = text(key, value);
  if (!pattern.test(result)) throw new Error(`${key} must be ${what}, not "${result}"`);
  return result;
}

function boolean(key: string, value: RawValue): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${key} must be true or false, not "${value}"`);
}

/** `/regex/` on the step's output, `port:N`, or an `http(s)://` URL answering 2xx. */
export function parseReadiness(value: string): Readiness {
  if (value.length >= 2 && value.startsWith('/') && value.endsWith('/')) {
    try {
      return { kind: 'output', pattern: new RegExp(value.slice(1, -1)) };
    } catch (error) {
      throw new Error(`ready has an invalid regular expression: ${(error as Error).message}`);
    }
  }
  if (/^(port:|https?:\/\/).*\$\{?[A-Za-z_]/.test(value)) {
    // Checked now with a stand-in value, parsed for real once variables are known.
    const kind = parseReadiness(value.replace(/\$\{?[A-Za-z_]\w*\}?/g, '1')).kind;
    if (kind !== 'port' && kind !== 'http') throw new Error(`ready must be port:N or an http:// URL, not "${value}"`);
    return { kind: 'template', text: value };
  }
  const port = /^port:(\d+)$/.exec(value);
  if (port) {
    const number = Number(port[1]);
    if (number < 1 || number > 65535) throw new Error(`ready port must be 1 to 65535, not ${number}`);
    return { kind: 'port', port: number };
  }
  if (/^https?:\/\/\S+$/.test(value)) return { kind: 'http', url: value };
  // A bare word is a literal to find in the output, as in `ready="listening"`.
  if (value !== '') return { kind: 'output', pattern: new RegExp(escapeRegExp(value)) };
  throw new Error('ready must be /regex/, port:N or an http:// URL');
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
