import { withoutEscapes } from '../escape-sequences.js';
import { type Report, reportTotals, type StepReport, type TutorialReport } from './report-model.js';

/**
 * JUnit XML as CI systems read it: one `<testsuite>` per tutorial, one `<testcase>` per step
 * with the tutorial's file and the step's line, the step's output (its last lines) in
 * `<system-out>`, the diff (or the output) of a failed step as the failure's text. A skipped
 * tutorial is a suite of one skipped case; a tutorial's problem is an `<error>` case.
 */
export function renderJunit(report: Report): string {
  const totals = reportTotals(report);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="alts-tutor" tests="${report.tutorials.reduce((sum, tutorial) => sum + caseCount(tutorial), 0)}" failures="${totals.failed}" errors="${report.tutorials.reduce((sum, tutorial) => sum + errorCount(tutorial), 0)}" skipped="${report.tutorials.reduce((sum, tutorial) => sum + skippedCount(tutorial), 0)}" time="${seconds(totals.durationMs)}">`,
  ];
  for (const tutorial of report.tutorials) {
    const name = suiteName(tutorial);
    const failures = tutorial.steps.filter((step) => step.status === 'failed').length;
    lines.push(
      `  <testsuite name="${xml(name)}" tests="${caseCount(tutorial)}" failures="${failures}" errors="${errorCount(tutorial)}" skipped="${skippedCount(tutorial)}" time="${seconds(tutorial.durationMs)}"${tutorial.startedAt ? ` timestamp="${xml(tutorial.startedAt.slice(0, 19))}"` : ''} file="${xml(tutorial.file)}">`,
    );
    const tutorialCase = `classname="${xml(name)}" name="(tutorial)" time="0" file="${xml(tutorial.file)}"`;
    if (tutorial.status === 'skipped') {
      lines.push(
        `    <testcase ${tutorialCase}>`,
        `      <skipped message="${xml(tutorial.skipReason ?? 'skipped')}"/>`,
        '    </testcase>',
      );
    }
    for (const message of tutorial.problems) {
      lines.push(
        `    <testcase ${tutorialCase}>`,
        `      <error message="${xml(firstLine(message))}">${xml(message)}</error>`,
        '    </testcase>',
      );
    }
    for (const step of tutorial.steps) lines.push(...testcase(step, name, tutorial.file));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testcase(step: StepReport, suite: string, file: string): string[] {
  const attributes = `classname="${xml(suite)}" name="${xml(step.name)}" time="${seconds(step.durationMs)}" file="${xml(file)}" line="${step.line}"`;
  const body: string[] = [];
  if (step.status === 'failed') {
    const text = step.diff ?? step.output;
    body.push(`      <failure message="${xml(step.reason ?? 'failed')}" type="${failureType(step)}">${xml(text)}</failure>`);
  } else if (step.status !== 'passed') {
    const message = step.status === 'skipped' ? (step.reason ?? 'skipped') : 'not run: an earlier step failed';
    body.push(`      <skipped message="${xml(message)}"/>`);
  }
  if (step.output !== '') {
    const cut = step.outputCut ? `[earlier output left out; the whole of it is in ${step.logPath ?? 'the log'}]\n` : '';
    body.push(`      <system-out>${xml(cut + step.output)}</system-out>`);
  }
  return body.length === 0 ? [`    <testcase ${attributes}/>`] : [`    <testcase ${attributes}>`, ...body, '    </testcase>'];
}

function suiteName(tutorial: TutorialReport): string {
  return tutorial.target === undefined ? tutorial.id : `${tutorial.id} (${tutorial.target})`;
}

function caseCount(tutorial: TutorialReport): number {
  return tutorial.steps.length + tutorial.problems.length + (tutorial.status === 'skipped' ? 1 : 0);
}

function errorCount(tutorial: TutorialReport): number {
  return tutorial.problems.length;
}

function skippedCount(tutorial: TutorialReport): number {
  const steps = tutorial.steps.filter((step) => step.status === 'skipped' || step.status === 'not-run').length;
  return steps + (tutorial.status === 'skipped' ? 1 : 0);
}

function failureType(step: StepReport): string {
  if (step.diff !== undefined) return 'mismatch';
  if (step.timedOut) return 'timeout';
  return 'exit-status';
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/**
 * Escapes text for XML: terminal escape sequences dropped (no "[31m" litter), then every
 * character XML 1.0 cannot hold (other control codes, lone surrogates).
 */
export function xml(text: string): string {
  return withoutEscapes(text)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
