import type { PlannedStep } from '../plan/plan-steps.js';
import type { RunEvent, RunListener, RunResult, StepResult } from './events.js';
import { notRun, type RunOptions, StepRunner } from './step-runner.js';

/**
 * A run, one step at a time: what the TUI drives (run, skip, retry, accept, edit a variable) and
 * what `runPlan` loops over. It emits `RunEvent`s to its listeners and records the session.
 */
export class RunController {
  private readonly runner: StepRunner;
  private readonly listeners = new Set<RunListener>();
  private readonly started = performance.now();
  /** The latest result of each step, by name. */
  private readonly results = new Map<string, StepResult>();
  private ended: RunResult | undefined;
  /** `interrupt()` was called while the current step ran. */
  private interrupting = false;
  /** Steps whose latest attempt the person stopped (the TUI's Ctrl-C or q): the run ends interrupted, not failed. */
  private readonly stopped = new Set<string>();
  /** The run's variable values as they are now (`ready=port:$PORT` reads them): `e` changes them. */
  private readonly variables: Record<string, string>;

  constructor(private readonly options: RunOptions) {
    this.listeners.add(options.onEvent);
    this.variables = { ...options.variables };
    this.runner = new StepRunner({ ...options, variables: this.variables, onEvent: (event) => this.emit(event) });
    this.emit({ type: 'run-start', plan: options.plan, sessionId: options.sessionId });
  }

  get plan() {
    return this.options.plan;
  }

  get sessionId(): string {
    return this.options.sessionId;
  }

  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async runStep(step: PlannedStep): Promise<StepResult> {
    this.interrupting = false;
    const result = await this.runner.run(step);
    if (this.interrupting && result.status === 'failed') this.stopped.add(step.name);
    else this.stopped.delete(step.name);
    this.interrupting = false;
    this.record(step, result, this.runner.takeShellState());
    return result;
  }

  skipStep(step: PlannedStep): StepResult {
    const result: StepResult = { ...notRun(step), status: 'skipped', reason: 'skipped' };
    this.record(step, result);
    return result;
  }

  /** Writes what the step printed as its snapshot; the step then counts as passed. */
  async acceptOutput(step: PlannedStep, result: StepResult): Promise<string> {
    const path = await this.runner.acceptOutput(step, result);
    this.record(step, { ...result, status: 'passed', check: 'updated', snapshot: path });
    return path;
  }

  /**
   * A new value for a variable (the TUI's `e`): every later command (in every shell), readiness
   * check, output check and redaction uses it; the session keeps it; a secret's value is masked.
   */
  async setVariable(name: string, value: string, secret: boolean): Promise<void> {
    await this.options.hosts.setVariables([{ name, value, secret }]);
    this.variables[name] = value;
    this.options.checker?.setVariable(name, value, secret);
    if (secret) this.options.secrets.push(value);
    this.options.session?.variableSet(name, secret ? undefined : value);
  }

  /** Stops the running step's whole process group; the run then ends interrupted (exit 130) unless the step runs again. */
  interrupt(): void {
    this.interrupting = true;
    void this.options.hosts.interrupt();
  }

  /** Ends the run: teardown, background steps and shells stopped, logs written; the exit status. */
  async finish(): Promise<number> {
    const steps = this.options.plan.steps.map((step) => this.results.get(step.name) ?? notRun(step));
    const result = await this.end(steps);
    return result.status === 'passed' ? 0 : result.status === 'interrupted' ? 130 : 1;
  }

  /**
   * Teardown steps in reverse order (after a failure, or when steps were left unrun, only with
   * `cleanup`), then everything the run started is stopped. `steps` are the results of the
   * plan's steps, in order. A run left before its end (the TUI's `q`) is interrupted: its
   * session is for `resume`, which needs what the steps made, so the teardown waits too.
   */
  async end(steps: StepResult[]): Promise<RunResult> {
    if (this.ended) return this.ended;
    // A step the person stopped is left for resume, like the steps after it.
    const failed = steps.some((step) => step.status === 'failed' && !this.stopped.has(step.name));
    const left = !failed && steps.some((step) => step.status === 'not-run' || this.stopped.has(step.name));
    const teardown: StepResult[] = [];
    if (!this.options.signal?.aborted && ((!failed && !left) || this.options.cleanup)) {
      for (const step of [...this.options.plan.teardown].reverse()) teardown.push(await this.runStep(step));
    }
    // The run ends here: background steps and whatever steps left running are stopped.
    await this.options.hosts.close();
    await this.runner.logsWritten();
    // Read again: a Ctrl-C during the teardown interrupts the run too.
    const interrupted = this.options.signal?.aborted ?? false;
    const status = interrupted || left ? 'interrupted' : failed || teardown.some((step) => step.status === 'failed') ? 'failed' : 'passed';
    this.ended = { status, steps, teardown, durationMs: performance.now() - this.started };
    this.emit({ type: 'run-end', result: this.ended });
    return this.ended;
  }

  private record(step: PlannedStep, result: StepResult, shell?: { host: string; state: string }): void {
    this.results.set(step.name, result);
    this.options.session?.stepEnded(result, shell);
    this.emit({ type: 'step-end', step, result });
  }

  /** Tells the front ends something outside any step's output (a VM being waited for). */
  notice(text: string): void {
    this.emit({ type: 'notice', text });
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
