import { OutputChecker } from '../check/output-checker.js';
import { displayPath } from '../format/catalog.js';
import type { VariableSpec } from '../format/tutorial.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import { type ResolvedVariable, resolveVariables } from '../plan/resolve-variables.js';
import { createSessionDir, newSessionId } from '../session/session-paths.js';
import type { RunListener, RunResult } from './events.js';
import { HostPool } from './host-pool.js';
import { runPlan } from './run-plan.js';

export interface ExecuteOptions {
  env: NodeJS.ProcessEnv;
  /** `--var` values; names the tutorial does not declare reach the steps too. */
  optionValues: Record<string, string>;
  /** Asks for a variable's value on a terminal; undefined without one. */
  prompt?: (spec: VariableSpec) => Promise<string>;
  /** Asked before `confirm` steps; undefined when consent covers every step. */
  confirm?: (step: PlannedStep) => Promise<boolean>;
  /** `-u`: write snapshots of the steps that ran. */
  updateSnapshots: boolean;
  cleanup: boolean;
  /** Builds the reporter once the secrets to mask are known. */
  reporter(secrets: string[]): RunListener;
  /** Called with an `interrupt` function while steps run; returns a function that detaches. */
  onInterrupt(interrupt: () => void): () => void;
}

/**
 * Runs a plan as a new session: its log directory, one shell per host, the variables, the
 * output checker; the run's result says what happened. Shared by `run` and `test`.
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<RunResult> {
  const { tutorial, target } = plan;
  const sessionId = newSessionId(tutorial.id);
  const { logDir } = createSessionDir(sessionId, options.env);
  const hosts = new HostPool(plan.workDir, { ...options.env, ALTS_TUTOR_SESSION: sessionId });
  const controller = new AbortController();
  const detach = options.onInterrupt(() => {
    controller.abort();
    void hosts.interrupt();
  });
  try {
    const declared = await resolveVariables(tutorial.variables, target, {
      options: options.optionValues,
      environment: options.env,
      runDefault: async (command) => {
        const shell = await hosts.get('local', { kind: 'local' });
        const { exitCode, stdout } = await shell.capture(command);
        return exitCode === 0 ? stdout.trim() : undefined;
      },
      ...(options.prompt && { prompt: options.prompt }),
    });
    const undeclared = Object.entries(options.optionValues)
      .filter(([name]) => !(name in tutorial.variables))
      .map(([name, value]): ResolvedVariable => ({ name, value, secret: false, source: 'option' }));
    const variables = [...declared, ...undeclared];
    await hosts.setVariables(variables);
    const secrets = variables.filter((variable) => variable.secret).map((variable) => variable.value);
    const values = Object.fromEntries(variables.map((variable) => [variable.name, variable.value]));
    const checker = new OutputChecker({
      place: { projectRoot: plan.projectRoot, tutorialId: tutorial.id, target: target.name },
      file: displayPath(tutorial.file),
      targetCount: Math.max(1, Object.keys(tutorial.targets).length),
      variables: Object.fromEntries(declared.filter((variable) => !variable.secret).map((variable) => [variable.name, variable.value])),
      secrets,
      update: options.updateSnapshots,
    });
    return await runPlan({
      plan,
      hosts,
      sessionId,
      logDir,
      secrets,
      variables: values,
      checker,
      cleanup: options.cleanup,
      signal: controller.signal,
      ...(options.confirm && { confirm: options.confirm }),
      onEvent: options.reporter(secrets),
    });
  } finally {
    detach();
    await hosts.close();
  }
}
