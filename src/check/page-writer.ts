import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { LineError, TutorialError, UserError } from '../errors.js';
import { displayPath } from '../format/catalog.js';
import { parseTutorial } from '../format/parse-tutorial.js';
import type { Tutorial } from '../format/tutorial.js';
import { decodeTutorialText } from '../format/tutorial-text.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { linesForBlock, updatePage } from './page-update.js';

/**
 * Writes `lines` as the output the page shows for step `stepName`, in place: the file is read
 * and parsed again first, so that the spans of earlier updates of this run (which moved the
 * lines below them) and edits made meanwhile are where they are now. Written atomically
 * (a temporary file in the same directory, renamed over it) with the file's mode kept: a run
 * killed meanwhile leaves the old page or the new one. Returns the lines as the page now shows
 * them (see `linesForBlock`) and the line they start at.
 * Refuses (exit 2) a page that is a symbolic link or that this user may not write.
 */
export function writeShownOutput(
  file: string,
  stepName: string,
  lines: readonly string[],
  stillMatches: (shown: string[]) => boolean,
): { lines: string[]; line: number } {
  const path = resolve(file);
  const shown = displayPath(path);
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) {
    throw new UserError(`refusing to write ${shown}: it is a symbolic link, and alts-tutor never writes beyond one`);
  }
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new UserError(
      `cannot write the new output into ${shown}: it is read-only`,
      `make it writable (chmod u+w ${shown}), then run -u again`,
    );
  }
  const text = decodePage(readFileSync(path), shown);
  const id = basename(path, '.md');
  const before = parseTutorial(text, shown, id);
  const step = before.steps.find((candidate) => candidate.name === stepName);
  const span = step?.expected?.span;
  if (!span) throw new UserError(`${shown} no longer shows the output of step "${stepName}" (it changed during the run); run -u again`);
  const written = linesForBlock(lines, span.block);
  const updated = updatePage(text, [{ span, lines: written }]);
  checkRoundTrip(before, parseTutorial(updated, shown, id), stepName, written, stillMatches);
  // Unchanged bytes are not written again: a watcher of the page sees no change.
  if (updated !== text) replaceFile(path, updated, stat);
  return { lines: written, line: span.line };
}

/**
 * For a tutorial that comes with alts-tutor itself rather than with the project being worked on
 * (an npx cache, a global install, or a checkout of alts-tutor run from another directory), the
 * one line that says it is never written and where a copy of one's own would go; undefined for
 * the project's own tutorial. Run inside a checkout of alts-tutor, its tutorials are its own.
 */
export function installedTutorialNote(file: string, projectRoot: string, cwd: string): string | undefined {
  if (!comesWithPackage(projectRoot, cwd)) return undefined;
  const copy = relative(cwd, join(cwd, 'tutorials', basename(file)));
  const id = basename(file, '.md');
  return `${displayPath(resolve(file))} comes with alts-tutor, not with this project, and -u never writes it: a copy of your own would go in ${copy} (mkdir -p tutorials && cp ${resolve(file)} tutorials/, with its steps/${id}/ and snapshots/${id}/ if it has them), where -u updates it`;
}

/** True when `dir` is inside the running package, and that package is installed (under node_modules) or not where `cwd` is. */
function comesWithPackage(dir: string, cwd: string): boolean {
  const root = resolve(PACKAGE_ROOT);
  const under = (path: string) => resolve(path) === root || resolve(path).startsWith(`${root}${sep}`);
  return under(dir) && (root.split(sep).includes('node_modules') || !under(cwd));
}

function decodePage(bytes: Buffer, shown: string): string {
  try {
    return decodeTutorialText(bytes);
  } catch (error) {
    if (error instanceof LineError) throw new TutorialError(shown, error.line, error.message);
    throw error;
  }
}

/**
 * The new page must parse to the same steps, with the step's output the lines written (or lines
 * that still match the output: Markdown turns a tab inside a list item into spaces); otherwise
 * nothing is written.
 */
function checkRoundTrip(
  before: Tutorial,
  after: Tutorial,
  stepName: string,
  written: readonly string[],
  stillMatches: (shown: string[]) => boolean,
): void {
  const commands = (tutorial: Tutorial) => JSON.stringify(tutorial.steps.map((step) => [step.name, step.command, step.exit]));
  if (commands(before) !== commands(after)) {
    throw new Error(`BUG: writing the output of step "${stepName}" into ${after.file} would change its steps; nothing was written`);
  }
  const shownLines = trimEnd(after.steps.find((candidate) => candidate.name === stepName)?.expected?.lines ?? []);
  if (JSON.stringify(shownLines) !== JSON.stringify(trimEnd(written)) && !stillMatches(shownLines)) {
    throw new UserError(
      `the output of step "${stepName}" cannot stand in ${after.file} as it was printed (Markdown reads it otherwise there, as with a tab in a list item); nothing was written`,
      `move the block out of its list item or quote, or give the step a snapshot file: snapshots/<id>/${stepName}.txt`,
    );
  }
}

function trimEnd(lines: readonly string[]): string[] {
  const kept = [...lines];
  while (kept.length > 0 && kept.at(-1)?.trim() === '') kept.pop();
  return kept;
}

/**
 * Temporary file in the page's directory (the rename is atomic only there), fsynced, then
 * renamed over it, with the page's mode (and, run as root, its owner) kept.
 */
function replaceFile(path: string, text: string, stat: Stats): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const mode = stat.mode & 0o7777;
  // Created afresh (`wx`): a link left under the temporary name is replaced, never written through.
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, text);
    if (process.geteuid?.() === 0) fchownSync(fd, stat.uid, stat.gid);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    // The umask applied at creation: the page keeps exactly the mode it had.
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
