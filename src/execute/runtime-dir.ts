import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunning } from './process-groups.js';

/**
 * A private directory for state dumps and FIFOs: tmpfs when there is one, so nothing hits disk.
 * Its name carries the runner's pid, so that those of a killed runner are found and removed.
 */
export function makeRuntimeDir(): string {
  for (const base of existsSync('/dev/shm') ? ['/dev/shm', tmpdir()] : [tmpdir()]) {
    try {
      removeStaleRuntimeDirs(base);
      return mkdtempSync(join(base, `alts-tutor-${process.pid}-`));
    } catch {
      // Not writable: try the next place.
    }
  }
  return mkdtempSync(join(tmpdir(), `alts-tutor-${process.pid}-`));
}

function removeStaleRuntimeDirs(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(/^alts-tutor-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processRunning(pid)) continue;
    rmSync(join(base, name), { recursive: true, force: true });
  }
}
