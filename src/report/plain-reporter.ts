import { formatDuration } from '../format/durations.js';
import type { PlannedStep } from '../plan/plan-steps.js';
import type { RunEvent, RunListener, StepResult } from '../run/events.js';
import { colourDiffLine, type Paint } from './colors.js';
import { showControls, visibleOutput } from './visible-text.js';

/** Lines of a failed step's output shown under it; the log file has the rest. */
const FAILED_OUTPUT_LINES = 40;

/** One line per step with its status and time; the output of a failed step under it. */
export function plainReporter(write: (text: string) => void, paint: Paint): RunListener {
  let nameWidth = 0;
  let file = '';
  let sessionId = '';
  return (event: RunEvent) => {
    switch (event.type) {
      case 'run-start': {
        const { plan } = event;
        const all = [...plan.steps, ...plan.teardown];
        nameWidth = Math.min(32, Math.max(8, ...all.map((step) => step.name.length)));
        file = plan.tutorial.file;
        sessionId = event.sessionId;
        write(
          `${paint('bold', showControls(plan.tutorial.title))} ${paint('dim', showControls(`(${plan.tutorial.id}, target ${plan.target.name}, ${all.length} steps, session ${event.sessionId})`))}\n`,
        );
        return;
      }
      case 'step-retry':
        write(
          `  ${paint('yellow', 'retry')} ${showControls(event.step.name).padEnd(nameWidth)} ${paint('dim', showControls(`${event.result.reason ?? ''}; again in ${formatDuration(event.delayMs)}`))}\n`,
        );
        return;
      case 'notice':
        write(`  ${paint('dim', showControls(event.text))}\n`);
        return;
      case 'step-end':
        write(stepLine(event.result, event.step, { file, sessionId }, nameWidth, paint));
        return;
      case 'run-end': {
        const all = [...event.result.steps, ...event.result.teardown];
        const count = (status: StepResult['status']) => all.filter((step) => step.status === status).length;
        const parts = [`${count('passed')} passed`, `${count('failed')} failed`];
        if (count('skipped') > 0) parts.push(`${count('skipped')} skipped`);
        if (count('not-run') > 0) parts.push(`${count('not-run')} not run`);
        const verdict =
          event.result.status === 'interrupted'
            ? paint('yellow', 'interrupted')
            : event.result.status === 'passed'
              ? paint('green', 'passed')
              : paint('red', 'failed');
        write(`${verdict}: ${parts.join(', ')} in ${formatDuration(event.result.durationMs)}\n`);
        return;
      }
      default:
    }
  };
}

function stepLine(
  result: StepResult,
  step: PlannedStep,
  run: { file: string; sessionId: string },
  nameWidth: number,
  paint: Paint,
): string {
  const { host } = step;
  const mark = { passed: paint('green', '✓'), failed: paint('red', '✗'), skipped: paint('yellow', '-'), 'not-run': paint('dim', '·') }[
    result.status
  ];
  const line = `${mark} ${showControls(result.name).padEnd(nameWidth)} ${paint('dim', showControls(host).padEnd(10))} ${formatDuration(result.durationMs).padStart(7)}`;
  if (result.status !== 'failed') {
    const note = result.snapshot ? `snapshot written: ${result.snapshot}` : result.reason;
    return `${line}${note ? paint('dim', `  ${showControls(note)}`) : ''}\n`;
  }
  const where = paint('dim', `  at ${run.file}:${step.line}  ${step.kind === 'command' ? '$ ' : ''}${firstLine(step.command)}`);
  const body = result.diff !== undefined ? diffLines(result.diff, paint) : outputTail(result, paint);
  return [
    `${line}  ${paint('red', showControls(result.reason ?? 'failed'))}`,
    where,
    ...body,
    paint('dim', `  log: ${result.logPath ?? '(none)'}`),
    // The whole output, however long: the tail above is cut.
    paint('dim', `  full log: alts-tutor logs ${run.sessionId} ${showControls(result.name)}`),
    '',
  ].join('\n');
}

function diffLines(diff: string, paint: Paint): string[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((text) => `  ${colourDiffLine(showControls(text), paint)}`);
}

/** The last lines a failed step printed; the log has the rest. */
function outputTail(result: StepResult, paint: Paint): string[] {
  if (result.output === '') return [paint('dim', '  │ (no output)')];
  const lines = result.output.replace(/\n$/, '').split('\n');
  const shown = lines.slice(-FAILED_OUTPUT_LINES);
  const omitted = lines.length > shown.length || result.outputBytes > Buffer.byteLength(result.output);
  const body = shown.map((text) => `  ${paint('dim', '│')} ${visibleOutput(text)}`);
  return omitted ? [paint('dim', '  │ … earlier output in the log'), ...body] : body;
}

function firstLine(text: string): string {
  const [first = '', ...rest] = text.split('\n');
  return showControls(rest.length > 0 ? `${first} …` : first);
}
