import { withoutEscapes } from '../escape-sequences.js';
import { formatDuration } from '../format/durations.js';
import { isFailure, type Report, reportTotals, type StepReport, type TutorialReport } from './report-model.js';

/** Lines of a diff or output an annotation carries; the summary and the log have the rest. */
const ANNOTATION_LINES = 30;

/**
 * GitHub Actions workflow commands: an `::error` annotation at the line of each failed step
 * (the failing command's line for a script), and one for each tutorial problem. GitHub shows
 * them on the file in the pull request and in the run's summary.
 */
export function githubAnnotations(report: Report): string {
  const lines: string[] = [];
  for (const tutorial of report.tutorials) {
    for (const problem of tutorial.problems) {
      lines.push(command('error', { file: tutorial.file, title: `${tutorial.id}: cannot be tested` }, problem));
    }
    for (const step of tutorial.steps.filter((entry) => entry.status === 'failed')) {
      const line = step.errorLine === undefined ? step.line : step.line + step.errorLine - 1;
      const body = withoutEscapes(step.diff ?? step.output)
        .replace(/\n$/, '')
        .split('\n');
      const shown = body.length > ANNOTATION_LINES ? [...body.slice(0, ANNOTATION_LINES), '…'] : body;
      const message = [step.reason ?? 'failed', ...(shown.join('') === '' ? [] : shown)].join('\n');
      lines.push(command('error', { file: tutorial.file, line: String(line), title: `${tutorial.id}: step ${step.name} failed` }, message));
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** `::name key=value,…::message`, escaped as GitHub's runner unescapes it. */
export function command(name: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The job summary (Markdown, appended to `$GITHUB_STEP_SUMMARY`): a table of tutorials, then each failure's diff. */
export function githubSummary(report: Report): string {
  const totals = reportTotals(report);
  const verdict = totals.tutorialsFailed > 0 ? '❌ failed' : '✅ passed';
  const out = [
    `## alts-tutor: ${verdict}`,
    '',
    `${totals.tutorials} tutorials, ${totals.tutorialsFailed} failed${totals.tutorialsSkipped > 0 ? `, ${totals.tutorialsSkipped} skipped` : ''}; steps: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped + totals.notRun} not run; ${formatDuration(totals.durationMs)}`,
    '',
    '| | tutorial | target | steps | time |',
    '|---|---|---|---|---|',
    ...report.tutorials.map(
      (tutorial) =>
        `| ${icon(tutorial)} | ${cell(tutorial.id)} | ${cell(tutorial.target ?? '')} | ${stepCounts(tutorial)} | ${formatDuration(tutorial.durationMs)} |`,
    ),
    '',
  ];
  for (const tutorial of report.tutorials) {
    for (const problem of tutorial.problems) out.push(`**${cell(tutorial.id)}** (${cell(tutorial.file)}): ${cell(problem)}`, '');
    for (const step of tutorial.steps.filter((entry) => entry.status === 'failed')) out.push(...failureSection(tutorial, step));
  }
  return `${out.join('\n')}\n`;
}

function failureSection(tutorial: TutorialReport, step: StepReport): string[] {
  const line = step.errorLine === undefined ? step.line : step.line + step.errorLine - 1;
  const body = withoutEscapes(step.diff ?? step.output);
  return [
    '<details open>',
    `<summary>❌ <b>${html(tutorial.id)}</b> step <b>${html(step.name)}</b> at <code>${html(`${tutorial.file}:${line}`)}</code>: ${html(step.reason ?? 'failed')}</summary>`,
    '',
    ...(body === '' ? ['(no output)'] : fenced(body, step.diff !== undefined ? 'diff' : 'text')),
    '',
    '</details>',
    '',
  ];
}

/** A code block whose fence is longer than any run of backticks in the text, so the text cannot end it. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text.replace(/\n$/, ''), fence];
}

function icon(tutorial: TutorialReport): string {
  if (tutorial.status === 'skipped') return '⏭️';
  return isFailure(tutorial.status) ? '❌' : '✅';
}

function stepCounts(tutorial: TutorialReport): string {
  if (tutorial.status === 'skipped') return cell(`skipped: ${tutorial.skipReason ?? ''}`);
  const count = (status: StepReport['status']) => tutorial.steps.filter((step) => step.status === status).length;
  return `${count('passed')} passed, ${count('failed')} failed${count('not-run') + count('skipped') > 0 ? `, ${count('not-run') + count('skipped')} not run` : ''}`;
}

/** Text for a Markdown table cell or paragraph: no markup, no line break, no cell separator. */
function cell(text: string): string {
  return html(withoutEscapes(text))
    .replace(/\r?\n/g, ' ')
    .replace(/[|\\`*_[\]]/g, (character) => `\\${character}`);
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
