/** What a shell's stdout holds: bytes a step printed, or one of the session's marker lines. */
export type ShellEvent = { type: 'output'; data: Buffer } | { type: 'marker'; fields: string[] };

const RECORD_SEPARATOR = 0x1e;
const NEWLINE = 0x0a;

/**
 * Splits a shell's stdout into step output and marker lines (`\x1e<nonce> field…\n`), across
 * chunk boundaries. A marker may follow output on the same line, since a step's output need not
 * end with a newline. Only a possible marker prefix is ever held back, so memory stays small
 * however much a step prints.
 */
export class MarkerScanner {
  private readonly prefix: Buffer;
  private pending: Buffer = Buffer.alloc(0);

  constructor(nonce: string) {
    this.prefix = Buffer.from(`\x1e${nonce} `);
  }

  push(chunk: Buffer): ShellEvent[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const events: ShellEvent[] = [];
    let from = 0;
    while (from < data.length) {
      const start = data.indexOf(this.prefix, from);
      if (start === -1) {
        const keep = this.partialPrefixAt(data, from);
        if (keep > from) events.push({ type: 'output', data: data.subarray(from, keep) });
        this.pending = Buffer.from(data.subarray(keep));
        break;
      }
      if (start > from) events.push({ type: 'output', data: data.subarray(from, start) });
      const end = data.indexOf(NEWLINE, start);
      if (end === -1) {
        this.pending = Buffer.from(data.subarray(start));
        break;
      }
      const line = data.toString('utf8', start + this.prefix.length, end);
      events.push({ type: 'marker', fields: line.split(' ') });
      from = end + 1;
    }
    return events;
  }

  /** Where a trailing, incomplete copy of the marker prefix starts (or `data.length`). */
  private partialPrefixAt(data: Buffer, from: number): number {
    const earliest = Math.max(from, data.length - this.prefix.length + 1);
    for (let at = data.lastIndexOf(RECORD_SEPARATOR); at >= earliest; at = data.lastIndexOf(RECORD_SEPARATOR, at - 1)) {
      const tail = data.subarray(at);
      if (this.prefix.subarray(0, tail.length).equals(tail)) return at;
      if (at === 0) break;
    }
    return data.length;
  }
}
