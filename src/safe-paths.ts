import { lstatSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from './errors.js';

/**
 * A tutorial id: `snapshots/<id>/`, `steps/<id>/` and session ids are made of it, so it must be
 * one plain path component. `..md` gave the id `.` and `test -u` deleted the project's files.
 */
export const SLUG = /^[a-z0-9][a-z0-9-]*$/;

export const SLUG_RULE = 'lower-case letters, digits and "-", starting with a letter or digit';

/** A name that stays one directory entry when joined to a path: not empty, `.`, `..`, nor holding `/`. */
export function isPathComponent(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/**
 * `root/part/…`, refused (exit 2) unless every part is a single plain component and the result
 * passes `checkUnder`. For paths the program derives from ids and step names, before it writes
 * or deletes them.
 */
export function pathUnder(root: string, ...parts: string[]): string {
  const path = join(root, ...parts);
  const bad = parts.find((part) => !isPathComponent(part));
  if (bad !== undefined) throw new UserError(`refusing to use ${path}: "${bad}" is not a plain file name`);
  checkUnder(root, path);
  return path;
}

/**
 * Refuses `path` unless it lies strictly under `root` and no part of it below `root` that exists
 * is a symbolic link. A link there would send a write or a delete out of the tree, so, like git
 * with a path "beyond a symbolic link", it is never followed. `root` itself may be a link (a
 * project reached through one). Parts that do not exist yet are fine: they are made as real
 * directories and files.
 */
export function checkUnder(root: string, path: string): void {
  const base = resolve(root);
  const inside = relative(base, resolve(path));
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new UserError(`refusing to use ${path}: it is not inside ${root}`);
  }
  let at = base;
  for (const part of inside.split(sep)) {
    at = join(at, part);
    let link: boolean;
    try {
      link = lstatSync(at).isSymbolicLink();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    if (link) {
      throw new UserError(
        `refusing to use ${path}: ${at} is a symbolic link, and alts-tutor never writes or deletes beyond one`,
        `replace the link ${at} by a real directory or file`,
      );
    }
  }
}
