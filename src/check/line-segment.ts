import { REDACTION_TOKENS, type RedactionTokenName } from './redaction-tokens.js';

/**
 * A piece of an expected line between two `[..]` wildcards: literal text and redaction tokens.
 * `literals` has one more entry than `tokens`: literals[0] tokens[0] literals[1] … literals[k].
 */
export interface SegmentParts {
  literals: string[];
  tokens: RedactionTokenName[];
}

/** A compiled segment. Positions are indices into the actual line. */
export interface LineSegment {
  /** The end of a match that starts at `start`, or -1. */
  matchAt(text: string, start: number): number;
  /** Whether the segment matches all of `text` from `start`. */
  matchesRest(text: string, start: number): boolean;
  /** The leftmost match that starts at or after `from`. */
  search(text: string, from: number): { start: number; end: number } | undefined;
  /** Whether some match starting at or after `from` ends at the end of `text`. */
  endsWithin(text: string, from: number): boolean;
}

export function compileSegment(parts: SegmentParts): LineSegment {
  if (parts.tokens.length === 0) return new LiteralSegment(parts.literals.join(''));
  if (parts.literals.some((literal) => literal.includes(LITERAL_SEPARATOR) || literal.includes(TEXT_SEPARATOR))) {
    return directSegment(parts);
  }
  return new SharedSegment(parts);
}

class LiteralSegment implements LineSegment {
  constructor(private readonly literal: string) {}

  matchAt(text: string, start: number): number {
    return text.startsWith(this.literal, start) ? start + this.literal.length : -1;
  }

  matchesRest(text: string, start: number): boolean {
    return text.length - start === this.literal.length && text.startsWith(this.literal, start);
  }

  search(text: string, from: number): { start: number; end: number } | undefined {
    const start = text.indexOf(this.literal, from);
    return start === -1 ? undefined : { start, end: start + this.literal.length };
  }

  endsWithin(text: string, from: number): boolean {
    return text.length - this.literal.length >= from && text.endsWith(this.literal);
  }
}

/*
 * Why segments with tokens are matched this way: the token sources are long (an IPv6 address alone
 * is some 1,600 characters of alternatives), and compiling one regular expression per expected line
 * costs tens of microseconds and hundreds of kilobytes; a 100,000-line snapshot ran out of memory.
 * So the literal text is not written into the expression. The expression is built from the tokens
 * alone (a log has a handful of token sequences) and reads the literals from the start of the
 * subject, where they are placed before the actual text and captured, then compared with
 * back-references:
 *
 *     subject:  lit0 \0 lit1 \0 … litK \1 c text-from-start
 *     pattern:  ^([^\0\1]*)\0([^\0\1]*)…\1[\s\S] \1(?:TOKEN1)\2(?:TOKEN2)…
 *
 * `c` is the character before `start` (or \1 at the start of the line): the tokens' lookbehinds
 * look one character back and must see the real one. \1 is neither a word character nor
 * punctuation, so to them it reads as the start of the line.
 */
const LITERAL_SEPARATOR = '\u0000';
const TEXT_SEPARATOR = '\u0001';

type Variant = 'at' | 'rest' | 'search' | 'ends';

// Keyed by variant and token sequence: a pure function of the key, shared by all lines and runs.
// Bounded so that a pathological set of snapshots cannot grow it without limit.
const sharedExpressions = new Map<string, RegExp>();
const MAX_SHARED_EXPRESSIONS = 1000;

function sharedExpression(variant: Variant, tokens: readonly RedactionTokenName[]): RegExp {
  const key = `${variant}:${tokens.join(',')}`;
  let expression = sharedExpressions.get(key);
  if (expression === undefined) {
    const captures = tokens.map(() => '([^\\0\\x01]*)\\0').join('');
    let body = '\\1';
    tokens.forEach((token, index) => {
      body += `(?:${REDACTION_TOKENS[token]})\\${index + 2}`;
    });
    const skip = variant === 'search' ? '([\\s\\S]*?)' : variant === 'ends' ? '[\\s\\S]*?' : '';
    const end = variant === 'rest' || variant === 'ends' ? '$' : '';
    expression = new RegExp(`^${captures}([^\\0\\x01]*)\\x01[\\s\\S]${skip}${body}${end}`);
    if (sharedExpressions.size >= MAX_SHARED_EXPRESSIONS) sharedExpressions.clear();
    sharedExpressions.set(key, expression);
  }
  return expression;
}

// Each token alone, anchored where it is tried: for the common case below.
const STICKY_TOKENS = Object.fromEntries(
  Object.entries(REDACTION_TOKENS).map(([name, source]) => [name, new RegExp(source, 'y')]),
) as Record<RedactionTokenName, RegExp>;

/** The end of the token's first reading at `position`, or -1. */
export function tokenEnd(token: RedactionTokenName, text: string, position: number): number {
  const expression = STICKY_TOKENS[token];
  expression.lastIndex = position;
  return expression.test(text) ? expression.lastIndex : -1;
}

class SharedSegment implements LineSegment {
  private readonly literals: readonly string[];
  private readonly tokens: readonly RedactionTokenName[];
  private prefix: string | undefined;
  private expressions: Partial<Record<Variant, RegExp>> | undefined;

  constructor(parts: SegmentParts) {
    this.literals = parts.literals;
    this.tokens = parts.tokens;
  }

  matchAt(text: string, start: number): number {
    const end = this.greedyEnd(text, start);
    if (end !== -1) return end;
    const match = this.exec('at', text, start);
    return match ? start + match[0].length - this.offset() : -1;
  }

  matchesRest(text: string, start: number): boolean {
    return this.greedyEnd(text, start) === text.length || this.exec('rest', text, start) !== null;
  }

  search(text: string, from: number): { start: number; end: number } | undefined {
    const match = this.exec('search', text, from);
    if (!match) return undefined;
    // The skipped text is the group after the literals'.
    const skipped = match[this.tokens.length + 2] ?? '';
    return { start: from + skipped.length, end: from + match[0].length - this.offset() };
  }

  endsWithin(text: string, from: number): boolean {
    return this.exec('ends', text, from) !== null;
  }

  /**
   * Literal, token, literal, … each taken at its first reading with no going back: what the full
   * expression finds first when it succeeds, at a fraction of the cost (no subject to build). -1
   * when it fails; the full expression then decides, trying the tokens' other readings.
   */
  private greedyEnd(text: string, start: number): number {
    const first = this.literals[0] as string;
    if (!text.startsWith(first, start)) return -1;
    let position = start + first.length;
    for (let index = 0; index < this.tokens.length; index++) {
      position = tokenEnd(this.tokens[index] as RedactionTokenName, text, position);
      if (position === -1) return -1;
      const literal = this.literals[index + 1] as string;
      if (!text.startsWith(literal, position)) return -1;
      position += literal.length;
    }
    return position;
  }

  /** Length of the subject before text[start]: the literals, their separators and the context character. */
  private offset(): number {
    return this.subjectPrefix().length + 1;
  }

  private subjectPrefix(): string {
    this.prefix ??= this.literals.join(LITERAL_SEPARATOR) + TEXT_SEPARATOR;
    return this.prefix;
  }

  private exec(variant: Variant, text: string, start: number): RegExpExecArray | null {
    this.expressions ??= {};
    let expression = this.expressions[variant];
    if (!expression) {
      expression = sharedExpression(variant, this.tokens);
      this.expressions[variant] = expression;
    }
    return expression.exec(this.subjectPrefix() + (start === 0 ? TEXT_SEPARATOR + text : text.slice(start - 1)));
  }
}

/** For literals holding the separators (binary output): one expression of its own, literals escaped. */
function directSegment(parts: SegmentParts): LineSegment {
  let body = escapeRegExp(parts.literals[0] ?? '');
  parts.tokens.forEach((token, index) => {
    body += `(?:${REDACTION_TOKENS[token]})${escapeRegExp(parts.literals[index + 1] ?? '')}`;
  });
  const sticky = new RegExp(body, 'y');
  const stickyRest = new RegExp(`(?:${body})$`, 'y');
  const global = new RegExp(body, 'g');
  const globalRest = new RegExp(`(?:${body})$`, 'g');
  return {
    matchAt(text, start) {
      sticky.lastIndex = start;
      const match = sticky.exec(text);
      return match ? start + match[0].length : -1;
    },
    matchesRest(text, start) {
      stickyRest.lastIndex = start;
      return stickyRest.test(text);
    },
    search(text, from) {
      global.lastIndex = from;
      const match = global.exec(text);
      return match ? { start: match.index, end: match.index + match[0].length } : undefined;
    },
    endsWithin(text, from) {
      globalRest.lastIndex = from;
      return globalRest.test(text);
    },
  };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
