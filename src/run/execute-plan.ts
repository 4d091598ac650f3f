import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OutputChecker } from '../check/output-checker.js';
import { displayPath } from '../format/catalog.js';
import type { HostSpec, VariableSpec } from '../format/tutorial.js';
import { Lab } from '../lab/lab.js';
import { labPrefix } from '../lab/lab-names.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import { type ResolvedVariable, resolveVariables } from '../plan/resolve-variables.js';
import { lockSession } from '../session/session-lock.js';
import { newSessionId } from '../session/session-paths.js';
import { SessionRecorder } from '../session/session-recorder.js';
import { type Session, SessionStore } from '../session/session-store.js';
import { preflightCloud, runsOnGoogleCloud, vmWaiter } from './cloud-checks.js';
import type { RunListener, RunResult } from './events.js';
import { HostPool } from './host-pool.js';
import { RunController } from './run-controller.js';
import { runAllSteps } from './run-plan.js';

export interface ExecuteOptions {
  env: NodeJS.ProcessEnv;
  /** The tutorial file, absolute: its content hash goes into the session. */
  file: string;
  /** `--var` values; names the tutorial does not declare reach the steps too. */
  optionValues: Record<string, string>;
  /** A session to continue (`resume`): its id, variables and shell state are reused. */
  resume?: Session;
  /** Asks for a variable's value on a terminal; undefined without one. */
  prompt?: (spec: VariableSpec) => Promise<string>;
  /** Asked before `confirm` steps; undefined when consent covers every step. */
  confirm?: (step: PlannedStep) => Promise<boolean>;
  /** `-u`: write snapshots of the steps that ran. */
  updateSnapshots: boolean;
  cleanup: boolean;
  /** Builds the reporter once the secrets to mask are known. */
  reporter(secrets: string[]): RunListener;
  /**
   * Drives the run instead of running every step in order: the TUI, which runs what the person
   * asks for. Resolves with the run's result once it has ended.
   */
  drive?: (controller: RunController, variables: Array<{ name: string; value: string; secret: boolean }>) => Promise<RunResult>;
  /** Called with `interrupt` (stop the running step) and `kill` (stop everything now, synchronously). */
  onInterrupt(interrupt: () => void, kill: () => void): () => void;
}

/**
 * Runs a plan as a session: its files, one shell per host, the variables, the output checker;
 * progress is recorded as it goes so that `resume` can continue. Shared by `run`, `resume`,
 * `test` and `cleanup`.
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<{ result: RunResult; sessionId: string }> {
  const { tutorial, target } = plan;
  const store = new SessionStore(options.env);
  const sessionId = options.resume?.id ?? newSessionId(tutorial.id);
  const env = { ...options.env, ALTS_TUTOR_SESSION: sessionId };
  // The lab is set up when a step first needs one of its hosts; whether it can be, is known now.
  const lab = target.lab && new Lab({ topology: target.lab, prefix: labPrefix(options.env), dir: `${store.dir(sessionId)}/lab`, env });
  // Programs the lab runs are the plan's to install (planMachineSetup); the kernel's part is checked now.
  lab?.checkSupport();
  const controller = new AbortController();
  const cloud = runsOnGoogleCloud(plan);
  let run: RunController | undefined;
  const waitForVm = cloud ? vmWaiter(env, (text) => run?.notice(text), controller.signal) : undefined;
  const hosts = new HostPool(plan.workDir, env, lab, waitForVm);
  let unlock: (() => void) | undefined;
  let recorder: SessionRecorder | undefined;
  let finished = false;
  const detach = options.onInterrupt(
    () => {
      controller.abort();
      void hosts.interrupt();
    },
    () => {
      hosts.killNow();
      lab?.tearDownNow();
      // The runner exits right after this, before the run can end: without this line the
      // session stayed "running" (with a dead pid) in status. Synchronous, like killNow.
      if (recorder && !finished) store.append(sessionId, { type: 'status', status: 'interrupted' });
    },
  );
  try {
    const declared = await resolveVariables(tutorial.variables, target, {
      options: options.optionValues,
      environment: options.env,
      ...(options.resume && { session: options.resume.variables }),
      runDefault: async (command) => {
        const shell = await hosts.get('local', { kind: 'local' });
        const { exitCode, stdout } = await shell.capture(command);
        return exitCode === 0 ? stdout.trim() : undefined;
      },
      ...(options.prompt && { prompt: options.prompt }),
    });
    // A `--var` the tutorial does not declare is saved with the session like the others: resume keeps it.
    const undeclared = Object.entries({ ...options.resume?.variables, ...options.optionValues })
      .filter(([name]) => !(name in tutorial.variables))
      .map(([name, value]): ResolvedVariable => ({ name, value, secret: false, source: 'option' }));
    const variables = [...declared, ...undeclared];
    const values = Object.fromEntries(variables.map((variable) => [variable.name, variable.value]));
    // Before the session exists: a project that cannot run the tutorial leaves nothing to resume.
    const preflight = cloud && !options.resume ? await preflightCloud(plan, values, options.env) : undefined;
    // Before the session too: a checker that refuses (-u on a tutorial alts-tutor comes with) leaves none.
    const secrets = variables.filter((variable) => variable.secret).map((variable) => variable.value);
    const checker = new OutputChecker({
      place: { projectRoot: plan.projectRoot, tutorialId: tutorial.id, target: target.name },
      file: displayPath(tutorial.file),
      targetCount: Math.max(1, Object.keys(tutorial.targets).length),
      variables: Object.fromEntries(declared.filter((variable) => !variable.secret).map((variable) => [variable.name, variable.value])),
      secrets,
      update: options.updateSnapshots,
    });
    const session = options.resume ?? newSession(sessionId, plan, options.file, variables);
    if (options.resume) {
      unlock = lockSession(store.dir(sessionId), sessionId);
      store.append(sessionId, { type: 'status', status: 'running', pid: process.pid });
    } else {
      store.create(session);
      unlock = lockSession(store.dir(sessionId), sessionId);
    }
    recorder = new SessionRecorder(store, sessionId);
    await hosts.setVariables(variables);
    const leftOut: string[] = [];
    for (const [host, state] of Object.entries(session.shellState)) {
      const shell = await hosts.get(host, hostSpecOf(plan, host));
      await shell.restoreState(state);
      // The run's values win over the state's copies of them: `resume --var NAP=0` means 0. The
      // shell got every variable when it opened; a state never holds a secret, so those stand.
      for (const variable of variables.filter((entry) => !entry.secret)) await shell.setVariable(variable.name, variable.value, false);
      leftOut.push(...leftOutOfState(state));
    }
    run = new RunController({
      plan,
      hosts,
      sessionId,
      logDir: `${store.dir(sessionId)}/logs`,
      secrets,
      variables: values,
      checker,
      session: recorder,
      cleanup: options.cleanup,
      signal: controller.signal,
      ...(options.confirm && { confirm: options.confirm }),
      onEvent: options.reporter(secrets),
    });
    if (preflight !== undefined) run.notice(preflight);
    if (leftOut.length > 0) {
      run.notice(
        `not restored, since it held a secret's value: ${leftOut.join(', ')}; run the step that made it again if a later step needs it`,
      );
    }
    const result = options.drive
      ? await options.drive(
          run,
          variables.map(({ name, value, secret }) => ({ name, value, secret })),
        )
      : await runAllSteps(run, plan, controller.signal);
    recorder.finish(result.status);
    finished = true;
    return { result, sessionId };
  } finally {
    try {
      try {
        await hosts.close();
      } finally {
        await lab?.tearDown();
      }
    } finally {
      // Signals stay handled until the lab is gone: a second Ctrl-C meanwhile still removes it.
      detach();
      unlock?.();
    }
  }
}

function newSession(id: string, plan: Plan, file: string, variables: ResolvedVariable[]): Session {
  const now = new Date().toISOString();
  return {
    version: 1,
    id,
    tutorial: { id: plan.tutorial.id, file, hash: contentHash(file), title: plan.tutorial.title },
    target: plan.target.name,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    pid: process.pid,
    variables: Object.fromEntries(variables.filter((variable) => !variable.secret).map((variable) => [variable.name, variable.value])),
    secretNames: variables.filter((variable) => variable.secret).map((variable) => variable.name),
    workDir: plan.workDir,
    steps: [...plan.steps, ...plan.teardown].map((step) => ({ name: step.name, status: 'not-run' })),
    shellState: {},
    background: [],
  };
}

/** What a saved shell state left out because it held a secret (the notes shellPrelude writes). */
function leftOutOfState(state: string): string[] {
  return [...state.matchAll(/^# alts-tutor: left out, it holds a secret: (.+)$/gm)].map((match) => match[1] ?? '');
}

export function contentHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function hostSpecOf(plan: Plan, host: string): HostSpec {
  if (host === 'local') return { kind: 'local' };
  return plan.target.hosts[host] ?? { kind: 'local' };
}
