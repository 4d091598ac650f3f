import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeFile, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SecretMasker } from './secret-masker.js';

/** Bytes of a step's output kept in memory; the whole output is in the step's log file. */
export const TAIL_BYTES = 256 * 1024;
/**
 * A log is never written through a symbolic link (one planted at its path would send the output
 * anywhere): the open itself refuses it, so no lstat per step is needed before it.
 */
const NEW_LOG = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const APPEND_LOG = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;
/**
 * Output up to this size may have its log written in the background (`deferSmallLog`): the
 * session's journal line for the step carries the output itself, so a kill before the file is
 * written loses nothing (SessionStore.load writes such a log from the journal).
 */
export const DEFERRED_LOG_BYTES = 4096;
/** Bytes of a cut log given back so that the note saying so fits (two pages of a full disk). */
const ROOM_FOR_NOTE = 8192;

/**
 * Takes a step's output as it streams: masks secrets, keeps the last `TAIL_BYTES` in memory and
 * writes everything to the step's log file. Output that fits in memory is written in one go when
 * the step ends; past that size it streams to the file, which holds back the shell's pipe, so
 * memory stays bounded. The writes are synchronous: for a small file that is cheaper than
 * libuv's thread pool (500 small logs: 7–10 ms of the main thread, against 27–40 ms through the
 * pool on this project's 2-core VMs), and the log is complete when `finish` returns.
 */
export class OutputRecorder {
  private readonly masker: SecretMasker;
  private readonly decoder = new StringDecoder('utf8');
  private fd: number | undefined;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private finished = false;
  bytes = 0;
  /** Why the log file stopped short of the output (a full disk): then it ends with a note saying so. */
  logCut: string | undefined;
  /** Settles when the log file is complete: at `finish`, or later for a deferred small log. */
  written: Promise<void> = Promise.resolve();

  /**
   * `deferSmallLog`: a log of at most DEFERRED_LOG_BYTES is written by libuv's pool after
   * `finish`, not by the main thread before the next step: creating a file can take the kernel a
   * millisecond on a busy disk, more than the rest of a step. Only for a caller that records the
   * output elsewhere durably first (the session's journal).
   */
  constructor(
    readonly logPath: string,
    secrets: readonly string[],
    private readonly onText?: (text: string) => void,
    private readonly options: { deferSmallLog?: boolean } = {},
  ) {
    this.masker = new SecretMasker(secrets);
  }

  write(chunk: Buffer): void {
    this.record(this.masker.push(chunk));
  }

  /** Flushes held-back bytes, completes the log file and returns the tail as text. */
  finish(): string {
    if (!this.finished) {
      this.finished = true;
      this.record(this.masker.flush());
      if (this.fd === undefined && this.options.deferSmallLog && this.bytes <= DEFERRED_LOG_BYTES) {
        // A failure (a full disk) cuts the log as a synchronous write would; the journal has the output.
        this.written = writeLog(this.logPath, Buffer.concat(this.tail)).catch((error: unknown) => this.cutLog(error));
      } else if (this.fd === undefined) {
        try {
          const fd = openSync(this.logPath, NEW_LOG, 0o600);
          try {
            writeAll(fd, Buffer.concat(this.tail));
          } finally {
            closeSync(fd);
          }
        } catch (error) {
          // A log that cannot be written is not worth failing a step over: its output is in the result.
          this.cutLog(error);
        }
      } else {
        closeSync(this.fd);
      }
    }
    return this.text();
  }

  /** True when the output was longer than the tail kept in memory. */
  get truncated(): boolean {
    return this.bytes > this.tailBytes;
  }

  text(): string {
    return Buffer.concat(this.tail).toString('utf8');
  }

  /**
   * A write failed (ENOSPC, EIO…): the log stops here, with a last line saying so if even that
   * fits, and `logCut` tells the step's record. The step itself goes on: its output still reaches
   * the tail and the screen.
   */
  private cutLog(error: unknown): void {
    if (this.logCut !== undefined) return;
    this.logCut = describeWriteError(error);
    const note = `\n[alts-tutor: log cut here: ${this.logCut}]\n`;
    try {
      if (this.fd === undefined) this.fd = openSync(this.logPath, APPEND_LOG, 0o600);
      // On a full disk the note itself would not fit: give back the log's last pages for it.
      const size = fstatSync(this.fd).size;
      if (size > 0) ftruncateSync(this.fd, Math.max(0, size - ROOM_FOR_NOTE));
      writeSync(this.fd, note, Math.max(0, size - ROOM_FOR_NOTE));
    } catch {
      // Not even the note fits: the step's record says the log is incomplete.
    }
  }

  private record(data: Buffer): void {
    if (data.length === 0) return;
    this.bytes += data.length;
    this.tail.push(Buffer.from(data));
    this.tailBytes += data.length;
    try {
      if (this.logCut !== undefined) {
        // The log was cut: the output goes on into the tail only.
      } else if (this.fd === undefined && this.bytes > TAIL_BYTES) {
        // Too big to hold: from now on the log is written as the output comes.
        this.fd = openSync(this.logPath, NEW_LOG, 0o600);
        writeAll(this.fd, Buffer.concat(this.tail));
      } else if (this.fd !== undefined) {
        writeAll(this.fd, data);
      }
    } catch (error) {
      this.cutLog(error);
    }
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()?.length ?? 0;
    }
    this.onText?.(this.decoder.write(data));
  }
}

/**
 * A whole small log, written through libuv's pool; never through a link (NEW_LOG: fs.open takes
 * numeric flags, which the types of writeFile do not say). The callback form costs less main-thread
 * time than a FileHandle's three promises.
 */
function writeLog(path: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    writeFile(path, data, { mode: 0o600, flag: NEW_LOG as unknown as string }, (error) => (error ? reject(error) : resolve()));
  });
}

/** writeSync may write part of a buffer; a full disk shows as a short write, then ENOSPC. */
function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset);
}

/** `ENOSPC` → "no space left on device", as the system says it. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EIO') return 'input/output error';
  if (code === 'ELOOP') return 'its path is a symbolic link, which alts-tutor never writes through';
  return (error as Error).message;
}
