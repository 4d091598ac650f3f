import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import type { RunEvent, StepResult } from '../run/events.js';

/**
 * What the TUI drives: one step at a time. `RunController` (src/run/run-controller.ts) satisfies
 * it; the TUI depends on this interface only, so its tests can drive it with an in-memory fake.
 */
export interface StepController {
  readonly plan: Plan;
  /** Runs one step (retries, output check included); emits RunEvents to the listener given to subscribe(). */
  runStep(step: PlannedStep): Promise<StepResult>;
  /** Marks a step skipped without running it. */
  skipStep(step: PlannedStep): StepResult;
  /** Writes the step's actual output as its snapshot (key `u` after a mismatch); returns the snapshot path. */
  acceptOutput(step: PlannedStep, result: StepResult): Promise<string>;
  /** Sets a variable's value in every host shell (key `e`). */
  setVariable(name: string, value: string, secret: boolean): Promise<void>;
  /** Stops the running step's processes (first Ctrl-C). */
  interrupt(): void;
  /** Ends the run: teardown, stops background steps and shells, saves the session. Resolves with the exit status (0 all passed, 1 failed, 130 interrupted). */
  finish(): Promise<number>;
  /** Receives every RunEvent; returns an unsubscribe function. */
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/** A variable the person can change with `e`. */
export interface TuiVariable {
  name: string;
  value: string;
  secret: boolean;
}
