import { createReadStream, existsSync, unlinkSync } from 'node:fs';
import { MarkerScanner } from './marker-scanner.js';
import { graceTimer, terminateGroups } from './process-groups.js';

/** How long a stopped job gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 2000;

export interface BackgroundJob {
  /** Process group of the job: it and everything it started. */
  readonly group: number;
  /** Resolves with the exit status when the job ends (undefined when killed by a signal). */
  readonly ended: Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Reads a background job's output FIFO until every writer is gone. */
export function followBackground(group: number, fifo: string, nonce: string, onOutput: (chunk: Buffer) => void): BackgroundJob {
  const scanner = new MarkerScanner(nonce);
  let status: number | undefined;
  const stream = createReadStream(fifo);
  stream.once('open', () => unlinkSync(fifo));
  const ended = new Promise<number | undefined>((resolve) => {
    stream.on('data', (chunk) => {
      for (const event of scanner.push(chunk as Buffer)) {
        if (event.type === 'output') onOutput(event.data);
        else if (event.fields[0] === 'exit') status = Number(event.fields[1]);
      }
    });
    stream.on('close', () => resolve(status));
    stream.on('error', () => resolve(status));
  });
  return {
    group,
    ended,
    async stop() {
      await terminateGroups([group], STOP_GRACE_MS);
      // A job killed before it opened its FIFO would leave the reader waiting forever.
      if (existsSync(fifo)) stream.destroy();
      await Promise.race([ended, graceTimer(STOP_GRACE_MS)]);
      stream.destroy();
    },
  };
}
