import { findTutorialsForList } from '../run/list-tutorials.js';

export function listCommand(options: { json: boolean; cwd: string }): number {
  const entries = findTutorialsForList(options.cwd);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  } else if (entries.length === 0) {
    process.stdout.write('no tutorials found (looked in ./tutorials and the bundled ones)\n');
  } else {
    const width = Math.max(...entries.map((entry) => entry.id.length));
    for (const entry of entries) {
      const detail = entry.error ?? `${entry.title} [${entry.targets.join(', ')}] ${entry.steps} steps`;
      process.stdout.write(`${entry.id.padEnd(width)}  ${detail}\n`);
    }
  }
  return entries.some((entry) => entry.error) ? 2 : 0;
}
