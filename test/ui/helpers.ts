import type { Plan, PlannedStep } from '../../src/plan/plan-steps.js';
import type { RunEvent, StepResult } from '../../src/run/events.js';
import type { StepController } from '../../src/ui/controller.js';

export function plannedStep(name: string, overrides: Partial<PlannedStep> = {}): PlannedStep {
  return {
    name,
    section: 'Set up',
    prose: '',
    kind: 'command',
    command: `echo ${name}`,
    line: 1,
    host: 'local',
    background: false,
    exit: 0,
    expect: 'lines',
    confirm: false,
    teardown: false,
    interactive: false,
    hostSpec: { kind: 'local' },
    timeoutMs: 60_000,
    ...overrides,
  };
}

export function testPlan(steps: PlannedStep[]): Plan {
  return {
    tutorial: {
      id: 'demo',
      file: 'tutorials/demo.md',
      title: 'ALTS between two VMs',
      requires: [],
      targets: {},
      variables: {},
      steps,
      frontMatterLine: 0,
    },
    target: { name: 'lab', hosts: { client: { kind: 'netns', namespace: 'c' }, server: { kind: 'netns', namespace: 's' } }, variables: {} },
    projectRoot: '/tmp/project',
    workDir: '/tmp/project',
    steps,
    teardown: [],
  };
}

export function stepResult(step: PlannedStep, overrides: Partial<StepResult> = {}): StepResult {
  return {
    name: step.name,
    status: 'passed',
    exitCode: 0,
    expectedExit: 0,
    timedOut: false,
    durationMs: 1200,
    attempts: 1,
    output: `output of ${step.name}\n`,
    outputBytes: 0,
    ...overrides,
  };
}

/**
 * A `StepController` in memory: records what the TUI asks of it and answers with events as the
 * real one does (step-start, output, step-ready, step-end). Steps in `held` run until `release`.
 */
export class FakeController implements StepController {
  readonly calls: string[] = [];
  /** What runStep answers, by step name (passed when absent). */
  readonly outcomes = new Map<string, Partial<StepResult>>();
  readonly held = new Set<string>();
  finishCode = 0;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly waiting = new Map<string, (outcome?: Partial<StepResult>) => void>();

  constructor(readonly plan: Plan) {}

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async runStep(step: PlannedStep): Promise<StepResult> {
    this.calls.push(`run ${step.name}`);
    this.emit({ type: 'step-start', step, attempt: 1 });
    this.emit({ type: 'output', step, text: `output of ${step.name}\n` });
    let outcome = this.outcomes.get(step.name);
    if (this.held.has(step.name)) {
      outcome = (await new Promise<Partial<StepResult> | undefined>((resolve) => this.waiting.set(step.name, resolve))) ?? outcome;
    } else {
      await Promise.resolve();
    }
    const result = stepResult(step, outcome);
    if (step.background && result.status === 'passed') this.emit({ type: 'step-ready', step });
    this.emit({ type: 'step-end', step, result });
    return result;
  }

  /** Lets a held step end, with `outcome` when given. */
  release(name: string, outcome?: Partial<StepResult>): void {
    this.held.delete(name);
    const resolve = this.waiting.get(name);
    this.waiting.delete(name);
    resolve?.(outcome);
  }

  skipStep(step: PlannedStep): StepResult {
    this.calls.push(`skip ${step.name}`);
    const result = stepResult(step, { status: 'skipped', reason: 'skipped', output: '' });
    this.emit({ type: 'step-end', step, result });
    return result;
  }

  async acceptOutput(step: PlannedStep, result: StepResult): Promise<string> {
    this.calls.push(`accept ${step.name}`);
    const snapshot = `snapshots/demo/${step.name}.txt`;
    this.emit({ type: 'step-end', step, result: { ...result, status: 'passed', check: 'updated', snapshot } });
    return snapshot;
  }

  async setVariable(name: string, value: string, secret: boolean): Promise<void> {
    this.calls.push(`set ${name}=${value}${secret ? ' (secret)' : ''}`);
  }

  interrupt(): void {
    this.calls.push('interrupt');
    for (const name of [...this.waiting.keys()]) this.release(name, { status: 'failed', reason: 'interrupted', exitCode: 130 });
  }

  async finish(): Promise<number> {
    this.calls.push('finish');
    return this.finishCode;
  }
}

/** Waits until `check` passes (Ink renders and effects run asynchronously). */
export async function waitFor(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

export const delay = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export const KEYS = { enter: '\r', up: '\u001b[A', down: '\u001b[B', escape: '\u001b', ctrlC: '\u0003', tab: '\t', backspace: '\u007f' };
