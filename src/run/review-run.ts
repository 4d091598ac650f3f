import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import type { RunResult, StepResult } from './events.js';
import type { RunController } from './run-controller.js';
import { notRun } from './step-runner.js';

/**
 * What the person chose for a mismatch: write the output as the step's expectation (as `-u`
 * would), leave it failed and go on to the next step, or leave it failed and stop there, as a
 * run without review does.
 */
export type ReviewDecision = 'accept' | 'skip' | 'stop';

export interface MismatchReviewer {
  /** Asked for each mismatch of a step of the plan (not of a teardown step), once it has ended. */
  decide(step: PlannedStep, result: StepResult, plan: Plan): Promise<ReviewDecision>;
  /** True once the run was interrupted (Ctrl-C): the steps left are not run. */
  interrupted(): boolean;
}

/** A step that ran as it should (its exit status) but printed something else than expected. */
export function isMismatch(result: StepResult): boolean {
  return result.status === 'failed' && result.diff !== undefined;
}

/**
 * Drives a run as `runAllSteps` does, stopping at a step that failed, except that each mismatch
 * is reviewed when it happens: accepted, it is written through the controller's accept path (the
 * TUI's `u`: the whole output, read from the log past the in-memory tail) and the step passes;
 * skipped, it stays failed and the run goes on, since its exit status was right and its shell
 * is as the step left it, so the later steps are reviewed in the same run.
 */
export function reviewingDriver(reviewer: MismatchReviewer): (controller: RunController) => Promise<RunResult> {
  return async (controller) => {
    const results: StepResult[] = [];
    let stopped = false;
    for (const step of controller.plan.steps) {
      if (stopped || reviewer.interrupted()) {
        results.push(notRun(step));
        continue;
      }
      let result = await controller.runStep(step);
      if (isMismatch(result)) {
        const decision = await reviewer.decide(step, result, controller.plan);
        if (decision === 'accept') {
          const snapshot = await controller.acceptOutput(step, result);
          const { reason: _reason, diff: _diff, ...rest } = result;
          result = { ...rest, status: 'passed', check: 'updated', snapshot };
        }
        stopped = decision === 'stop';
      } else {
        stopped = result.status === 'failed';
      }
      results.push(result);
    }
    return controller.end(results);
  };
}
