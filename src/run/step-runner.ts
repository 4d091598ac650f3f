import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPARE_LIMIT_BYTES, type OutputChecker } from '../check/output-checker.js';
import { UserError } from '../errors.js';
import { definedFunctions, mayChangeState } from '../execute/may-change-state.js';
import { OutputRecorder } from '../execute/output-recorder.js';
import { portUser } from '../execute/port-owners.js';
import { sleep } from '../execute/process-groups.js';
import { describeReadiness, remotePortUser, shellProbe, waitUntilReady } from '../execute/readiness.js';
import { maskText } from '../execute/secret-masker.js';
import type { BackgroundJob, ShellSession, StepOutcome } from '../execute/shell-session.js';
import type { ConcreteReadiness } from '../format/tutorial.js';
import { missingDependencyHint } from '../needs/missing-dependency.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import { resolveReadiness } from '../plan/resolve-readiness.js';
import { isPathComponent } from '../safe-paths.js';
import type { SessionRecorder } from '../session/session-recorder.js';
import type { RunListener, StepResult } from './events.js';
import type { HostPool } from './host-pool.js';

export interface RunOptions {
  plan: Plan;
  hosts: HostPool;
  sessionId: string;
  /** Directory for the per-step log files. */
  logDir: string;
  /** Variable values, for the `$NAME`s of `ready=port:$PORT`. */
  variables: Readonly<Record<string, string>>;
  /** Values to mask as `[SECRET]` in output, logs and reports. */
  secrets: string[];
  /** Checks output against snapshots and the tutorial; without one, only exit statuses count. */
  checker?: OutputChecker;
  /** Records progress into the session, so that `resume` can continue. */
  session?: SessionRecorder;
  /** Run teardown steps after a failure too (`--cleanup`). */
  cleanup: boolean;
  signal?: AbortSignal;
  /** Asked before a `confirm` step; undefined means consent was given for all (`--yes`). */
  confirm?: (step: PlannedStep) => Promise<boolean>;
  onEvent: RunListener;
}

export function notRun(step: PlannedStep): StepResult {
  return {
    name: step.name,
    status: 'not-run',
    expectedExit: step.exit,
    timedOut: false,
    durationMs: 0,
    attempts: 0,
    output: '',
    outputBytes: 0,
  };
}

/** Runs single steps: retries, background readiness, output checks, logs, shell state. */
export class StepRunner {
  private readonly background = new Map<string, BackgroundJob>();
  /** Logs are numbered on from those a resumed session already has. */
  private logCount: number;
  /** Logs still being written: a background step's until its job ends, a small log until libuv is done. */
  private readonly pendingLogs = new Set<Promise<void>>();
  private shellState: { host: string; state: string } | undefined;
  /** Functions the tutorial defines: calling one may change the shell as much as its body. */
  private readonly functionNames: ReadonlySet<string>;

  constructor(private readonly options: RunOptions) {
    this.logCount = existsSync(options.logDir) ? readdirSync(options.logDir).length : 0;
    this.functionNames = definedFunctions(options.plan.tutorial.steps.map((step) => step.command));
  }

  /** Settles when every step's log file is complete (a foreground step's is when it ends). */
  async logsWritten(): Promise<void> {
    while (this.pendingLogs.size > 0) await Promise.all(this.pendingLogs);
  }

  private pendingLog(written: Promise<void>): void {
    this.pendingLogs.add(written);
    void written.finally(() => this.pendingLogs.delete(written));
  }

  async run(step: PlannedStep): Promise<StepResult> {
    if (step.confirm && this.options.confirm && !(await this.options.confirm(step))) {
      return { ...notRun(step), status: 'skipped', reason: 'not confirmed' };
    }
    const attempts = step.retry?.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      this.options.onEvent({ type: 'step-start', step, attempt });
      const result = this.masked(await this.attempt(step, attempt));
      if (result.status !== 'failed' || attempt >= attempts || this.options.signal?.aborted) return result;
      const delayMs = step.retry?.delay ?? 0;
      this.options.onEvent({ type: 'step-retry', step, result, delayMs });
      await sleep(delayMs);
    }
  }

  /**
   * A result's reason and diff can quote a secret (a filled-in `ready=http://…/$TOKEN`, an error
   * message): the result goes to the journal, `status` and every report. Its output is masked
   * already, as it streamed.
   */
  private masked(result: StepResult): StepResult {
    const { secrets } = this.options;
    if (secrets.length === 0) return result;
    return {
      ...result,
      ...(result.reason !== undefined && { reason: maskText(result.reason, secrets) }),
      ...(result.diff !== undefined && { diff: maskText(result.diff, secrets) }),
    };
  }

  private async attempt(step: PlannedStep, attempt: number): Promise<StepResult> {
    const started = performance.now();
    // One plain name in the session's logs/ (the store checks that it is a private directory, not
    // a link); the recorder opens it with O_NOFOLLOW, so a link planted there is refused without
    // the lstat walk of pathUnder at every step.
    const logName = `${String(++this.logCount).padStart(3, '0')}-${step.name}.log`;
    if (!isPathComponent(logName))
      throw new UserError(`refusing to use ${join(this.options.logDir, logName)}: "${logName}" is not a plain file name`);
    const logPath = join(this.options.logDir, logName);
    // A small log may be written after the step: the session's journal line carries its output.
    const recorder = new OutputRecorder(logPath, this.options.secrets, (text) => this.options.onEvent({ type: 'output', step, text }), {
      deferSmallLog: this.options.session !== undefined && !step.background,
    });
    const base = { name: step.name, expectedExit: step.exit, attempts: attempt, logPath };
    try {
      if (step.stop !== undefined) await this.stopBackground(step.stop);
      const shell = await this.options.hosts.get(step.host, step.hostSpec);
      if (step.background) return await this.startBackground(step, recorder, base, started);
      const outcome = await shell.run({
        kind: step.kind,
        body: step.command,
        expectedExit: step.exit,
        timeoutMs: step.timeoutMs,
        onOutput: (chunk) => recorder.write(chunk),
        ...(step.cwdPath !== undefined && { cwd: step.cwdPath }),
      });
      const output = recorder.finish();
      this.pendingLog(recorder.written);
      const failure = failureReason(step, outcome);
      const missing = failure === undefined ? undefined : missingDependencyHint(output);
      const reason = missing === undefined ? failure : `${failure}; ${missing}`;
      const result: StepResult = {
        ...base,
        status: reason === undefined ? 'passed' : 'failed',
        exitCode: outcome.exitCode,
        timedOut: outcome.timedOut,
        durationMs: outcome.durationMs,
        output,
        outputBytes: recorder.bytes,
        ...(recorder.logCut !== undefined && { logCut: recorder.logCut }),
        ...(outcome.errorLine !== undefined && reason !== undefined && { errorLine: outcome.errorLine }),
        ...(reason !== undefined && { reason }),
      };
      if (reason !== undefined) return result;
      const checked = await this.checkOutput(step, result, recorder);
      if (checked.status === 'passed') await this.saveShellState(step, shell);
      return checked;
    } catch (error) {
      recorder.finish();
      this.pendingLog(recorder.written);
      throw error;
    }
  }

  private async startBackground(
    step: PlannedStep,
    recorder: OutputRecorder,
    base: Pick<StepResult, 'name' | 'expectedExit' | 'attempts' | 'logPath'>,
    started: number,
  ): Promise<StepResult> {
    let ready: ConcreteReadiness | undefined;
    try {
      ready = resolveReadiness(step.ready, this.options.variables);
    } catch (error) {
      const reason = (error as Error).message;
      return { ...base, status: 'failed', timedOut: false, durationMs: 0, output: recorder.finish(), outputBytes: 0, reason };
    }
    const shell = await this.options.hosts.get(step.host, step.hostSpec);
    // A port somebody else already listens on would make any wait meaningless.
    const user =
      ready?.kind !== 'port'
        ? undefined
        : shell.localPid !== undefined
          ? portUser(shell.localPid, ready.port)
          : await remotePortUser(shell, ready.port);
    if (ready?.kind === 'port' && user !== undefined) {
      const where = shell.localPid === undefined ? ` on host ${step.host}` : '';
      const reason = `port ${ready.port}${where} is already in use by ${user} before the step started`;
      return { ...base, status: 'failed', timedOut: false, durationMs: 0, output: recorder.finish(), outputBytes: 0, reason };
    }
    const job = await shell.startBackground(step.command, step.cwdPath, (chunk) => recorder.write(chunk));
    const readiness = await waitUntilReady(ready, {
      output: () => recorder.text(),
      ended: job.ended,
      timeoutMs: step.timeoutMs,
      ...(this.options.signal && { signal: this.options.signal }),
      ...(step.hostSpec.kind !== 'local' && { probe: shellProbe(shell, job.group) }),
      ...(shell.localPid !== undefined && { group: job.group }),
    });
    const durationMs = performance.now() - started;
    if (readiness.ready) {
      if (readiness.note) recorder.write(Buffer.from(`alts-tutor: ${readiness.note}\n`));
      this.background.set(step.name, job);
      this.options.session?.backgroundStarted(step.name, step.host, job.group);
      this.options.onEvent({ type: 'step-ready', step });
      // The job keeps writing to its log; the recorder stays open until the job ends.
      this.pendingLog(job.ended.then(() => void recorder.finish()));
      return { ...base, status: 'passed', timedOut: false, durationMs, output: recorder.text(), outputBytes: recorder.bytes };
    }
    await job.stop();
    await job.ended;
    return {
      ...base,
      status: 'failed',
      timedOut: readiness.reason.startsWith('not ready'),
      durationMs,
      output: recorder.finish(),
      outputBytes: recorder.bytes,
      reason: ready === undefined ? readiness.reason : `${readiness.reason}; waited for ${describeReadiness(ready)}`,
    };
  }

  /** Writes a step's whole output (from its log when longer than the tail) as its snapshot. */
  async acceptOutput(step: PlannedStep, result: StepResult): Promise<string> {
    const { checker } = this.options;
    if (!checker) throw new Error('BUG: accepting output needs an output checker');
    // Past the compare limit the output is never read back (a 1 GB log must not cost 1 GB).
    if (result.outputBytes > COMPARE_LIMIT_BYTES) {
      const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      throw new UserError(
        `the output of ${step.name} is too large to keep as its expected output (${megabytes(result.outputBytes)} > ${megabytes(COMPARE_LIMIT_BYTES)}); its whole output is in its log`,
      );
    }
    const truncated = result.outputBytes > Buffer.byteLength(result.output);
    const output = truncated && result.logPath ? await readFile(result.logPath, 'utf8') : result.output;
    return checker.accept(step, output);
  }

  /** The shell state captured after the last step, to be recorded with its result. */
  takeShellState(): { host: string; state: string } | undefined {
    const state = this.shellState;
    this.shellState = undefined;
    return state;
  }

  /** After a passed step that may have changed the shell, its state is kept for the session. */
  private async saveShellState(step: PlannedStep, shell: ShellSession): Promise<void> {
    if (!this.options.session || !mayChangeState(step.kind, step.command, this.functionNames)) return;
    const state = await shell.captureState();
    if (state === undefined) return;
    // The shell leaves secrets out (shellPrelude); a value it missed keeps the whole state off disk.
    if (maskText(state, this.options.secrets) !== state) {
      this.options.onEvent({
        type: 'notice',
        text: `the shell state after step ${step.name} holds a secret: not saved (resume continues from an earlier state)`,
      });
      return;
    }
    this.shellState = { host: step.host, state };
  }

  /** A step whose exit status was right passes when its output agrees too. */
  private async checkOutput(step: PlannedStep, result: StepResult, recorder: OutputRecorder): Promise<StepResult> {
    const { checker } = this.options;
    if (!checker?.checks(step)) return result;
    // Output longer than the in-memory tail is read back from its log, which is complete by now.
    // Past the compare limit it is not read at all (1 GB of output must not cost 1 GB of memory).
    const outcome =
      recorder.bytes > COMPARE_LIMIT_BYTES
        ? checker.tooLarge(step, recorder.bytes)
        : checker.check(step, recorder.truncated ? await readFile(recorder.logPath, 'utf8') : result.output);
    switch (outcome.status) {
      case 'matched':
        return { ...result, check: 'matched' };
      case 'updated':
        return { ...result, check: 'updated', snapshot: outcome.path };
      case 'unchecked':
        return { ...result, check: 'unchecked', ...(outcome.missing && { missingExpectation: true }) };
      case 'mismatch':
        return { ...result, status: 'failed', reason: outcome.reason, diff: outcome.diff };
      case 'too-large':
        return { ...result, status: 'failed', reason: outcome.reason };
    }
  }

  private async stopBackground(name: string): Promise<void> {
    const job = this.background.get(name);
    this.background.delete(name);
    await job?.stop();
    if (job) this.options.session?.backgroundStopped(name);
  }
}

function failureReason(step: PlannedStep, outcome: StepOutcome): string | undefined {
  if (outcome.interrupted) return 'interrupted';
  if (outcome.timedOut) return `timed out after ${Math.round(step.timeoutMs / 1000)}s; its processes were killed`;
  if (outcome.shellLost)
    return `the shell of host ${step.host} ended with status ${outcome.exitCode} (the step ran exit or exec, an error under set -e or set -u ended it, or it had to be killed); its state is lost`;
  if (outcome.exitCode !== step.exit) {
    const where = outcome.errorLine !== undefined ? ` at line ${step.line + outcome.errorLine - 1}` : '';
    return `exit status ${outcome.exitCode}, expected ${step.exit}${where}`;
  }
  return undefined;
}
