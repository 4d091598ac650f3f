import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { onPath } from '../execute/on-path.js';
import { groupAlive, processRunning, signalGroup, sleep } from '../execute/process-groups.js';
import { loadTutorial, projectRootOf } from '../format/catalog.js';
import type { Step, Tutorial } from '../format/tutorial.js';
import { describeRemovedLabs, removeDeadLabs } from '../lab/lab-leftovers.js';
import { labPrefix } from '../lab/lab-names.js';
import { labMissing } from '../lab/lab-support.js';
import { type Plan, planSteps, stepInTarget } from '../plan/plan-steps.js';
import { parseVarOptions } from '../plan/resolve-variables.js';
import { LOCAL_TARGET } from '../plan/select-target.js';
import { lockSession } from '../session/session-lock.js';
import { sessionMatcher } from '../session/session-paths.js';
import { SessionRecorder } from '../session/session-recorder.js';
import { type Session, SessionStore } from '../session/session-store.js';
import { contentHash } from './execute-plan.js';
import { consentAndExecute, type RunIo, type RunTutorialOptions } from './run-tutorial.js';

export type ResumeOptions = Pick<RunTutorialOptions, 'vars' | 'yes' | 'ci' | 'cleanup' | 'updateSnapshots'>;

/**
 * `alts-tutor resume [session|id]`: continues the latest unfinished session (of a tutorial, or
 * the one named) at its first step that did not pass, with its variables and shell state.
 */
export async function resumeSession(reference: string | undefined, options: ResumeOptions, io: RunIo): Promise<number> {
  const store = new SessionStore(io.env);
  const found = findSession(store, reference, (candidate) => candidate.status !== 'passed');
  // The lock comes first: stopping the "orphans" of a session that another live process runs
  // killed that run's background steps, even though this resume was then refused. (executePlan
  // locks again; the lock is already this process's, so that changes nothing.)
  const unlock = lockSession(store.dir(found.id), found.id);
  try {
    // Read again under the lock: the run that held it may have gone on since.
    const session = store.load(found.id);
    const { tutorial, plan, changed, resumeAt, replayed } = planRemaining(session, io.cwd);
    await stopOrphans(session);
    if (Object.values(tutorial.targets[session.target]?.hosts ?? {}).some((host) => host.kind === 'netns')) removeLabLeftovers(io);
    if (changed) io.write(`note: ${tutorial.file} changed since session ${session.id} began; its steps are matched by name\n`);
    if (resumeAt === undefined) {
      // A run killed after its last step passed never recorded its end: record it now, or the
      // session would stay "running" and be offered to every later resume.
      if (session.status !== 'passed') new SessionRecorder(store, session.id).finish('passed');
      io.write(`session ${session.id}: every step has passed; nothing to resume\n`);
      return EXIT.ok;
    }
    if (replayed) io.write('note: the lab is set up afresh, so the steps that passed on its hosts run again\n');
    // Background steps later steps need, and lab steps, run again before it (all of them, when it is a teardown step).
    const at = plan.steps.findIndex((step) => step.name === resumeAt);
    const again = (at === -1 ? plan.steps : plan.steps.slice(0, at)).map((step) => step.name);
    io.write(`resuming session ${session.id} at step ${resumeAt}${again.length > 0 ? `, after running again: ${again.join(', ')}` : ''}\n`);
    return await consentAndExecute(plan, session.tutorial.file, parseVarOptions(options.vars), options, io, session);
  } finally {
    unlock();
  }
}

/**
 * `alts-tutor cleanup [session|id]`: removes what the labs of dead runs left behind, then runs
 * the teardown steps of a session that have not passed yet, with its variables. (A passed run
 * has torn down already: its teardown again would find nothing, and fail on it.)
 */
export async function cleanupSession(reference: string | undefined, options: ResumeOptions, io: RunIo): Promise<number> {
  const removedLabs = removeLabLeftovers(io);
  const store = new SessionStore(io.env);
  let found: Session;
  try {
    found = findSession(store, reference, () => true);
  } catch (error) {
    // No session to clean up, but lab leftovers were: that was the cleanup asked for.
    if (removedLabs > 0 && reference === undefined && error instanceof UserError) return EXIT.ok;
    throw error;
  }
  // As in resume: lock before stopping orphans, which may belong to a run still going.
  const unlock = lockSession(store.dir(found.id), found.id);
  try {
    const session = store.load(found.id);
    const { tutorial, plan } = planRemaining(session, io.cwd, { onlyTeardown: true });
    await stopOrphans(session);
    if (plan.teardown.length === 0) {
      io.write(`${describeTeardown(session, tutorial)}\n`);
      return EXIT.ok;
    }
    return await consentAndExecute(plan, session.tutorial.file, parseVarOptions(options.vars), options, io, session);
  } finally {
    unlock();
  }
}

/** What `cleanup` would run of a session's teardown, in a line; `dryRun` says it did not run. */
export function describeTeardown(session: Session, tutorial: Tutorial, dryRun = false): string {
  const { all, pending } = sessionTeardown(session, tutorial);
  if (all.length === 0) return `session ${session.id}: ${tutorial.id} has no teardown steps`;
  if (pending.length === 0)
    return `session ${session.id}: its teardown has run already (${all.length === 1 ? 'its step' : `all ${all.length} steps`} passed)`;
  return `session ${session.id}: teardown steps to run: ${pending
    .map((step) => step.name)
    .reverse()
    .join(', ')}${dryRun ? ' (dry run: not run)' : ''}`;
}

/** The session's teardown steps (of its target), and those of them that have not passed. */
function sessionTeardown(session: Session, tutorial: Tutorial): { all: Step[]; pending: Step[] } {
  const passed = new Set(session.steps.filter((step) => step.status === 'passed').map((step) => step.name));
  const all = tutorial.steps.filter((step) => step.teardown && stepInTarget(step, session.target));
  return { all, pending: all.filter((step) => !passed.has(step.name)) };
}

/** Lab leftovers of runs that are gone (a crash, a kill), whatever their session: says what went. */
export function removeLabLeftovers(io: Pick<RunIo, 'env' | 'write'>): number {
  // Where no lab can run (or ip is not even installed) there is nothing this process could have made, nor could remove.
  if (labMissing(io.env) !== undefined || !onPath('ip', io.env.PATH)) return 0;
  const removed = removeDeadLabs(labPrefix(io.env), io.env);
  io.write(describeRemovedLabs(removed));
  return removed.length;
}

/**
 * A session by id; else the latest matching one of the tutorial with that id; else the latest
 * matching one of all.
 */
export function findSession(store: SessionStore, reference: string | undefined, wanted: (session: Session) => boolean): Session {
  const ids = store.ids();
  if (reference !== undefined && ids.includes(reference)) return store.load(reference);
  const matches = sessionMatcher(reference);
  for (const id of [...ids].reverse()) {
    if (!matches(id)) continue;
    const session = store.load(id);
    if (session.tutorial.id === (reference ?? session.tutorial.id) && wanted(session)) return session;
  }
  throw new UserError(
    reference === undefined ? 'no unfinished session' : `no unfinished session of "${reference}"`,
    'alts-tutor status lists the sessions; alts-tutor run starts one',
  );
}

/**
 * The steps still to run: all but those that passed, and background steps later steps need.
 * A lab is set up afresh for every run, so what the passed steps did to its hosts (a route, an
 * iptables rule, a sysctl) is gone: those steps run again too, in order (`replayed` says so).
 */
function planRemaining(
  session: Session,
  cwd: string,
  mode: { onlyTeardown?: boolean } = {},
): { tutorial: Tutorial; plan: Plan; changed: boolean; resumeAt: string | undefined; replayed: boolean } {
  const file = session.tutorial.file;
  if (!existsSync(file)) throw new UserError(`the tutorial of session ${session.id} is gone: ${file}`);
  const tutorial = loadTutorial(file);
  const changed = contentHash(file) !== session.tutorial.hash;
  const target = tutorial.targets[session.target] ?? (session.target === 'local' ? LOCAL_TARGET : undefined);
  if (!target) throw new UserError(`${tutorial.id} no longer has target ${session.target}`);
  const passed = new Set(session.steps.filter((step) => step.status === 'passed').map((step) => step.name));
  // A background step that passed is running no more (the run that started it ended): unless a
  // passed step stopped it, the steps after it expect it, so it starts again.
  const stopped = new Set(tutorial.steps.filter((step) => step.stop !== undefined && passed.has(step.name)).map((step) => step.stop));
  const onLabHost = (step: Step) => target.hosts[step.host]?.kind === 'netns';
  const skip = new Set(
    tutorial.steps
      .filter((step) =>
        mode.onlyTeardown
          ? !step.teardown || passed.has(step.name)
          : passed.has(step.name) && !onLabHost(step) && !(step.background && !stopped.has(step.name)),
      )
      .map((step) => step.name),
  );
  const plan = planSteps(tutorial, target, projectRootOf(file), session.workDir ?? cwd, { skip });
  const planned = [...plan.steps, ...plan.teardown];
  return {
    tutorial,
    plan,
    changed,
    resumeAt: planned.find((step) => !passed.has(step.name))?.name,
    replayed: planned.some((step) => passed.has(step.name) && onLabHost(step)),
  };
}

/** How long the processes a dead run left may take to die of SIGKILL before resume gives up. */
const REAP_DEADLINE_MS = 5000;

/**
 * What a killed run left running (where its shells had no supervisor, or the supervisor was
 * killed too): every process that carries the session's id in its environment, and the groups
 * of its background steps. A pid reused by a process that is not ours does not carry the id. They
 * are gone before a step runs again: a leftover step would repeat its side effects beside it.
 */
async function stopOrphans(session: Session): Promise<void> {
  for (const job of session.background) {
    if (groupAlive(job.group) && carriesSession(job.group, session.id)) signalGroup(job.group, 'SIGKILL');
  }
  const deadline = Date.now() + REAP_DEADLINE_MS;
  for (;;) {
    const left = processesOfSession(session.id);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new UserError(
        `processes of session ${session.id} are still running after SIGKILL: ${left.join(', ')}`,
        'stop them (they may be stuck in the kernel), then resume again',
      );
    }
    for (const pid of left) signalProcess(pid);
    await sleep(20);
  }
}

/** Running processes (zombies aside) whose environment carries the session's id; never this process. */
function processesOfSession(id: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid && carriesSession(pid, id) && processRunning(pid));
}

function signalProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

function carriesSession(pid: number, id: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ALTS_TUTOR_SESSION=${id}`);
  } catch {
    return false;
  }
}
