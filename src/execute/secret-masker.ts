import { ESCAPE_SEQUENCES } from '../escape-sequences.js';

const MASK = '[SECRET]';
/** An escape sequence left open at a chunk's end is held back up to this many bytes, then shown as it is. */
const MAX_OPEN_SEQUENCE = 4096;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence begun but not ended
const OPEN_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*|\][^\u0007\u001b]*\u001b?)?$/;

/**
 * The ways a secret's value reaches output besides itself: as bash quotes it (`set -x` and
 * `${v@Q}` in single quotes, `printf %q` with backslashes, `declare -p` in `$'…'` or in double
 * quotes) and as a JSON string carries it. Each is the text inside the quotes, which is what
 * stands in output wherever the secret is part of a longer word.
 */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const forms = [
    secret,
    secret.replaceAll("'", `'\\''`),
    secret.replace(/[\\"$`]/g, '\\$&'),
    ansiCQuoted(secret),
    // In the C locale, bash's $'…' writes every non-ASCII byte in octal.
    ansiCQuoted(Buffer.from(secret).toString('latin1')).replace(/[\u0080-\u00ff]/g, (c) => `\\${c.charCodeAt(0).toString(8)}`),
    JSON.stringify(secret).slice(1, -1),
  ];
  // printf %q escapes these always, and `#` and `~` only where a word starts.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters make %q use $'…'
  if (!/[\u0000-\u001f\u007f]/.test(secret)) {
    const backslashed = secret.replace(/[ !"$&'()*,;<>?[\\\]^`{|}]/g, '\\$&');
    forms.push(backslashed, backslashed.replace(/^[#~]/, '\\$&'));
  }
  return [...new Set(forms)];
}

/** Bash's `$'…'` quoting, inside the quotes. */
function ansiCQuoted(text: string): string {
  const named: Record<string, string> = {
    '\x07': 'a',
    '\b': 'b',
    '\x1b': 'E',
    '\f': 'f',
    '\n': 'n',
    '\r': 'r',
    '\t': 't',
    '\v': 'v',
    "'": "'",
    '\\': '\\',
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what $'…' escapes
  return text.replace(/[\u0000-\u001f\u007f'\\]/g, (c) => `\\${named[c] ?? c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Replaces secret values, in any of their quoted forms, with `[SECRET]` in a byte stream. A
 * value is found through the escape sequences inside it (`sec\e[1mret` is masked whole: the
 * checker strips the sequence and would otherwise write the joined value into a snapshot), and
 * across chunks: the end of each chunk that could begin a value, or is an unfinished escape
 * sequence, is held back until the next chunk; `flush` releases it.
 */
export class SecretMasker {
  /** Every form of every secret (latin1 text of its UTF-8 bytes), longest first, in one pattern. */
  private readonly pattern: RegExp | undefined;
  private readonly holdBack: number;
  private carry = '';

  constructor(secrets: readonly string[]) {
    const forms = new Set(secrets.flatMap(secretForms).map((form) => Buffer.from(form).toString('latin1')));
    // Longest first, so that a value containing another is masked whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    this.holdBack = Math.max(0, ...sorted.map((form) => form.length - 1));
  }

  push(chunk: Buffer): Buffer {
    if (this.pattern === undefined) return chunk;
    const text = this.carry + chunk.toString('latin1');
    const open = text.length - (OPEN_SEQUENCE.exec(text.slice(-MAX_OPEN_SEQUENCE))?.[0].length ?? 0);
    const { masked, rest } = this.mask(text.slice(0, open), false);
    this.carry = rest + text.slice(open);
    return Buffer.from(masked, 'latin1');
  }

  flush(): Buffer {
    const { masked } = this.mask(this.carry, true);
    this.carry = '';
    return Buffer.from(masked, 'latin1');
  }

  /**
   * Masks what can be masked now; `rest` is the tail held back, unmasked: the last `holdBack`
   * visible bytes, or from the start of a value that reaches into them.
   */
  private mask(text: string, final: boolean): { masked: string; rest: string } {
    const { visible, at } = withoutSequences(text);
    const matches = this.pattern ? findMatches(visible, this.pattern) : [];
    let cut = final ? visible.length : Math.max(0, visible.length - this.holdBack);
    for (const [start, end] of matches) if (start < cut && end > cut) cut = start;
    const cutAt = cut === visible.length ? text.length : at(cut);
    let masked = '';
    let from = 0;
    for (const [start, end] of matches) {
      if (end > cut) break;
      masked += text.slice(from, at(start)) + MASK;
      from = at(end - 1) + 1;
    }
    return { masked: masked + text.slice(from, cutAt), rest: text.slice(cutAt) };
  }
}

/** The text without its escape sequences, and where each of its characters stands in the text. */
function withoutSequences(text: string): { visible: string; at: (index: number) => number } {
  if (!text.includes('\x1b')) return { visible: text, at: (index) => index };
  // Runs of visible text: where each starts in the visible text and in the text.
  const starts: number[] = [];
  const origins: number[] = [];
  const pieces: string[] = [];
  let visibleLength = 0;
  let from = 0;
  const run = (end: number) => {
    if (end <= from) return;
    starts.push(visibleLength);
    origins.push(from);
    pieces.push(text.slice(from, end));
    visibleLength += end - from;
  };
  for (const sequence of text.matchAll(ESCAPE_SEQUENCES)) {
    run(sequence.index);
    from = sequence.index + sequence[0].length;
  }
  run(text.length);
  const at = (index: number): number => {
    if (index >= visibleLength) return text.length;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return (origins[low] ?? 0) + index - (starts[low] ?? 0);
  };
  return { visible: pieces.join(''), at };
}

/** Non-overlapping occurrences, in order of position; at one position, the longest. */
function findMatches(text: string, pattern: RegExp): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const match of text.matchAll(pattern)) found.push([match.index, match.index + match[0].length]);
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Masks secret values in a string (messages, reasons, commands shown to the user). */
export function maskText(text: string, secrets: readonly string[]): string {
  if (!secrets.some(Boolean)) return text;
  const masker = new SecretMasker(secrets);
  return Buffer.concat([masker.push(Buffer.from(text)), masker.flush()]).toString('utf8');
}
