import { findNeed, goLibraryFor, NEEDS } from './need-catalog.js';

/**
 * What a failed step's output says is missing, in the catalog's terms, as a sentence naming the
 * package: a Go build's `cannot find package "google.golang.org/grpc/…"` or a shell's
 * `go: command not found`. A raw compiler or shell error alone names no package.
 */
export function missingDependencyHint(output: string): string | undefined {
  const hints = new Set<string>();
  for (const match of output.matchAll(/cannot find package "([^"]+)"/g)) {
    const need = match[1] && goLibraryFor(match[1]);
    if (need)
      hints.add(
        `the Go library ${need.check.kind === 'go-library' ? need.check.importPath : need.id} is missing (apt-get install ${need.package})`,
      );
  }
  for (const match of output.matchAll(/(?:^|\n)(?:[^\n:]*: )?(?:line \d+: )?([\w.+-]+): (?:command )?not found/g)) {
    const program = match[1];
    if (!program) continue;
    const need = findNeed(program) ?? NEEDS.find((entry) => entry.check.kind === 'program' && entry.check.command === program);
    if (need?.package) hints.add(`${program} is not installed (apt-get install ${need.package})`);
    else if (need?.howToGet) hints.add(`${program} is not installed (get it from ${need.howToGet})`);
  }
  return hints.size > 0 ? [...hints].join('; ') : undefined;
}
