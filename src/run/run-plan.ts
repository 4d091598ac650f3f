import type { Plan } from '../plan/plan-steps.js';
import type { RunResult, StepResult } from './events.js';
import { RunController } from './run-controller.js';
import { notRun, type RunOptions } from './step-runner.js';

export type { RunOptions } from './step-runner.js';

/**
 * Runs a plan's steps in order and stops at the first failure; then its teardown steps in
 * reverse order (after a failure only with `cleanup`). Never throws for a failing step: the
 * result says what happened to each one. The headless front end of `RunController`.
 */
export function runPlan(options: RunOptions): Promise<RunResult> {
  return runAllSteps(new RunController(options), options.plan, options.signal);
}

/** Every step of the plan in order, until one fails or the run is interrupted; then the end. */
export async function runAllSteps(controller: RunController, plan: Plan, signal: AbortSignal | undefined): Promise<RunResult> {
  const results: StepResult[] = [];
  let failed = false;
  for (const step of plan.steps) {
    const result: StepResult = failed || signal?.aborted ? notRun(step) : await controller.runStep(step);
    failed ||= result.status === 'failed';
    results.push(result);
  }
  return controller.end(results);
}
