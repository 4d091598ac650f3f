import { UserError } from '../errors.js';
import { displayPath, isCramTest } from '../format/catalog.js';
import type { Step } from '../format/tutorial.js';
import { diffOutput } from './diff-output.js';
import { matchOutput } from './match-output.js';
import { outputsAgree } from './page-agreement.js';
import { installedTutorialNote, writeShownOutput } from './page-writer.js';
import { redactForSnapshot } from './redact.js';
import { type Snapshot, SnapshotIndex, type SnapshotPlace } from './snapshots.js';

/**
 * Outputs up to this size are compared in full (read back from the log past the in-memory tail).
 * A larger output is not read into memory: a step with an expectation (or under `-u`) fails with
 * "output too large to compare"; a step with none is decided by its exit status, as always.
 */
export const COMPARE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Where a step's expected output comes from, in SPEC order of precedence. */
export type Expectation =
  | { source: 'snapshot'; lines: string[]; path: string }
  | { source: 'inline'; lines: string[]; file: string; line: number };

export type CheckOutcome =
  /** The output agrees with the expectation. */
  | { status: 'matched'; expectation: Expectation }
  /** Nothing to check against: the exit status decides. `missing` is true when CI should say so. */
  | { status: 'unchecked'; missing: boolean }
  /** `-u` wrote the actual output into the page (`path` is then `file:line`) or as the step's snapshot, or both. */
  | { status: 'updated'; path: string }
  | { status: 'mismatch'; expectation: Expectation; diff: string; reason: string }
  /** Past `COMPARE_LIMIT_BYTES` with something to compare or write: a failure, without a diff. */
  | { status: 'too-large'; reason: string };

export interface CheckerOptions {
  place: SnapshotPlace;
  /** Path of the tutorial as messages show it. */
  file: string;
  targetCount: number;
  variables: Readonly<Record<string, string>>;
  secrets: readonly string[];
  /** `-u`: write the actual output of steps that ran. Never set together with `ci`. */
  update: boolean;
}

/**
 * Checks a step's output against its snapshot, else the output the tutorial shows, else
 * nothing; with `update`, writes the output where the expectation lives (the page's own block
 * when it shows one, else a snapshot file) instead of failing.
 */
export class OutputChecker {
  private readonly snapshots: SnapshotIndex;
  /** What this run wrote into the page, by step: the parsed tutorial still has the old lines. */
  private readonly written = new Map<string, { lines: string[]; line: number }>();

  /** Refuses `-u` of a tutorial that comes with alts-tutor (exit 2) before any step runs: a run would be wasted. */
  constructor(private options: CheckerOptions) {
    if (options.update) this.refuseInstalled();
    if (options.update && isCramTest(options.file)) this.refuseCram();
    this.snapshots = new SnapshotIndex(options.place, options.targetCount);
  }

  expectationFor(step: Step): Expectation | undefined {
    const snapshot = this.snapshots.read(step.name);
    if (snapshot) return { source: 'snapshot', lines: snapshot.lines, path: snapshot.path };
    const shown = this.shownOutput(step);
    if (shown) return { source: 'inline', lines: shown.lines, file: this.options.file, line: shown.line };
    return undefined;
  }

  /** Whether the step's output is checked at all (background and interactive steps are not). */
  checks(step: Step): boolean {
    return step.expect !== 'none' && !step.background && !step.interactive;
  }

  /** The outcome for an output of `bytes` past `COMPARE_LIMIT_BYTES`, which is never read. */
  tooLarge(step: Step, bytes: number): CheckOutcome {
    const expectation = this.expectationFor(step);
    if (!expectation && !this.options.update) return { status: 'unchecked', missing: true };
    const size = `${(bytes / 1024 / 1024).toFixed(1)} MB > ${COMPARE_LIMIT_BYTES / 1024 / 1024} MB limit`;
    const against = expectation ? `with ${describeExpectation(expectation)}` : 'or write as a snapshot';
    return {
      status: 'too-large',
      reason: `output too large to compare ${against} (${size}); its whole output is in its log`,
    };
  }

  check(step: Step, output: string): CheckOutcome {
    const expectation = this.expectationFor(step);
    const { variables } = this.options;
    const result = expectation ? matchOutput(expectation.lines, output, { mode: step.expect, variables }) : undefined;
    const stale = expectation?.source === 'snapshot' && result?.ok ? this.stalePage(step, expectation, output) : undefined;
    if (expectation && result?.ok && !stale) return { status: 'matched', expectation };
    if (this.options.update && (expectation || output.trim() !== '')) {
      return { status: 'updated', path: this.update(step, output) };
    }
    if (!expectation || !result) return { status: 'unchecked', missing: output.trim() !== '' };
    if (stale) return stale;
    return {
      status: 'mismatch',
      expectation,
      diff: diffOutput(result),
      reason: `output differs from ${describeExpectation(expectation)}${result.reason ? ` (${result.reason})` : ''}`,
    };
  }

  /**
   * A variable's new value (the TUI's `e`): later checks compare with it and redaction writes
   * `${NAME}` for it; a secret's value is masked instead, and its old one stays masked.
   */
  setVariable(name: string, value: string, secret: boolean): void {
    const { [name]: _old, ...others } = this.options.variables;
    this.options = secret
      ? { ...this.options, variables: others, secrets: [...this.options.secrets, value] }
      : { ...this.options, variables: { ...others, [name]: value } };
  }

  /** Writes what a step printed where its expectation lives, whatever it was expected to print (the TUI's `u`). */
  accept(step: Step, output: string): string {
    return this.update(step, output);
  }

  /** The output the page shows for the step (as this run last wrote it), if it shows any. */
  private shownOutput(step: Step): { lines: string[]; line: number } | undefined {
    const written = this.written.get(step.name);
    if (written) return written;
    return step.expected && { lines: step.expected.lines, line: step.expected.line };
  }

  /**
   * A page that shows output its snapshot no longer agrees with is stale: a reader sees output
   * the tutorial does not print. The step fails at the page's line, with the diff from what the
   * page shows to what the step printed (which the snapshot matched).
   */
  private stalePage(step: Step, snapshot: Expectation, output: string): CheckOutcome | undefined {
    const shown = this.shownOutput(step);
    if (!shown || shown.lines.length === 0) return undefined;
    const { variables } = this.options;
    if (outputsAgree(shown.lines, snapshot.lines, step.expect, variables)) return undefined;
    const page: Expectation = { source: 'inline', lines: shown.lines, file: this.options.file, line: shown.line };
    return {
      status: 'mismatch',
      expectation: page,
      diff: diffOutput(matchOutput(shown.lines, output, { mode: step.expect, variables })),
      reason: `the output shown at ${describeExpectation(page)} is stale: it disagrees with ${describeExpectation(snapshot)}, which the step's output matched (run -u to rewrite the page)`,
    };
  }

  /**
   * `-u`: a step whose page shows output gets it rewritten there; one with a snapshot file
   * (a target's own output, or one written before the page showed any) gets the file, and the
   * page too when the page would disagree with it. Returns what was written, as messages show it.
   */
  private update(step: Step, output: string): string {
    if (step.expect === 'cram') this.refuseCram();
    const snapshot = this.snapshots.read(step.name);
    const shown = step.expected?.span ? this.shownOutput(step) : undefined;
    this.refuseInstalled();
    const written: string[] = [];
    let snapshotLines: string[] | undefined;
    if (snapshot || !shown) {
      const path = this.snapshots.pathToWrite(step.name);
      const text = this.redact(output, snapshot ?? shown);
      this.snapshots.write(path, text);
      snapshotLines = splitLines(text);
      written.push(displayPath(path));
    }
    if (shown && (snapshotLines === undefined || !outputsAgree(shown.lines, snapshotLines, step.expect, this.options.variables))) {
      const { variables } = this.options;
      const stillMatches = (lines: string[]) => matchOutput(lines, output, { mode: step.expect, variables }).ok;
      const page = writeShownOutput(this.options.file, step.name, splitLines(this.redact(output, shown)), stillMatches);
      this.written.set(step.name, page);
      written.unshift(`${this.options.file}:${page.line}`);
    }
    return written.join(' and ');
  }

  /** A tutorial that comes with alts-tutor, not with the project, is never written (the TUI's `u` comes here too). */
  private refuseInstalled(): void {
    const note = installedTutorialNote(this.options.file, this.options.place.projectRoot, process.cwd());
    if (note !== undefined) throw new UserError(note);
  }

  /** A .t file's lines are cram's, which redaction tokens and written patterns are not: -u (and the TUI's `u`) leave it alone. */
  private refuseCram(): never {
    throw new UserError(`-u does not write cram .t files (${this.options.file}): review the diff and edit the file, or use cram -i`);
  }

  /** Redacted exactly as for a snapshot file; lines the old expectation matched keep its text. */
  private redact(output: string, previous: Pick<Snapshot, 'lines'> | undefined): string {
    return redactForSnapshot(output, {
      variables: this.options.variables,
      secrets: this.options.secrets,
      ...(previous && { previous: previous.lines }),
    });
  }
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

export function describeExpectation(expectation: Expectation): string {
  return expectation.source === 'snapshot' ? displayPath(expectation.path) : `${expectation.file}:${expectation.line}`;
}
