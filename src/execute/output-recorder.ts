import { closeSync, openSync, writeFile, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SecretMasker } from './secret-masker.js';

/** Bytes of a step's output kept in memory; the whole output is in the step's log file. */
export const TAIL_BYTES = 256 * 1024;

/**
 * Takes a step's output as it streams: masks secrets, keeps the last `TAIL_BYTES` in memory and
 * writes everything to the step's log file. Output that fits in memory is written once, off the
 * main thread, when the step ends (most steps print a few lines, and a 500-step tutorial should
 * not wait on 500 synchronous file creations); past that size it streams to the file with
 * synchronous writes, which hold back the shell's pipe, so memory stays bounded.
 */
export class OutputRecorder {
  private readonly masker: SecretMasker;
  private readonly decoder = new StringDecoder('utf8');
  private fd: number | undefined;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private finished: Promise<void> | undefined;
  bytes = 0;

  constructor(
    readonly logPath: string,
    secrets: readonly string[],
    private readonly onText?: (text: string) => void,
  ) {
    this.masker = new SecretMasker(secrets);
  }

  write(chunk: Buffer): void {
    this.record(this.masker.push(chunk));
  }

  /** Flushes held-back bytes and returns the tail as text; `written` settles when the log is on disk. */
  finish(): string {
    if (!this.finished) {
      this.record(this.masker.flush());
      if (this.fd === undefined) {
        const data = Buffer.concat(this.tail);
        // A log that cannot be written is not worth failing a step over: its output is in the result.
        this.finished = new Promise((resolve) => writeFile(this.logPath, data, { mode: 0o600 }, () => resolve()));
      } else {
        closeSync(this.fd);
        this.finished = Promise.resolve();
      }
    }
    return this.text();
  }

  /** Settles when the log file is complete. */
  get written(): Promise<void> {
    return this.finished ?? Promise.resolve();
  }

  /** True when the output was longer than the tail kept in memory. */
  get truncated(): boolean {
    return this.bytes > this.tailBytes;
  }

  text(): string {
    return Buffer.concat(this.tail).toString('utf8');
  }

  private record(data: Buffer): void {
    if (data.length === 0) return;
    this.bytes += data.length;
    this.tail.push(Buffer.from(data));
    this.tailBytes += data.length;
    if (this.fd === undefined && this.bytes > TAIL_BYTES) {
      // Too big to hold: from now on the log is written as the output comes.
      this.fd = openSync(this.logPath, 'w', 0o600);
      writeSync(this.fd, Buffer.concat(this.tail));
    } else if (this.fd !== undefined) {
      writeSync(this.fd, data);
    }
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
    this.onText?.(this.decoder.write(data));
  }
}
