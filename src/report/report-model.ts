import type { StepResult, StepStatus } from '../run/events.js';
import type { ReportEvent, ReportedStep } from './report-events.js';
import { outputTail } from './text-tail.js';

/**
 * What a test run found, as plain JSON-able data: built once from the report events, and
 * rendered as JUnit, HTML, GitHub's annotations and summary, or JSON again (merge-reports).
 */
export interface Report {
  tutorials: TutorialReport[];
}

export type TutorialStatus = 'passed' | 'failed' | 'interrupted' | 'skipped' | 'error';

export interface TutorialReport {
  id: string;
  title: string;
  /** The tutorial's file as messages show it (relative to where `test` ran). */
  file: string;
  /** Absent for a tutorial that never started (skipped, or refused before its run). */
  target?: string;
  sessionId?: string;
  startedAt?: string;
  status: TutorialStatus;
  durationMs: number;
  /** Why a skipped tutorial was left out. */
  skipReason?: string;
  /** What failed it outside its steps: a refusal before the run, an obsolete snapshot. */
  problems: string[];
  steps: StepReport[];
}

export interface StepReport {
  name: string;
  host: string;
  /** The step's line in the tutorial. */
  line: number;
  teardown: boolean;
  command: string;
  status: StepStatus;
  durationMs: number;
  attempts: number;
  exitCode?: number;
  expectedExit: number;
  timedOut: boolean;
  /** For scripts: the script line (1-based) of the failing command. */
  errorLine?: number;
  reason?: string;
  diff?: string;
  /** The last lines of the output (bounded); the log has all of it. */
  output: string;
  /** Whether output before `output` was left out. */
  outputCut: boolean;
  logPath?: string;
}

/** Builds the report from report events, in the order a run (or a JSON report) gives them. */
export class ReportBuilder {
  private readonly tutorials: TutorialReport[] = [];
  /** The tutorial whose run is under way, or the last one that ran: a later problem is its. */
  private current: TutorialReport | undefined;
  /** Its steps by name: a 5,000-step run looked each result up in the whole list (quadratic). */
  private currentSteps = new Map<string, StepReport>();

  add(event: ReportEvent): void {
    switch (event.type) {
      case 'run-start': {
        this.current = {
          id: event.tutorial,
          title: event.title,
          file: event.file,
          target: event.target,
          sessionId: event.sessionId,
          startedAt: event.startedAt,
          status: 'interrupted',
          durationMs: 0,
          problems: [],
          steps: event.steps.map(unrunStep),
        };
        this.tutorials.push(this.current);
        this.currentSteps = new Map(this.current.steps.map((step) => [step.name, step]));
        return;
      }
      case 'step-end':
        this.fill(event.result);
        return;
      case 'run-end': {
        const tutorial = this.current;
        if (!tutorial) return;
        // Steps never reached have no step-end; the result lists every step.
        for (const result of [...event.result.steps, ...event.result.teardown]) this.fill(result);
        tutorial.durationMs = event.result.durationMs;
        tutorial.status = tutorial.problems.length > 0 && event.result.status === 'passed' ? 'failed' : event.result.status;
        return;
      }
      case 'tutorial-skipped':
        this.current = undefined;
        this.tutorials.push({
          id: event.tutorial,
          title: event.tutorial,
          file: event.file,
          status: 'skipped',
          durationMs: 0,
          skipReason: event.reason,
          problems: [],
          steps: [],
        });
        return;
      case 'tutorial-problem': {
        const tutorial = this.current?.id === event.tutorial ? this.current : undefined;
        if (tutorial) {
          tutorial.problems.push(event.message);
          if (tutorial.status === 'passed') tutorial.status = 'failed';
          return;
        }
        this.current = undefined;
        this.tutorials.push({
          id: event.tutorial,
          title: event.tutorial,
          file: event.file,
          status: 'error',
          durationMs: 0,
          problems: [event.message],
          steps: [],
        });
        return;
      }
      default:
    }
  }

  /** The report so far. Tutorials in id order, as an unsharded `test` runs them. */
  report(): Report {
    return { tutorials: [...this.tutorials].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  }

  private fill(result: StepResult): void {
    const step = this.current && this.currentSteps.get(result.name);
    if (!step) return;
    const tail = outputTail(result.output);
    Object.assign(step, {
      status: result.status,
      durationMs: result.durationMs,
      attempts: result.attempts,
      expectedExit: result.expectedExit,
      timedOut: result.timedOut,
      output: tail.text,
      outputCut: tail.cut || result.outputBytes > Buffer.byteLength(result.output),
      ...(result.exitCode !== undefined && { exitCode: result.exitCode }),
      ...(result.errorLine !== undefined && { errorLine: result.errorLine }),
      ...(result.reason !== undefined && { reason: result.reason }),
      ...(result.diff !== undefined && { diff: result.diff }),
      ...(result.logPath !== undefined && { logPath: result.logPath }),
    });
  }
}

function unrunStep(step: ReportedStep): StepReport {
  return {
    name: step.name,
    host: step.host,
    line: step.line,
    teardown: step.teardown,
    command: step.command,
    status: 'not-run',
    durationMs: 0,
    attempts: 0,
    expectedExit: 0,
    timedOut: false,
    output: '',
    outputCut: false,
  };
}

/** Counts of a report's steps and tutorials, for summaries. */
export function reportTotals(report: Report) {
  const steps = report.tutorials.flatMap((tutorial) => tutorial.steps);
  const count = (status: StepStatus) => steps.filter((step) => step.status === status).length;
  return {
    tutorials: report.tutorials.length,
    tutorialsFailed: report.tutorials.filter((tutorial) => isFailure(tutorial.status)).length,
    tutorialsSkipped: report.tutorials.filter((tutorial) => tutorial.status === 'skipped').length,
    steps: steps.length,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    notRun: count('not-run'),
    durationMs: report.tutorials.reduce((sum, tutorial) => sum + tutorial.durationMs, 0),
  };
}

export function isFailure(status: TutorialStatus): boolean {
  return status === 'failed' || status === 'error' || status === 'interrupted';
}

/**
 * The report as report events again: what `merge-reports --reporter json` writes, and what it
 * (or another merge) reads back into the same report.
 */
export function reportEvents(report: Report): ReportEvent[] {
  const events: ReportEvent[] = [];
  for (const tutorial of report.tutorials) {
    if (tutorial.status === 'skipped') {
      events.push({ type: 'tutorial-skipped', tutorial: tutorial.id, file: tutorial.file, reason: tutorial.skipReason ?? 'skipped' });
      continue;
    }
    if (tutorial.target !== undefined) {
      events.push({
        type: 'run-start',
        sessionId: tutorial.sessionId ?? '',
        tutorial: tutorial.id,
        title: tutorial.title,
        target: tutorial.target,
        file: tutorial.file,
        startedAt: tutorial.startedAt ?? '',
        steps: tutorial.steps.map(({ name, host, line, teardown, command }) => ({ name, host, line, teardown, command })),
      });
      const results = tutorial.steps.map(stepResultOf);
      events.push({
        type: 'run-end',
        result: {
          status:
            tutorial.status === 'interrupted'
              ? 'interrupted'
              : tutorial.steps.some((step) => step.status === 'failed')
                ? 'failed'
                : 'passed',
          steps: results.filter((_, index) => !tutorial.steps[index]?.teardown),
          teardown: results.filter((_, index) => tutorial.steps[index]?.teardown),
          durationMs: tutorial.durationMs,
        },
      });
    }
    for (const message of tutorial.problems) events.push({ type: 'tutorial-problem', tutorial: tutorial.id, file: tutorial.file, message });
  }
  return events;
}

function stepResultOf(step: StepReport): StepResult {
  return {
    name: step.name,
    status: step.status,
    expectedExit: step.expectedExit,
    timedOut: step.timedOut,
    durationMs: step.durationMs,
    attempts: step.attempts,
    output: step.output,
    // A cut tail says so by claiming more bytes than it holds.
    outputBytes: Buffer.byteLength(step.output) + (step.outputCut ? 1 : 0),
    ...(step.exitCode !== undefined && { exitCode: step.exitCode }),
    ...(step.errorLine !== undefined && { errorLine: step.errorLine }),
    ...(step.reason !== undefined && { reason: step.reason }),
    ...(step.diff !== undefined && { diff: step.diff }),
    ...(step.logPath !== undefined && { logPath: step.logPath }),
  };
}
