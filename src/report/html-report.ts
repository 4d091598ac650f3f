import { withoutEscapes } from '../escape-sequences.js';
import { formatDuration } from '../format/durations.js';
import { ansiToHtml, escapeHtml } from './ansi-html.js';
import { isFailure, type Report, reportTotals, type StepReport, type TutorialReport } from './report-model.js';
import { showControls } from './visible-text.js';

/**
 * The HTML report: one self-contained file (inline CSS, no script, no external URL, and a
 * Content-Security-Policy that forbids loading anything), so it opens from a CI artifact as it
 * is. Tutorial → step → command, diff and output, colours kept. Everything from the tutorials
 * and their outputs is escaped: a document is hostile input.
 */
export function renderHtml(report: Report): string {
  const totals = reportTotals(report);
  const verdict = totals.tutorialsFailed > 0 ? 'failed' : 'passed';
  const summary = [
    `${totals.tutorials} tutorials`,
    `${totals.tutorialsFailed} failed`,
    ...(totals.tutorialsSkipped > 0 ? [`${totals.tutorialsSkipped} skipped`] : []),
    `steps: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped + totals.notRun} not run`,
    formatDuration(totals.durationMs),
  ].join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>alts-tutor report: ${verdict}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1><span class="badge ${verdict}">${verdict}</span> alts-tutor test report</h1>
<p class="totals">${escapeHtml(summary)}</p>
<label class="filter"><input type="checkbox" id="only-failures"> failures only</label>
</header>
<main>
${report.tutorials.map(tutorialHtml).join('\n')}
</main>
</body>
</html>
`;
}

function tutorialHtml(tutorial: TutorialReport): string {
  const failed = isFailure(tutorial.status);
  const where = tutorial.target === undefined ? tutorial.id : `${tutorial.id} (${tutorial.target})`;
  const parts = [
    `<details class="tutorial ${failed ? 'failure' : 'success'}"${failed ? ' open' : ''}>`,
    `<summary><span class="badge ${tutorial.status}">${tutorial.status}</span> <b>${text(tutorial.title)}</b> <code>${text(where)}</code> <span class="file">${text(tutorial.file)}</span> <span class="time">${formatDuration(tutorial.durationMs)}</span></summary>`,
  ];
  if (tutorial.skipReason !== undefined) parts.push(`<p class="skip">${text(tutorial.skipReason)}</p>`);
  for (const problem of tutorial.problems) parts.push(`<pre class="problem">${text(problem)}</pre>`);
  if (tutorial.steps.length > 0) parts.push(`<ol class="steps">${tutorial.steps.map((step) => stepHtml(step, tutorial)).join('\n')}</ol>`);
  parts.push('</details>');
  return parts.join('\n');
}

const MARKS: Record<StepReport['status'], string> = { passed: '✓', failed: '✗', skipped: '-', 'not-run': '·' };

function stepHtml(step: StepReport, tutorial: TutorialReport): string {
  const failed = step.status === 'failed';
  const line = step.errorLine === undefined ? step.line : step.line + step.errorLine - 1;
  const parts = [
    `<li class="step ${step.status}"><details${failed ? ' open' : ''}>`,
    `<summary><span class="mark">${MARKS[step.status]}</span> <b>${text(step.name)}</b> <span class="host">${text(step.host)}</span> ${step.status === 'not-run' ? '' : `<span class="time">${formatDuration(step.durationMs)}</span> `}<span class="file">${text(`${tutorial.file}:${line}`)}</span>${step.reason ? ` <span class="reason">${text(step.reason)}</span>` : ''}</summary>`,
    `<h4>command</h4><pre class="command">${text(step.command)}</pre>`,
  ];
  if (step.diff !== undefined) parts.push(`<h4>diff (expected − / actual +)</h4><pre class="diff">${diffHtml(step.diff)}</pre>`);
  if (step.output !== '') {
    const cut = step.outputCut
      ? `<p class="cut">earlier output left out; the whole of it is in ${text(step.logPath ?? 'the log')}</p>`
      : '';
    parts.push(`<h4>output</h4>${cut}<pre class="output">${ansiToHtml(step.output)}</pre>`);
  } else if (step.status !== 'not-run') {
    parts.push('<p class="none">(no output)</p>');
  }
  parts.push('</details></li>');
  return parts.join('\n');
}

function diffHtml(diff: string): string {
  return (
    withoutEscapes(diff)
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => {
        const kind =
          line.startsWith('+++') || line.startsWith('---')
            ? 'head'
            : line.startsWith('@@')
              ? 'hunk'
              : line.startsWith('+')
                ? 'add'
                : line.startsWith('-')
                  ? 'del'
                  : 'same';
        return `<span class="${kind}">${text(line) || ' '}</span>`;
      })
      // Each line is a block of its own: a newline between them would show as a blank line.
      .join('')
  );
}

/** Document or output text for the page: control characters shown, markup escaped. */
function text(value: string): string {
  return escapeHtml(showControls(value));
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --pre: #0d1117; --pre-fg: #e6edf3;
  --pass: #1a7f37; --fail: #cf222e; --skip: #9a6700; --add: #2ea04366; --del: #f8514966; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --pre: #010409; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 20px; }
.totals { margin: 0; color: var(--muted); }
.filter { display: inline-block; margin-top: 8px; color: var(--muted); }
main { padding: 16px 24px; }
body:has(#only-failures:checked) .tutorial.success, body:has(#only-failures:checked) .step.passed { display: none; }
details.tutorial { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 12px; padding: 0 12px; }
details.tutorial > summary { padding: 10px 0; cursor: pointer; font-size: 15px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--muted); vertical-align: 2px; }
.badge.passed { background: var(--pass); } .badge.failed, .badge.error, .badge.interrupted { background: var(--fail); } .badge.skipped { background: var(--skip); }
.file, .host, .time { color: var(--muted); font-size: 12px; margin-left: 6px; }
code, pre, .file { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ol.steps { list-style: none; margin: 0 0 10px; padding: 0; }
.step > details > summary { padding: 4px 0; cursor: pointer; }
.step .mark { display: inline-block; width: 1.2em; text-align: center; font-weight: bold; }
.step.passed .mark { color: var(--pass); } .step.failed .mark, .step.failed .reason { color: var(--fail); } .step.skipped .mark { color: var(--skip); } .step.not-run { color: var(--muted); }
.reason { margin-left: 8px; }
h4 { margin: 8px 0 2px 1.6em; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
pre { margin: 0 0 6px 1.6em; padding: 8px 10px; border-radius: 6px; background: var(--pre); color: var(--pre-fg); overflow: auto; max-height: 32em; white-space: pre-wrap; word-break: break-word; font-size: 12.5px; }
pre.diff span { display: block; } pre.diff .add { background: var(--add); } pre.diff .del { background: var(--del); } pre.diff .hunk { color: #79c0ff; } pre.diff .head { font-weight: bold; }
pre.problem { border-left: 4px solid var(--fail); }
.skip, .none, .cut { margin: 4px 0 6px 1.6em; color: var(--muted); }
`;
