import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { needOf } from '../../src/needs/need-catalog.js';
import { probeContext, probeNeed } from '../../src/needs/probe-needs.js';

/**
 * Whether this machine lacks a need of the catalog (src/needs/need-catalog.ts) that cannot be
 * installed here (gcloud is no Debian package). The caller skips exactly the tests that need it
 * (`it.skipIf(lacks('gcloud', import.meta.url))`), and the reason is printed once per file.
 */
export function lacks(id: string, file: string): boolean {
  const need = needOf(id);
  if (probeNeed(need, probeContext(process.env)).found) return false;
  const said = `${basename(file)}:${id}`;
  if (!printed.has(said)) {
    printed.add(said);
    console.warn(
      `skipped: the tests of ${basename(file)} that need ${id} (${id} is not installed; get it from ${need.howToGet ?? `package ${need.package}`})`,
    );
  }
  return true;
}

const printed = new Set<string>();

/** A PATH with every program of /usr/bin and /usr/sbin but `left`: this machine as if they were not installed. */
export function pathWithout(dir: string, left: string[]): string {
  const bin = join(dir, 'path-bin');
  mkdirSync(bin, { recursive: true });
  for (const source of ['/usr/bin', '/usr/sbin']) {
    for (const name of readdirSync(source)) {
      if (left.includes(name)) continue;
      try {
        symlinkSync(join(source, name), join(bin, name));
      } catch {
        // Both directories have it: the first one wins, as on PATH.
      }
    }
  }
  return bin;
}
