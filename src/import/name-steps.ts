import { slugify } from '../format/slugify.js';
import type { DraftStep } from './draft-model.js';

const MAX_LENGTH = 40;

/**
 * Gives every step a unique name: a script (several lines) is named for its section ("Build
 * Client/Server" → `build-client-server`), a single command for what it runs (`go build -o …` →
 * `go-build`, `./server` → `server`). Repeats get `-2`, `-3`.
 */
export function nameSteps(steps: DraftStep[]): void {
  const taken = new Set<string>();
  for (const step of steps) {
    const section = slugify(step.section.replace(/^\s*\d+(?:\.\d+)*\.?\s+/, ''));
    const base = (step.script ? section || commandSlug(step.command) : commandSlug(step.command) || section) || 'step';
    let name = base;
    for (let index = 2; taken.has(name); index++) name = `${base}-${index}`;
    taken.add(name);
    step.name = name;
  }
}

/** The program and up to two plain words after it (subcommands, a module after `-m`): `gcloud compute instances`. */
export function commandSlug(command: string): string {
  // `cd .. && rm -rf demo` is named for what it does, not for where it does it.
  const parts = (command.split('\n')[0] ?? '').split(/\s*(?:&&|;)\s*/);
  const chosen = parts.find((part) => !/^\s*(?:cd|pushd|popd)\b/.test(part)) ?? parts[0] ?? '';
  const words = chosen.trim().split(/\s+/);
  let at = 0;
  while (at < words.length && /^(?:sudo|nohup|time|exec|export|[A-Za-z_]\w*=\S*)$/.test(words[at] ?? '')) {
    if (words[at] === 'export' && /^[A-Za-z_]\w*=/.test(words[at + 1] ?? '')) {
      return slugify(`export ${(words[at + 1] ?? '').split('=')[0]}`).slice(0, MAX_LENGTH);
    }
    at++;
  }
  const program =
    (words[at] ?? '')
      .split('/')
      .at(-1)
      ?.replace(/\.(?:sh|py|js|mjs)$/, '') ?? '';
  const slug = [program];
  for (let next = at + 1; next < words.length && slug.length < 3; next++) {
    const word = words[next] ?? '';
    if (word === '-m') {
      const module = words[next + 1];
      if (module && /^[\w.]+$/.test(module)) slug.push(module);
      next++;
      continue;
    }
    if (word.startsWith('-')) continue;
    if (!/^[A-Za-z][\w-]*$/.test(word)) break;
    slug.push(word);
  }
  return slugify(slug.join(' ')).slice(0, MAX_LENGTH).replace(/-+$/, '');
}
