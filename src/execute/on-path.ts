import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path of `program` in a directory of `path` (a PATH value; an empty entry is `.`). */
export function findProgram(program: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    const candidate = join(dir || '.', program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `program` is an executable in a directory of `path`. */
export function onPath(program: string, path: string | undefined): boolean {
  return findProgram(program, path) !== undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
