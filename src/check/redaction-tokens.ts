/**
 * Redaction tokens (SPEC section 5): `[TIMESTAMP]`, `[IP]`, `[UUID]`, `[HEX]`, `[NUMBER]`, `[DURATION]`.
 * In expected output a token matches a volatile value; `redactLine` puts tokens in place of the values.
 *
 * Every source is safe to run on any line: no quantified group is itself repeated without bound
 * (no `(a+)+`), so a match attempt at one position costs at most a pass over one run of characters,
 * and each token starts with a lookbehind (or a literal `[`) that rejects most positions at once.
 */

export type RedactionTokenName = 'TIMESTAMP' | 'UUID' | 'IP' | 'DURATION' | 'HEX' | 'NUMBER';

// A token's value never touches a word character, nor a bracket on the outside: `redactLine` puts
// `[NAME]` where a value was, and what sits next to a token must not become a value then (idempotence).
const START = '(?<![\\w\\]])';
const END = '(?![\\w[])';

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const CLOCK = '\\d{2}:\\d{2}:\\d{2}';
const FRACTION = '(?:[.,]\\d+)?';
// `Z`, `+02:00`, `+0200`, or Go's `time.Time.String()` form ` +0000 UTC`.
const ZONE = '(?:[Zz]|[+-]\\d{2}:?\\d{2}| [+-]\\d{4}(?: [A-Z]{2,5})?)?';

const TIMESTAMP_FORMS = [
  // RFC 3339, also with a space for `T` (Envoy, Python logging).
  `\\d{4}-\\d{2}-\\d{2}[Tt ]${CLOCK}${FRACTION}${ZONE}`,
  // Go's log package: 2006/01/02 15:04:05.000000
  `\\d{4}/\\d{2}/\\d{2} ${CLOCK}(?:\\.\\d+)?`,
  // HTTP (RFC 7231) and RFC 2822 dates: Mon, 08 Jun 2020 21:58:11 GMT
  `${WEEKDAY}, \\d{1,2} ${MONTH} \\d{4} ${CLOCK}(?: (?:[A-Z]{2,5}|[+-]\\d{4}))?`,
  // Common Log Format: 08/Jun/2020:21:58:11 +0000
  `\\d{2}/${MONTH}/\\d{4}:${CLOCK}(?: [+-]\\d{4})?`,
].join('|');

// A bracketed timestamp (Envoy's `[2020-06-09 12:59:52.818]`, CLF's `[08/Jun/2020:…]`) is one value,
// brackets included, so that `[TIMESTAMP][14][debug]` reads like the log line it stands for.
const TIMESTAMP = `\\[(?:${TIMESTAMP_FORMS})\\]|${START}(?:${TIMESTAMP_FORMS})${END}`;

const H = '[0-9a-fA-F]';
const UUID = `${START}${H}{8}-${H}{4}-${H}{4}-${H}{4}-${H}{12}${END}`;

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const G = `${H}{1,4}`;
// The compressed forms of RFC 4291 spelled out one by one (bounded repetitions only). A bare `::`
// is left out: it is far more often Haskell or C++ than an address.
const IPV6 = [
  `(?:${G}:){6}${IPV4}`,
  `::(?:[fF]{4}(?::0{1,4})?:)?${IPV4}`,
  `(?:${G}:){1,4}:${IPV4}`,
  `(?:${G}:){7}${G}`,
  `(?:${G}:){1,6}:${G}`,
  `(?:${G}:){1,5}(?::${G}){1,2}`,
  `(?:${G}:){1,4}(?::${G}){1,3}`,
  `(?:${G}:){1,3}(?::${G}){1,4}`,
  `(?:${G}:){1,2}(?::${G}){1,5}`,
  `${G}:(?::${G}){1,6}`,
  `::${G}(?::${G}){0,6}`,
  `(?:${G}:){1,7}:`,
].join('|');
const PORT = '(?::\\d{1,5})?';
// IPv4 first, the common case: no IPv6 form can start with `digits.`, so the order changes no match.
const IP = [
  `(?<![\\w.\\]])${IPV4}${PORT}(?![\\w[]|\\.[\\d[])`,
  `\\[(?:${IPV6})\\]${PORT}${END}`,
  `(?<![\\w.:\\]])(?:${IPV6})(?![\\w:[]|\\.[\\d[])`,
].join('|');

// Go's time.Duration.String() (1h0m0s, 3m2s, 1.5s, 250ms, 12µs, 8ns), with µ as U+00B5 or U+03BC.
const SECONDS = '\\d+(?:\\.\\d+)?s';
const DURATION = `(?<![\\w.\\]])-?(?:\\d+h(?:\\d+m)?(?:${SECONDS})?|\\d+m(?:${SECONDS})?|\\d+(?:\\.\\d+)?(?:ms|us|\u00b5s|\u03bcs|ns|s|m|h))(?![\\w[]|\\.[\\d[])`;

const HEX = `${START}(?:0x)?${H}{7,}${END}`;

// A version such as 1.2.3 is not a number: a number is not preceded by a dot nor followed by `.digit`.
const NUMBER = '(?<![\\w.\\]])[+-]?\\d+(?:\\.\\d+)?(?![\\w[]|\\.[\\d[])';

/**
 * Token name → regular-expression source (no flags needed). The order is the order of precedence
 * when values overlap: a timestamp before the numbers in it, a UUID before the hex in it, an IP
 * before its octets.
 */
export const REDACTION_TOKENS: Readonly<Record<RedactionTokenName, string>> = {
  TIMESTAMP,
  UUID,
  IP,
  DURATION,
  HEX,
  NUMBER,
};

export const REDACTION_TOKEN_NAMES = Object.keys(REDACTION_TOKENS) as RedactionTokenName[];

export interface RedactLineOptions {
  /**
   * Also replace plain numbers with `[NUMBER]`. Off by default: a status code, a count or an exit
   * status is usually what a step is there to show, and a snapshot that says `HTTP/1.1 [NUMBER]`
   * checks nothing.
   */
  numbers?: boolean;
}

// One pass over the line with every token as an alternative: each value is found in its original
// context (lookarounds see the neighbouring characters, not a token put there by an earlier pass).
// Group n + 1 is token n; the sources have no capturing groups of their own.
const ANY_TOKEN = new RegExp(REDACTION_TOKEN_NAMES.map((name) => `(${REDACTION_TOKENS[name]})`).join('|'), 'g');

/** A span of a line that `redactLine` would replace, and the token that replaces it. */
export interface RedactionSpan {
  start: number;
  end: number;
  token: string;
}

/** Where the volatile values of a line are, left to right, without overlaps. */
export function findRedactions(line: string, options: RedactLineOptions = {}): RedactionSpan[] {
  const spans: RedactionSpan[] = [];
  ANY_TOKEN.lastIndex = 0;
  for (let match = ANY_TOKEN.exec(line); match !== null; match = ANY_TOKEN.exec(line)) {
    const value = match[0];
    let group = 1;
    while (match[group] === undefined) group++;
    const name = REDACTION_TOKEN_NAMES[group - 1] as RedactionTokenName;
    const token = tokenFor(name, value, options);
    if (token !== undefined) spans.push({ start: match.index, end: match.index + value.length, token });
  }
  return spans;
}

function tokenFor(name: RedactionTokenName, value: string, options: RedactLineOptions): string | undefined {
  if (name === 'HEX') {
    // Only digits: a count or an id printed in decimal, a number. Only letters: a word such as
    // "defaced". Either way not worth hiding in a snapshot (the `[HEX]` token still matches both).
    const digits = value.replace(/^0x/, '');
    if (/^\d+$/.test(digits)) return options.numbers ? '[NUMBER]' : undefined;
    if (!/\d/.test(digits)) return undefined;
  }
  if (name === 'NUMBER' && !options.numbers) return undefined;
  return `[${name}]`;
}

/**
 * Replaces the volatile values of one line (timestamps, IPs, UUIDs, hex ids, durations and, when
 * asked, numbers) with their tokens. Idempotent: a token is never mistaken for a value.
 */
export function redactLine(line: string, options: RedactLineOptions = {}): string {
  let result = '';
  let from = 0;
  for (const span of findRedactions(line, options)) {
    result += line.slice(from, span.start) + span.token;
    from = span.end;
  }
  return result + line.slice(from);
}
