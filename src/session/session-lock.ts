import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { processRunning } from '../execute/process-groups.js';

/**
 * One runner per session: `lock` holds the pid of the process driving it. A lock whose process
 * is gone (killed) is taken over. Taking a lock this process already holds (resume locks before
 * it looks at the session, then runs it) changes nothing, and its release leaves the lock to
 * the outer holder.
 */
export function lockSession(dir: string, id: string): () => void {
  const file = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // The pid is written first and the lock appears whole (link fails if it exists): a reader
      // never sees an empty lock and takes it for a stale one.
      const temp = `${file}.${process.pid}`;
      writeFileSync(temp, String(process.pid), { mode: 0o600 });
      try {
        linkSync(temp, file);
      } finally {
        unlinkSync(temp);
      }
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner === process.pid) return () => {};
      if (processRunning(owner)) {
        throw new UserError(`session ${id} is being run by process ${owner}`, 'wait for it to end, or stop it (Ctrl-C) first');
      }
      unlinkSync(file);
    }
  }
  throw new UserError(`cannot lock session ${id}`);
}
