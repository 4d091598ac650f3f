import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** `program` is an executable in a directory of `path` (a PATH value; an empty entry is `.`). */
export function onPath(program: string, path: string | undefined): boolean {
  return (path ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
