import { maskText } from '../execute/secret-masker.js';
import type { RunEvent, RunResult, StepResult } from '../run/events.js';

/** A step of the plan as the JSON report gives it in `run-start`. */
export interface ReportedStep {
  name: string;
  host: string;
  line: number;
  teardown: boolean;
  /** The step's command as written (variables unresolved), secrets masked. */
  command: string;
}

/**
 * The JSON report, one of these per line: the run events made plain data (no plan objects,
 * secrets masked), and two of `test`'s own (a tutorial skipped, a tutorial's problem). The
 * report model (report-model.ts) is rebuilt from these lines alone, so the JSON file of each
 * shard is what `merge-reports` needs.
 */
export type ReportEvent =
  | {
      type: 'run-start';
      sessionId: string;
      tutorial: string;
      title: string;
      target: string;
      file: string;
      startedAt: string;
      steps: ReportedStep[];
    }
  | { type: 'step-start'; step: string; attempt: number }
  | { type: 'step-ready'; step: string }
  | { type: 'output'; step: string; text: string }
  | { type: 'step-retry'; step: string; result: StepResult }
  | { type: 'step-end'; step: string; result: StepResult }
  | { type: 'run-end'; result: RunResult }
  | { type: 'notice'; text: string }
  /** `test` left a tutorial out (no such target, no cloud account): a skipped test, not a failure. */
  | { type: 'tutorial-skipped'; tutorial: string; file: string; reason: string }
  /** A tutorial that could not run, or failed outside its steps (an obsolete snapshot). */
  | { type: 'tutorial-problem'; tutorial: string; file: string; message: string };

export const REPORT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'run-start',
  'step-start',
  'step-ready',
  'output',
  'step-retry',
  'step-end',
  'run-end',
  'notice',
  'tutorial-skipped',
  'tutorial-problem',
]);

/** A run event as the report carries it, every string in it masked. */
export function toReportEvent(event: RunEvent, secrets: readonly string[] = []): ReportEvent {
  return maskStrings(plainEvent(event), secrets);
}

function plainEvent(event: RunEvent): ReportEvent {
  switch (event.type) {
    case 'run-start':
      return {
        type: event.type,
        sessionId: event.sessionId,
        tutorial: event.plan.tutorial.id,
        title: event.plan.tutorial.title,
        target: event.plan.target.name,
        file: event.plan.tutorial.file,
        startedAt: new Date().toISOString(),
        steps: [...event.plan.steps, ...event.plan.teardown].map((step) => ({
          name: step.name,
          host: step.host,
          line: step.line,
          teardown: step.teardown,
          command: step.command,
        })),
      };
    case 'step-start':
      return { type: event.type, step: event.step.name, attempt: event.attempt };
    case 'step-ready':
      return { type: event.type, step: event.step.name };
    case 'output':
      return { type: event.type, step: event.step.name, text: event.text };
    case 'step-retry':
    case 'step-end':
      return { type: event.type, step: event.step.name, result: event.result };
    case 'run-end':
      return { type: event.type, result: event.result };
    case 'notice':
      return { type: event.type, text: event.text };
  }
}

/** The value with `[SECRET]` in place of every secret in every string it holds. */
export function maskStrings<T>(value: T, secrets: readonly string[]): T {
  if (secrets.every((secret) => secret === '')) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return maskText(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object')
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    return item;
  };
  return walk(value) as T;
}
