/** What must stop when the runner has to exit at once: registered while a run goes on. */
const stoppers = new Set<() => void>();

/** Registers a synchronous stop (kill the steps' processes, remove the lab); returns its removal. */
export function onExitNow(stop: () => void): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

/** Runs every registered stop, then exits with `status`. */
export function exitNow(status: number): never {
  for (const stop of stoppers) stop();
  process.exit(status);
}

/**
 * A reader that went away (`alts-tutor test … --reporter json | head`): the runner stops as the
 * writer of a pipe does, quietly and with SIGPIPE's status 141, after stopping what it started.
 * Without this, the EPIPE error would end the process with a stack trace and orphan the steps.
 */
export function exitWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      exitNow(141);
    });
  }
}
