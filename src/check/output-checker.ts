import { displayPath } from '../format/catalog.js';
import type { Step } from '../format/tutorial.js';
import { diffOutput } from './diff-output.js';
import { matchOutput } from './match-output.js';
import { redactForSnapshot } from './redact.js';
import { SnapshotIndex, type SnapshotPlace } from './snapshots.js';

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
  /** `-u` wrote the actual output as the step's snapshot. */
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
 * nothing; with `update`, writes snapshots instead of failing.
 */
export class OutputChecker {
  private readonly snapshots: SnapshotIndex;

  constructor(private readonly options: CheckerOptions) {
    this.snapshots = new SnapshotIndex(options.place, options.targetCount);
  }

  expectationFor(step: Step): Expectation | undefined {
    const snapshot = this.snapshots.read(step.name);
    if (snapshot) return { source: 'snapshot', lines: snapshot.lines, path: snapshot.path };
    if (step.expected) return { source: 'inline', lines: step.expected.lines, file: this.options.file, line: step.expected.line };
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
    if (expectation && result?.ok) return { status: 'matched', expectation };
    if (this.options.update && (expectation || output.trim() !== '')) {
      return { status: 'updated', path: this.update(step, output, expectation) };
    }
    if (!expectation || !result) return { status: 'unchecked', missing: output.trim() !== '' };
    return {
      status: 'mismatch',
      expectation,
      diff: diffOutput(result),
      reason: `output differs from ${describeExpectation(expectation)}${result.reason ? ` (${result.reason})` : ''}`,
    };
  }

  /** Writes what a step printed as its snapshot, whatever it was expected to print (the TUI's `u`). */
  accept(step: Step, output: string): string {
    return this.update(step, output, this.expectationFor(step));
  }

  private update(step: Step, output: string, previous: Expectation | undefined): string {
    const path = this.snapshots.pathToWrite(step.name);
    const text = redactForSnapshot(output, {
      variables: this.options.variables,
      secrets: this.options.secrets,
      ...(previous && { previous: previous.lines }),
    });
    this.snapshots.write(path, text);
    return path;
  }
}

export function describeExpectation(expectation: Expectation): string {
  return expectation.source === 'snapshot' ? displayPath(expectation.path) : `${expectation.file}:${expectation.line}`;
}
