import { lstatSync, type Stats, statSync } from 'node:fs';
import { UserError } from '../errors.js';

/**
 * Refuses (exit 2) a part of the session store that someone else could have written: owned by
 * another user, writable by its group or by others, or a symbolic link. `resume` runs the saved
 * shell state, so planted state would run as this user (as root, too): ssh refuses a
 * `~/.ssh` like that for the same reason. A path that does not exist yet passes; the store
 * makes it 0700 (directories) or 0600 (files). `follow` lets the store's top directory (the
 * state home) be a link the user made; everything below it must be real.
 */
export function checkPrivate(path: string, kind: 'directory' | 'file', options: { follow?: boolean } = {}): void {
  const uid = process.geteuid?.();
  if (uid === undefined) return;
  let stats: Stats;
  try {
    stats = options.follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const problem = problemOf(stats, kind, uid, path);
  if (problem !== undefined) throw new UserError(`session store: ${path} ${problem}`);
}

function problemOf(stats: Stats, kind: 'directory' | 'file', uid: number, path: string): string | undefined {
  const fix = `fix with chmod ${kind === 'directory' ? '700' : '600'} ${path}`;
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
  if (stats.isSymbolicLink()) return 'is a symbolic link; the session store holds real directories and files only (remove the link)';
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) return `is not a ${kind}`;
  if (stats.uid !== uid) return `is owned by uid ${stats.uid}, not by this user (uid ${uid}); remove it, or fix with chown ${uid} ${path}`;
  if (stats.mode & 0o002) return `is writable by others (mode ${mode}); ${fix}`;
  if (stats.mode & 0o020) return `is writable by its group (mode ${mode}); ${fix}`;
  return undefined;
}
