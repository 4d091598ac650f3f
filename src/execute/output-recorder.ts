import { closeSync, openSync, writeSync } from 'node:fs';
import { SecretMasker } from './secret-masker.js';

/** Bytes of a step's output kept in memory; the whole output is in the step's log file. */
export const TAIL_BYTES = 256 * 1024;

/**
 * Takes a step's output as it streams: masks secrets, appends it to the step's log file and
 * keeps only the last `TAIL_BYTES` in memory, so a step may print gigabytes.
 */
export class OutputRecorder {
  private readonly masker: SecretMasker;
  private readonly fd: number;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  bytes = 0;

  constructor(
    readonly logPath: string,
    secrets: readonly string[],
    private readonly onText?: (text: string) => void,
  ) {
    this.masker = new SecretMasker(secrets);
    this.fd = openSync(logPath, 'a', 0o600);
  }

  write(chunk: Buffer): void {
    this.record(this.masker.push(chunk));
  }

  /** Flushes held-back bytes and closes the log; returns the tail as text. */
  finish(): string {
    this.record(this.masker.flush());
    closeSync(this.fd);
    return this.text();
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
    writeSync(this.fd, data);
    this.bytes += data.length;
    this.tail.push(Buffer.from(data));
    this.tailBytes += data.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
    this.onText?.(data.toString('utf8'));
  }
}
