import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { checkUnder, isPathComponent, pathUnder } from '../safe-paths.js';

/** Where a tutorial's snapshots live: `<project>/snapshots/<id>/[<target>/]<step>.txt` (SPEC section 5). */
export interface SnapshotPlace {
  /** The directory holding the tutorial's `tutorials/`. */
  projectRoot: string;
  tutorialId: string;
  target: string;
}

export interface Snapshot {
  path: string;
  lines: string[];
}

/** Refused (exit 2) when the id is not a plain name or `snapshots/` or `snapshots/<id>` is a symbolic link. */
export function snapshotDir(place: SnapshotPlace): string {
  return pathUnder(place.projectRoot, 'snapshots', place.tutorialId);
}

/** The target's own snapshot first, then the one shared by all targets. */
export function snapshotCandidates(place: SnapshotPlace, step: string): [string, string] {
  const dir = snapshotDir(place);
  const file = `${step}.txt`;
  // Step and target names come from the Markdown: each must stay one plain name under `dir`.
  for (const name of place.target === '' ? [file] : [file, place.target]) {
    if (!isPathComponent(name)) throw new UserError(`refusing to use ${join(dir, name)}: "${name}" is not a plain file name`);
  }
  return [join(dir, place.target, file), join(dir, file)];
}

/**
 * The snapshot files of one tutorial and target, listed once: a 500-step run then costs two
 * directory reads, not a thousand existence checks.
 */
export class SnapshotIndex {
  private readonly files = new Set<string>();

  constructor(
    private readonly place: SnapshotPlace,
    private readonly targetCount: number,
  ) {
    const dir = snapshotDir(place);
    for (const sub of place.target === '' ? [dir] : [dir, pathUnder(dir, place.target)]) {
      if (!existsSync(sub) || !lstatSync(sub).isDirectory()) continue;
      for (const name of readdirSync(sub)) this.files.add(join(sub, name));
    }
  }

  read(step: string): Snapshot | undefined {
    const path = snapshotCandidates(this.place, step).find((candidate) => this.files.has(candidate));
    if (path === undefined) return undefined;
    // A snapshot that is a link could show any file of the machine in a diff, and -u would write through it.
    checkUnder(this.place.projectRoot, path);
    return { path, lines: splitSnapshot(readFileSync(path, 'utf8')) };
  }

  /**
   * The file `-u` writes for a step: the snapshot it already has, else the target's own file
   * when the tutorial has several targets (their outputs differ: project ids, addresses), else
   * the shared one.
   */
  pathToWrite(step: string): string {
    const [own, shared] = snapshotCandidates(this.place, step);
    if (this.files.has(own)) return own;
    if (this.files.has(shared)) return shared;
    return this.targetCount > 1 ? own : shared;
  }

  write(path: string, text: string): void {
    checkUnder(snapshotDir(this.place), path);
    writeSnapshot(path, text);
    this.files.add(path);
  }
}

function splitSnapshot(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Writes a snapshot atomically (temp file, rename), so a killed run never leaves half of one.
 * A snapshot that already holds `text` is left alone: a watcher of snapshots/ sees no change.
 */
export function writeSnapshot(path: string, text: string): void {
  if (existsSync(path) && lstatSync(path).isFile() && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  // Created afresh (`wx`): a link left under the temporary name is replaced, never written through.
  rmSync(temp, { force: true });
  writeFileSync(temp, text, { flag: 'wx' });
  renameSync(temp, path);
}

/**
 * Snapshot files that name no step: left behind by renames. A shared file must name a step of
 * the tutorial; a file in the target's directory, a step of that target; a directory, a target.
 */
export function obsoleteSnapshots(
  place: SnapshotPlace,
  steps: { ofTarget: ReadonlySet<string>; all: ReadonlySet<string> },
  targetNames: readonly string[],
): string[] {
  const dir = snapshotDir(place);
  if (!existsSync(dir)) return [];
  const obsolete: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    // lstat: a link to a directory is an entry to remove, never a directory to list and empty.
    if (lstatSync(path).isDirectory()) {
      // Only the directory of the target under test is judged; another target's steps differ.
      if (entry !== place.target) {
        if (!targetNames.includes(entry)) obsolete.push(path);
        continue;
      }
      for (const file of readdirSync(path).sort()) {
        if (!file.endsWith('.txt') || !steps.ofTarget.has(file.slice(0, -4))) obsolete.push(join(path, file));
      }
    } else if (!entry.endsWith('.txt') || !steps.all.has(entry.slice(0, -4))) {
      obsolete.push(path);
    }
  }
  return obsolete;
}

/** Removes an obsolete snapshot (file or directory) of `place`, refused unless it is under the tutorial's snapshots. */
export function removeSnapshot(place: SnapshotPlace, path: string): void {
  checkUnder(snapshotDir(place), path);
  rmSync(path, { recursive: true, force: true });
}

/** `-u` with `--ci` (or CI set) is a contradiction: CI never writes snapshots (SPEC section 5). */
export function refuseUpdateUnderCi(update: boolean, ci: boolean): void {
  if (update && ci) {
    throw new UserError(
      '-u writes snapshots, which never happens with --ci or CI set',
      'run -u where CI is not set, and commit the snapshots',
    );
  }
}
