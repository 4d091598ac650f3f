import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeSnapshot } from '../check/snapshots.js';
import { EXIT, TutorialError, UserError } from '../errors.js';
import { parseTutorial } from '../format/parse-tutorial.js';
import { slugify } from '../format/slugify.js';
import { formatReport } from '../import/format-report.js';
import { importDocument } from '../import/import-document.js';
import { SLUG, SLUG_RULE } from '../safe-paths.js';

export interface ImportCommandOptions {
  id?: string;
  force: boolean;
  cwd: string;
}

/** Documents larger than this are not tutorials (a log, a dump): refused rather than read. */
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * `alts-tutor import <doc> [--id X] [--force]`: writes `tutorials/<id>.md` and its snapshots in
 * the current directory; the paths written go to stdout, the report of guesses and of what could
 * not be classified to stderr. Exit 0 once a draft is written.
 */
export function importCommand(document: string, options: ImportCommandOptions): number {
  const text = readDocument(resolve(options.cwd, document), document);
  const source = basename(document);
  const id = options.id ?? (slugify(source.replace(/\.[^.]*$/, '')) || 'imported');
  if (!SLUG.test(id)) {
    throw new UserError(`--id "${id}" is not a tutorial id`, `use ${SLUG_RULE}, for example --id my-tutorial`);
  }
  const tutorialFile = join(options.cwd, 'tutorials', `${id}.md`);
  if (existsSync(tutorialFile) && !options.force) {
    throw new UserError(`${relative(options.cwd, tutorialFile)} already exists`, 'add --force to overwrite it, or choose another --id');
  }
  const result = importDocument(text, { source, id });
  const shownFile = relative(options.cwd, tutorialFile);
  let parseProblem: string | undefined;
  try {
    parseTutorial(result.markdown, shownFile, id);
  } catch (error) {
    if (!(error instanceof TutorialError)) throw error;
    parseProblem = error.message;
  }

  writeAtomically(tutorialFile, result.markdown);
  const snapshotDir = join(options.cwd, 'snapshots', id);
  // Snapshots of an earlier import name steps this draft may not have: they would fail `test --ci`.
  if (options.force) rmSync(snapshotDir, { recursive: true, force: true });
  const written = [shownFile];
  for (const snapshot of result.snapshots) {
    const path = join(snapshotDir, `${snapshot.step}.txt`);
    writeSnapshot(path, snapshot.text);
    written.push(relative(options.cwd, path));
  }
  process.stdout.write(written.map((path) => `${path}\n`).join(''));

  const { report } = result;
  const summary = `imported ${source} as ${id}: ${result.steps.length} step${result.steps.length === 1 ? '' : 's'}, ${result.snapshots.length} snapshot${result.snapshots.length === 1 ? '' : 's'}`;
  const lines = [summary, ...formatReport(report, source)];
  if (report.unclassified.length > 0) {
    lines.push(
      `draft written, but ${report.unclassified.length} part${report.unclassified.length === 1 ? '' : 's'} could not be classified: review them in ${shownFile}`,
    );
  }
  if (parseProblem !== undefined) lines.push(`the draft does not parse (a bug in import; please report it): ${parseProblem}`);
  else lines.push(`next: alts-tutor lint ${id}, then alts-tutor run ${id}`);
  process.stderr.write(lines.map((line) => `${line}\n`).join(''));
  return parseProblem === undefined ? EXIT.ok : EXIT.failed;
}

/** The document's text; a missing, binary, empty or huge file is the user's to fix. */
function readDocument(path: string, shown: string): string {
  let bytes: Buffer;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new UserError(`${shown} is a directory, not a document`);
    // A device or a pipe has no size to check and may never end (/dev/zero): only files are read.
    if (!stats.isFile()) throw new UserError(`${shown} is not a regular file, not a document`);
    if (stats.size > MAX_BYTES) throw new UserError(`${shown} is larger than ${MAX_BYTES / 1024 / 1024} MB: not a tutorial document`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `no such file: ${shown}` : `cannot read ${shown}: ${code ?? (error as Error).message}`);
  }
  if (bytes.includes(0)) throw new UserError(`${shown} is a binary file, not a text document`, 'give a Markdown or plain-text document');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${shown} is not UTF-8 text`, 'convert it to UTF-8 (for example with iconv) and import it again');
  }
  if (text.trim() === '') throw new UserError(`${shown} is empty`);
  return text;
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
