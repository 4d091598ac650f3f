import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's `steps/` directory. */
export const STEPS_DIR = fileURLToPath(new URL('../../steps', import.meta.url));

/** Every YAML file under `steps/`, as paths relative to the project (`steps/alts-envoy/client.yaml`). */
export function yamlFilesUnderSteps(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) found.push(relative(join(STEPS_DIR, '..'), path));
    }
  };
  walk(STEPS_DIR);
  return found.sort();
}
