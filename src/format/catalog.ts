import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { LineError, TutorialError, UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { parseTutorial } from './parse-tutorial.js';
import { parseCramTest } from './readers/cram.js';
import type { Tutorial } from './tutorial.js';
import { decodeTutorialText } from './tutorial-text.js';

/** Where tutorials are looked up by id: the current project's `tutorials/`, then the bundled ones. */
export function tutorialDirs(cwd: string): string[] {
  const dirs = [resolve(cwd, 'tutorials'), resolve(PACKAGE_ROOT, 'tutorials')];
  return [...new Set(dirs)].filter((dir) => existsSync(dir));
}

/** Resolves `<id|file.md>` to a tutorial file, or says what exists. */
export function findTutorialFile(reference: string, cwd: string): string {
  if (reference.endsWith('.md') || isCramTest(reference) || reference.includes('/')) {
    const file = resolve(cwd, reference);
    if (!existsSync(file)) throw new UserError(`no such tutorial file: ${reference}`);
    return file;
  }
  for (const dir of tutorialDirs(cwd)) {
    const file = resolve(dir, `${reference}.md`);
    if (existsSync(file)) return file;
  }
  const known = listTutorialFiles(cwd).map((file) => basename(file, '.md'));
  throw new UserError(
    `unknown tutorial "${reference}"`,
    known.length > 0 ? `tutorials: ${known.join(', ')}` : 'give the path of a .md file',
  );
}

/** Every tutorial file reachable by id, the project's first; an id is listed once. */
export function listTutorialFiles(cwd: string): string[] {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const dir of tutorialDirs(cwd)) {
    for (const name of readdirSync(dir)
      .filter((entry) => entry.endsWith('.md'))
      .sort()) {
      if (seen.has(name)) continue;
      seen.add(name);
      files.push(resolve(dir, name));
    }
  }
  return files;
}

/**
 * The tutorials `test`, `lint` and `doctor` take when none is named: the project's own when it
 * has some (a project's tests are about its tutorials, not about those alts-tutor comes with),
 * else every one reachable by id.
 */
export function projectTutorialFiles(cwd: string): string[] {
  const all = listTutorialFiles(cwd);
  const own = all.filter((file) => dirname(file) === resolve(cwd, 'tutorials'));
  return own.length > 0 ? own : all;
}

export function loadTutorial(file: string): Tutorial {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let markdown: string;
  try {
    markdown = decodeTutorialText(bytes);
  } catch (error) {
    if (error instanceof LineError) throw new TutorialError(displayPath(file), error.line, error.message);
    throw error;
  }
  if (isCramTest(file)) return parseCramTest(markdown, displayPath(file), file);
  return parseTutorial(markdown, displayPath(file), basename(file, '.md'));
}

/**
 * A cram/prysk test file, read by its own reader (src/format/readers/cram.ts). Named by path only:
 * `.t` files live beside the program they test, and `tutorials/` holds the Markdown ones.
 */
export function isCramTest(file: string): boolean {
  return file.endsWith('.t');
}

/** A path as messages show it: relative to the working directory when under it. */
export function displayPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : file;
}

/** The directory that holds a tutorial's `tutorials/`, `steps/` and `snapshots/`. */
export function projectRootOf(file: string): string {
  const dir = dirname(file);
  return basename(dir) === 'tutorials' ? dirname(dir) : dir;
}
