import type { PlannedStep } from '../plan/plan-steps.js';
import type { RunEvent, StepResult } from '../run/events.js';

interface Case {
  step: PlannedStep;
  result: StepResult;
}

interface Suite {
  name: string;
  file: string;
  timestamp: string;
  cases: Case[];
  /** The plan's steps by name, for those that never started. */
  steps: Map<string, PlannedStep>;
  durationMs: number;
  /** A tutorial that could not run at all (parse error, missing variables). */
  error?: string;
}

/**
 * JUnit XML as CI systems read it: one `<testsuite>` per tutorial, one `<testcase>` per step,
 * the diff (or the output) of a failed step as the failure's text.
 */
export class JunitReporter {
  private readonly suites: Suite[] = [];

  readonly listener = (event: RunEvent): void => {
    switch (event.type) {
      case 'run-start':
        this.suites.push({
          name: `${event.plan.tutorial.id} (${event.plan.target.name})`,
          file: event.plan.tutorial.file,
          timestamp: new Date().toISOString().slice(0, 19),
          cases: [],
          steps: new Map([...event.plan.steps, ...event.plan.teardown].map((step) => [step.name, step])),
          durationMs: 0,
        });
        return;
      case 'step-end':
        this.suites.at(-1)?.cases.push({ step: event.step, result: event.result });
        return;
      case 'run-end': {
        const suite = this.suites.at(-1);
        if (suite) {
          suite.durationMs = event.result.durationMs;
          // Steps never reached have no step-end event: list them as skipped.
          const seen = new Set(suite.cases.map((entry) => entry.result.name));
          for (const result of [...event.result.steps, ...event.result.teardown]) {
            const step = suite.steps.get(result.name);
            if (step && !seen.has(result.name)) suite.cases.push({ step, result });
          }
        }
        return;
      }
      default:
    }
  };

  /** Records a tutorial that failed before any step ran. */
  addError(name: string, file: string, message: string): void {
    const timestamp = new Date().toISOString().slice(0, 19);
    this.suites.push({ name, file, timestamp, cases: [], steps: new Map(), durationMs: 0, error: message });
  }

  render(): string {
    const count = (suite: Suite, status: StepResult['status']) => suite.cases.filter((entry) => entry.result.status === status).length;
    const total = (pick: (suite: Suite) => number) => this.suites.reduce((sum, suite) => sum + pick(suite), 0);
    const tests = (suite: Suite) => suite.cases.length + (suite.error ? 1 : 0);
    const failures = (suite: Suite) => count(suite, 'failed');
    const errors = (suite: Suite) => (suite.error ? 1 : 0);
    const skipped = (suite: Suite) => count(suite, 'skipped') + count(suite, 'not-run');
    const lines = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="alts-tutor" tests="${total(tests)}" failures="${total(failures)}" errors="${total(errors)}" skipped="${total(skipped)}" time="${seconds(total((suite) => suite.durationMs))}">`,
    ];
    for (const suite of this.suites) {
      lines.push(
        `  <testsuite name="${xml(suite.name)}" tests="${tests(suite)}" failures="${failures(suite)}" errors="${errors(suite)}" skipped="${skipped(suite)}" time="${seconds(suite.durationMs)}" timestamp="${suite.timestamp}" file="${xml(suite.file)}">`,
      );
      if (suite.error) {
        lines.push(`    <testcase classname="${xml(suite.name)}" name="(tutorial)" time="0">`);
        lines.push(`      <error message="${xml(firstLine(suite.error))}">${xml(suite.error)}</error>`);
        lines.push('    </testcase>');
      }
      for (const { step, result } of suite.cases) {
        const attributes = `classname="${xml(suite.name)}" name="${xml(result.name)}" time="${seconds(result.durationMs)}" file="${xml(suite.file)}" line="${step.line}"`;
        if (result.status === 'passed') {
          lines.push(`    <testcase ${attributes}/>`);
          continue;
        }
        lines.push(`    <testcase ${attributes}>`);
        if (result.status === 'failed') {
          const body = result.diff ?? result.output;
          lines.push(`      <failure message="${xml(result.reason ?? 'failed')}" type="${failureType(result)}">${xml(body)}</failure>`);
        } else {
          lines.push(
            `      <skipped message="${result.status === 'skipped' ? xml(result.reason ?? 'skipped') : 'not run: an earlier step failed'}"/>`,
          );
        }
        lines.push('    </testcase>');
      }
      lines.push('  </testsuite>');
    }
    lines.push('</testsuites>');
    return `${lines.join('\n')}\n`;
  }
}

function failureType(result: StepResult): string {
  if (result.diff !== undefined) return 'mismatch';
  if (result.timedOut) return 'timeout';
  return 'exit-status';
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Escapes text for XML, dropping characters XML 1.0 cannot hold (most control codes). */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
