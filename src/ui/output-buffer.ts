import { withoutEscapes } from '../escape-sequences.js';
export interface OutputBufferOptions {
  /** Complete lines kept; older ones are dropped (the step's log file has them all). */
  maxLines?: number;
  /** Characters kept of one line; the rest of a longer line is dropped. */
  maxLineLength?: number;
}

/**
 * The output of the running (or last) step, kept off the React tree: a ring of the last
 * `maxLines` lines plus the line being written. `append` costs O(text) whatever was printed
 * before, so a step printing 100,000 lines fast costs the UI nothing but the copy.
 */
export class OutputBuffer {
  readonly maxLines: number;
  readonly maxLineLength: number;
  /** The step whose output this is. */
  owner: string | undefined;
  /** Bumped by every change: a cheap way to tell a render is due. */
  version = 0;
  private readonly ring: string[];
  private start = 0;
  private count = 0;
  private partial = '';
  private dropped = 0;
  private afterReturn = false;

  constructor(options: OutputBufferOptions = {}) {
    this.maxLines = Math.max(1, options.maxLines ?? 2000);
    this.maxLineLength = Math.max(1, options.maxLineLength ?? 4000);
    this.ring = new Array<string>(this.maxLines);
  }

  /** Starts over for another step. */
  reset(owner: string | undefined): void {
    this.owner = owner;
    this.start = 0;
    this.count = 0;
    this.partial = '';
    this.dropped = 0;
    this.afterReturn = false;
    this.ring.fill('');
    this.version++;
  }

  append(text: string): void {
    if (text === '') return;
    // Escape sequences (colours, cursor moves, titles) would break the pane's layout; the log keeps them.
    const clean = withoutEscapes(text);
    let from = 0;
    for (let newline = clean.indexOf('\n', from); newline !== -1; newline = clean.indexOf('\n', from)) {
      this.addToPartial(clean.slice(from, newline));
      this.push(this.partial);
      this.partial = '';
      this.afterReturn = false;
      from = newline + 1;
    }
    this.addToPartial(clean.slice(from));
    this.version++;
  }

  /** Lines held, the unfinished last line included. */
  get length(): number {
    return this.count + (this.partial === '' ? 0 : 1);
  }

  /** Complete lines that no longer fit and were dropped. */
  get droppedLines(): number {
    return this.dropped;
  }

  /** `height` lines ending `scroll` lines above the last one. */
  tail(height: number, scroll = 0): string[] {
    const total = this.length;
    const end = Math.max(0, total - Math.max(0, scroll));
    const begin = Math.max(0, end - Math.max(0, height));
    const lines: string[] = [];
    for (let index = begin; index < end; index++) lines.push(this.line(index));
    return lines;
  }

  /** Every line held, oldest first. */
  lines(): string[] {
    return this.tail(this.length);
  }

  private line(index: number): string {
    if (index >= this.count) return this.partial;
    return this.ring[(this.start + index) % this.maxLines] ?? '';
  }

  private push(line: string): void {
    if (this.count < this.maxLines) {
      this.ring[(this.start + this.count) % this.maxLines] = line;
      this.count++;
      return;
    }
    this.ring[this.start] = line;
    this.start = (this.start + 1) % this.maxLines;
    this.dropped++;
  }

  private addToPartial(segment: string): void {
    let rest = segment;
    if (rest !== '') {
      // A carriage return rewrites the line, as progress bars expect of a terminal. One that
      // ends a chunk may be half of `\r\n`: only text after it rewrites the line.
      if (this.afterReturn) this.partial = '';
      this.afterReturn = rest.endsWith('\r');
      if (this.afterReturn) rest = rest.slice(0, -1);
      const returned = rest.lastIndexOf('\r');
      if (returned !== -1) {
        this.partial = '';
        rest = rest.slice(returned + 1);
      }
    }
    const room = this.maxLineLength - this.partial.length;
    if (room > 0) this.partial += rest.length > room ? rest.slice(0, room) : rest;
  }
}
