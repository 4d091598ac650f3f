import { closeSync, constants, createReadStream, existsSync, openSync, rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { MarkerScanner } from './marker-scanner.js';
import { graceTimer, terminateGroups } from './process-groups.js';

/** How long a stopped job gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 2000;

export interface BackgroundJob {
  /** Process group of the job (on its host): it and everything it started. */
  readonly group: number;
  /** Resolves with the exit status when the job ends (undefined when killed by a signal). */
  readonly ended: Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Where a background job's output comes from, and how the job is stopped: local or remote. */
export interface JobOutput {
  /** The job's output (stdout and stderr merged) and its exit marker; it ends when every writer is gone. */
  readonly stream: Readable;
  /**
   * Stops the job's process group (SIGTERM, then SIGKILL after `graceMs`), and releases a reader
   * still waiting for a job that was killed before it opened its output.
   */
  stop(graceMs: number): Promise<void>;
  /** Stops reading, whatever is left. */
  close(): void;
}

/** Follows a background job's output until every writer is gone. */
export function followBackground(group: number, output: JobOutput, nonce: string, onOutput: (chunk: Buffer) => void): BackgroundJob {
  const scanner = new MarkerScanner(nonce);
  let status: number | undefined;
  const ended = new Promise<number | undefined>((resolve) => {
    output.stream.on('data', (chunk) => {
      for (const event of scanner.push(chunk as Buffer)) {
        if (event.type === 'output') onOutput(event.data);
        else if (event.fields[0] === 'exit') status = Number(event.fields[1]);
      }
    });
    output.stream.on('close', () => resolve(status));
    output.stream.on('error', () => resolve(status));
  });
  return {
    group,
    ended,
    async stop() {
      await output.stop(STOP_GRACE_MS);
      await Promise.race([ended, graceTimer(STOP_GRACE_MS)]);
      output.close();
    },
  };
}

/** The output of a job of a local shell: a FIFO of this machine. */
export function fifoOutput(group: number, fifo: string): JobOutput {
  const stream = createReadStream(fifo);
  stream.once('open', () => rmSync(fifo, { force: true }));
  return {
    stream,
    async stop(graceMs) {
      await terminateGroups([group], graceMs);
      // A job killed before it opened its FIFO leaves the reader waiting in open(): a writer
      // that comes and goes (O_RDWR never blocks) releases it, and it reads end of file. The FIFO
      // is removed while that writer holds it, so that an open still queued fails instead of
      // waiting forever (as remote-scripts.ts does on a remote host).
      if (existsSync(fifo)) {
        try {
          const writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
          rmSync(fifo, { force: true });
          closeSync(writer);
        } catch {
          stream.destroy();
        }
      }
    },
    close() {
      stream.destroy();
    },
  };
}
