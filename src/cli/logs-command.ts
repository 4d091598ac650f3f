import { spawn } from 'node:child_process';
import { closeSync, constants, createReadStream, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.js';
import { findProgram, isExecutable } from '../execute/on-path.js';
import { visibleOutput } from '../report/visible-text.js';
import { checkUnder } from '../safe-paths.js';
import { sessionMatcher } from '../session/session-paths.js';
import { type Session, type SessionStep, SessionStore } from '../session/session-store.js';

/** A step's logs: one per attempt (a retried step, a step run again by `resume`), oldest first. */
export interface StepLogs {
  session: string;
  tutorial: string;
  step: string;
  status: SessionStep['status'];
  /** The log the session records for the step: its latest attempt. */
  logPath: string;
  /** Logs of the same step written before it, oldest first. */
  earlier: string[];
}

/**
 * The logs of a session's step. The session is named by id, or by tutorial id (its latest
 * session), else it is the latest of all; the step is named, else the failed one, else the last
 * one that ran. Anything unknown is refused (exit 2) with what exists.
 */
export function findStepLogs(store: SessionStore, sessionReference: string | undefined, stepName: string | undefined): StepLogs {
  const session = findSession(store, sessionReference);
  const step = stepName === undefined ? defaultStep(session) : namedStep(session, stepName);
  const ran = session.steps.filter((entry) => entry.logPath !== undefined).map((entry) => entry.name);
  if (step.logPath === undefined) {
    throw new UserError(
      `step ${step.name} of session ${session.id} has no log: it did not run (${step.status})`,
      ran.length > 0 ? `steps with a log: ${ran.join(', ')}` : 'no step of that session has run yet',
    );
  }
  const logDir = join(store.dir(session.id), 'logs');
  // The path comes from the session's file: it must lie in the session's own logs/, no link on the way.
  const logPath = isAbsolute(step.logPath) ? step.logPath : join(logDir, step.logPath);
  checkUnder(logDir, logPath);
  const pattern = new RegExp(`^\\d+-${step.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`);
  const earlier = existsSync(logDir)
    ? readdirSync(logDir)
        .filter((name) => pattern.test(name) && name < basename(logPath))
        .sort()
        .map((name) => join(logDir, name))
    : [];
  return { session: session.id, tutorial: session.tutorial.id, step: step.name, status: step.status, logPath, earlier };
}

function findSession(store: SessionStore, reference: string | undefined): Session {
  const ids = store.ids();
  if (ids.length === 0) throw new UserError('no sessions yet', 'alts-tutor run <tutorial> or alts-tutor test starts one');
  if (reference !== undefined && ids.includes(reference)) return store.load(reference);
  const matching = ids.filter(sessionMatcher(reference));
  const last = matching.at(-1);
  if (last === undefined) {
    throw new UserError(`no session "${reference}"`, `sessions, newest last: ${ids.slice(-10).join(', ')}`);
  }
  // Ids tell the time to the second; sessions started within the same one are told apart by createdAt.
  const stamp = (id: string) => /\d{8}-\d{6}(?=-[0-9a-f]{4}$)/.exec(id)?.[0];
  const sameSecond = matching.filter((id) => stamp(id) === stamp(last)).map((id) => store.load(id));
  return sameSecond.reduce((latest, session) => (session.createdAt > latest.createdAt ? session : latest));
}

function namedStep(session: Session, name: string): SessionStep {
  const step = session.steps.find((entry) => entry.name === name);
  if (step) return step;
  throw new UserError(`session ${session.id} has no step "${name}"`, `its steps: ${session.steps.map((entry) => entry.name).join(', ')}`);
}

/** The failed step; else the one that ran last (by when it finished, teardown included). */
function defaultStep(session: Session): SessionStep {
  const failed = session.steps.find((step) => step.status === 'failed' && step.logPath !== undefined);
  if (failed) return failed;
  const ran = session.steps.filter((step) => step.logPath !== undefined);
  const last = ran.reduce<SessionStep | undefined>(
    (latest, step) => (latest === undefined || (step.finishedAt ?? '') >= (latest.finishedAt ?? '') ? step : latest),
    undefined,
  );
  if (last) return last;
  throw new UserError(`no step of session ${session.id} has a log: none has run yet`);
}

/** Opens a log for reading without following a link in its last part (checkUnder saw the rest). */
function openLog(path: string): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`the log ${path} is gone`);
    if (code === 'ELOOP') throw new UserError(`refusing to read ${path}: it is a symbolic link`);
    throw error;
  }
}

function readLog(path: string): string {
  const fd = openLog(path);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** What the pager is: `$PAGER` (empty means none, as for git), else `less -R`; undefined when it is not installed. */
export function pagerCommand(env: NodeJS.ProcessEnv): string | undefined {
  const command = (env.PAGER ?? 'less -R').trim();
  const program = command.split(/\s+/)[0];
  if (!program) return undefined;
  const found = program.includes('/') ? isExecutable(program) : findProgram(program, env.PATH) !== undefined;
  return found ? command : undefined;
}

/**
 * Streams the logs to `out`, a header line before each when there are several. `visible`
 * (a terminal without a pager) shows control characters instead of sending them.
 */
async function writeLogs(logs: StepLogs, out: Writable, visible: boolean): Promise<void> {
  const all = [...logs.earlier, logs.logPath];
  for (const [index, path] of all.entries()) {
    if (all.length > 1) out.write(`── ${path} (attempt ${index + 1} of ${all.length}) ──\n`);
    const fd = openLog(path);
    if (visible) {
      try {
        out.write(visibleOutput(readFileSync(fd, 'utf8')));
      } finally {
        closeSync(fd);
      }
    } else {
      await pipeline(createReadStream('', { fd }), out, { end: false });
    }
  }
}

/** Runs the pager on the logs; resolves false when it could not be started. */
async function page(command: string, logs: StepLogs, env: NodeJS.ProcessEnv): Promise<boolean> {
  const pager = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'inherit', 'inherit'], env });
  const started = new Promise<boolean>((resolve) => {
    pager.once('spawn', () => resolve(true));
    pager.once('error', () => resolve(false));
  });
  if (!(await started)) return false;
  // Ctrl-C belongs to the pager (less stops a search with it); the pager quitting ends this.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  const ended = new Promise<void>((resolve) => pager.once('close', () => resolve()));
  // The reader quitting before the end closes the pipe: that is no error.
  pager.stdin.on('error', () => {});
  try {
    await writeLogs(logs, pager.stdin, false).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
    pager.stdin.end();
    await ended;
  } finally {
    process.off('SIGINT', ignore);
  }
  return true;
}

/** `alts-tutor logs [session] [step] [--json]`: a step's whole output, from its log files. */
export async function logsCommand(
  sessionReference: string | undefined,
  stepName: string | undefined,
  options: { json: boolean; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const env = options.env ?? process.env;
  const logs = findStepLogs(new SessionStore(env), sessionReference, stepName);
  if (options.json) {
    const report = {
      session: logs.session,
      tutorial: logs.tutorial,
      step: logs.step,
      status: logs.status,
      logPath: logs.logPath,
      output: readLog(logs.logPath),
      earlier: logs.earlier.map((path) => ({ logPath: path, output: readLog(path) })),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const terminal = Boolean(process.stdout.isTTY) && env.TERM !== 'dumb';
  const pager = terminal ? pagerCommand(env) : undefined;
  if (pager !== undefined && (await page(pager, logs, env))) return 0;
  await writeLogs(logs, process.stdout, terminal);
  return 0;
}
