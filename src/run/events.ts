import type { Plan, PlannedStep } from '../plan/plan-steps.js';

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'not-run';

/** What became of one step. Output is the tail kept in memory; the log file has all of it. */
export interface StepResult {
  name: string;
  status: StepStatus;
  exitCode?: number;
  expectedExit: number;
  timedOut: boolean;
  durationMs: number;
  attempts: number;
  logPath?: string;
  /** Why the log file stops short of the output (a full disk); its last line says so too. */
  logCut?: string;
  output: string;
  outputBytes: number;
  /** For scripts: the script line (1-based) of the failing command. */
  errorLine?: number;
  /** Why the step failed, in words. */
  reason?: string;
  /** What became of the output check: compared and agreed, snapshot written, nothing to compare. */
  check?: 'matched' | 'updated' | 'unchecked';
  /** CI: the step printed output but has no expected output and no snapshot. */
  missingExpectation?: boolean;
  /** On a mismatch: a unified diff, expected (as written, patterns kept) against actual. */
  diff?: string;
  /** The snapshot file `-u` wrote. */
  snapshot?: string;
}

export interface RunResult {
  status: 'passed' | 'failed' | 'interrupted';
  steps: StepResult[];
  teardown: StepResult[];
  durationMs: number;
}

/** What the runner tells its front ends (reporters, the TUI). */
export type RunEvent =
  | { type: 'run-start'; plan: Plan; sessionId: string }
  | { type: 'step-start'; step: PlannedStep; attempt: number }
  | { type: 'output'; step: PlannedStep; text: string }
  | { type: 'step-ready'; step: PlannedStep }
  | { type: 'step-retry'; step: PlannedStep; result: StepResult; delayMs: number }
  | { type: 'step-end'; step: PlannedStep; result: StepResult }
  | { type: 'run-end'; result: RunResult }
  /** Progress outside any step's output (a VM being waited for). */
  | { type: 'notice'; text: string };

export type RunListener = (event: RunEvent) => void;
