import type { RunResult, StepResult } from './events.js';
import { RunController } from './run-controller.js';
import { notRun, type RunOptions } from './step-runner.js';

export type { RunOptions } from './step-runner.js';

/**
 * Runs a plan's steps in order and stops at the first failure; then its teardown steps in
 * reverse order (after a failure only with `cleanup`). Never throws for a failing step: the
 * result says what happened to each one. The headless front end of `RunController`.
 */
export async function runPlan(options: RunOptions): Promise<RunResult> {
  const controller = new RunController(options);
  const results: StepResult[] = [];
  let failed = false;
  for (const step of options.plan.steps) {
    const result: StepResult = failed || options.signal?.aborted ? notRun(step) : await controller.runStep(step);
    failed ||= result.status === 'failed';
    results.push(result);
  }
  return controller.end(results);
}
