import { describeWriteError } from '../execute/output-recorder.js';

/**
 * The state directory could not be written (a full disk, a quota): one line naming the file and
 * the reason, exit 1 like a failed run, never a stack trace. What was written before stands:
 * session files are replaced atomically and the journal is append-only, so `resume` continues
 * once there is room again.
 */
export class StorageError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${describeWriteError(cause)}`);
  }
}

/** Runs a write to `path`, turning its system error (ENOSPC, EDQUOT, EIO, EROFS…) into a StorageError. */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall !== undefined) {
      throw new StorageError(path, error);
    }
    throw error;
  }
}
