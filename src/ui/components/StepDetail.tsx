import { Box, Text } from 'ink';
import { formatDuration } from '../../format/durations.js';
import type { PlannedStep } from '../../plan/plan-steps.js';
import { showControls } from '../../report/visible-text.js';
import type { StepResult } from '../../run/events.js';
import { markdownRows } from '../markdown-text.js';
import type { Tint } from '../theme.js';
import type { TuiStepStatus } from '../tui-state.js';
import { expandTabs, LineWrapper, type Row, type Segment, type SegmentStyle, wrapLine, wrapSegments } from '../wrap-rows.js';
import { Rows } from './Rows.js';

/** The output a page shows: lines already made visible (escapes dropped, controls shown). */
export interface PageOutput {
  lines: readonly string[];
  /** Earlier lines not held (the log has them). */
  dropped: number;
}

export interface StepPageInput {
  step: PlannedStep;
  index: number;
  total: number;
  status: TuiStepStatus;
  result?: StepResult;
  /** The run's variables: the values of those the command uses are shown under it. */
  variables?: ReadonlyArray<{ name: string; value: string; secret: boolean }>;
  output?: PageOutput;
  /** A mismatch's unified diff, shown in place of the output. */
  diff?: string;
  /** The page's closing prose, after the last step. */
  closing?: string;
  /** The prose before the step, when the run left steps out before it (page-leads.ts); else the step's own. */
  lead?: string;
  width: number;
  /** Wraps output lines at `width`, remembering them between layouts (App keeps one). */
  lines?: LineWrapper;
}

export interface StepPage {
  rows: Row[];
  /** Rows up to the end of the output (or of the command, before it runs): what following keeps in sight. */
  anchor: number;
  /** Row where the diff's heading stands, when a diff is shown: it goes to the top. */
  diffAt?: number;
}

const DIM: SegmentStyle = { dim: true };
const VARIABLE: SegmentStyle = { color: 'magenta', bold: true };

/**
 * The selected step as the page has it, laid out in rows of `width` columns: the prose before
 * it (the introduction, for the first), the exact command, where it runs, its result, its
 * output or diff, and after the last step the closing prose. Nothing is cut: what is longer
 * than a row wraps, and the view scrolls.
 */
export function stepPage(input: StepPageInput): StepPage {
  const { step, index, total, status, result, variables = [], output, diff, closing, width } = input;
  const lines = input.lines?.width === width ? input.lines : new LineWrapper(width);
  lines.nextPage();
  const rows: Row[] = [];
  const blank = () => rows.push([]);
  const paint = (segments: Segment[], words = true) => rows.push(...wrapSegments(segments, width, { words }));

  paint([
    { text: `Step ${index + 1}/${total} · `, style: DIM },
    { text: showControls(step.name), style: { bold: true } },
    { text: ` · on ${showControls(step.host)}${step.background ? ' · background' : ''}`, style: DIM },
  ]);
  const prose = input.lead ?? step.lead ?? step.prose;
  if (prose !== '') {
    blank();
    rows.push(...markdownRows(prose, width));
  }
  blank();
  rows.push(...commandRows(step, width));
  const used = variables.filter((variable) => new RegExp(`\\$\\{?${variable.name}\\b`).test(step.command));
  if (used.length > 0) {
    const values = used.map((variable) => `${variable.name}=${variable.secret ? '[SECRET]' : showControls(variable.value)}`);
    paint([{ text: `  with ${values.join(' · ')}`, style: DIM }]);
  }
  if (step.confirm) {
    paint([
      { text: '⚠ This step asks for confirmation before it runs: it may change things outside the lab.', style: { color: 'yellow' } },
    ]);
  }
  if (result) paint(resultSegments(status, result));
  if (status === 'failed' && result?.logPath) {
    paint([{ text: `full log: alts-tutor logs ${showControls(`${result.logPath.split('/').at(-3)} ${step.name}`)}`, style: DIM }]);
  }
  let diffAt: number | undefined;
  if (diff !== undefined) {
    blank();
    diffAt = rows.length;
    rows.push(...diffRows(diff, width));
  } else if (output && (output.lines.length > 0 || status !== 'pending')) {
    blank();
    const log = result?.logPath ? ' · l opens the full log' : '';
    paint([{ text: `── output${log}`, style: DIM }]);
    if (output.dropped > 0) paint([{ text: `… ${output.dropped} earlier lines: l opens the full log`, style: DIM }]);
    for (const line of output.lines) for (const text of lines.wrap(line)) rows.push(text === '' ? [] : [{ text }]);
    if (output.lines.length === 0) paint([{ text: status === 'running' ? '(no output yet)' : '(no output)', style: DIM }]);
  }
  const anchor = rows.length;
  if (closing !== undefined && closing !== '') {
    blank();
    paint([{ text: '── after the last step', style: DIM }]);
    rows.push(...markdownRows(closing, width));
  }
  return { rows, anchor, ...(diffAt !== undefined && { diffAt }) };
}

/** The command as it will run, every line, wrapped at the width; `$VARS` marked. */
function commandRows(step: PlannedStep, width: number): Row[] {
  const lines = step.command.replace(/\n+$/, '').split('\n');
  const script = step.kind !== 'command';
  return lines.flatMap((line, number) => {
    const first: Segment = { text: script ? '┃ ' : number === 0 ? '$ ' : '  ', style: DIM };
    const rest: Segment = { text: script ? '┃ ' : '  ', style: DIM };
    return wrapSegments(highlightVariables(expandTabs(showControls(line))), width, { first, rest });
  });
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` in their own colour, so the person sees what they stand for. */
export function highlightVariables(line: string): Segment[] {
  const segments: Segment[] = [];
  // `${NAME:-default}` is marked whole: the default is part of what the person should check.
  const pattern = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g;
  let from = 0;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    if (match.index > from) segments.push({ text: line.slice(from, match.index) });
    segments.push({ text: match[0], style: VARIABLE });
    from = match.index + match[0].length;
  }
  if (from < line.length || segments.length === 0) segments.push({ text: line.slice(from) });
  return segments;
}

function resultSegments(status: TuiStepStatus, result: StepResult): Segment[] {
  const parts = [formatDuration(result.durationMs)];
  if (result.attempts > 1) parts.push(`${result.attempts} attempts`);
  if (result.logPath) parts.push(`log ${showControls(result.logPath)}`);
  const color: Tint | undefined = status === 'failed' ? 'red' : status === 'passed' || status === 'background-ready' ? 'green' : undefined;
  const verdict = status === 'failed' ? `failed: ${showControls(result.reason ?? `exit ${result.exitCode ?? '?'}`)}` : status;
  return [color ? { text: verdict, style: { color } } : { text: verdict }, { text: ` · ${parts.join(' · ')}`, style: DIM }];
}

function diffRows(diff: string, width: number): Row[] {
  const rows: Row[] = [[{ text: '── output mismatch (expected → actual)', style: { bold: true } }]];
  for (const line of diff.replace(/\n$/, '').split('\n')) {
    const color = diffLineColor(line);
    const bold = line.startsWith('+++') || line.startsWith('---');
    const style: SegmentStyle | undefined = color ? { color, bold } : bold ? { bold } : undefined;
    for (const text of wrapLine(expandTabs(showControls(line)), width)) rows.push(text === '' ? [] : [style ? { text, style } : { text }]);
  }
  rows.push(...wrapSegments([{ text: 'u accept as snapshot · r retry · d shows the output', style: DIM }], width, { words: true }));
  return rows;
}

export function diffLineColor(line: string): Tint | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return undefined;
  if (line.startsWith('@@')) return 'cyan';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  return undefined;
}

export interface StepDetailProps {
  page: StepPage;
  /** First row shown. */
  top: number;
  height: number;
  /** ↑/↓ scroll the page rather than move the selection. */
  focused?: boolean;
}

/** A window of `height` rows of the page from `top`; a last row says what is above and below when it does not fit. */
export function StepDetail({ page, top, height, focused = false }: StepDetailProps) {
  const total = page.rows.length;
  const fits = total <= height;
  const room = fits ? height : Math.max(1, height - 1);
  const from = Math.max(0, Math.min(top, total - room));
  const shown = page.rows.slice(from, from + room);
  const below = total - from - shown.length;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Rows rows={shown} from={from} />
      {fits ? null : (
        <Text dimColor={!focused} bold={focused} wrap="truncate-end">
          {`${from > 0 ? `↑ ${from}` : '↑ 0'} · ↓ ${below} more · PgUp/PgDn${focused ? ' ↑/↓' : ''} scroll · End follows`}
        </Text>
      )}
    </Box>
  );
}

/** Where the view starts when it follows: the anchor at its bottom edge, or the diff at its top. */
export function followTop(page: StepPage, height: number): number {
  const total = page.rows.length;
  const room = total <= height ? height : Math.max(1, height - 1);
  const max = Math.max(0, total - room);
  const wanted = page.diffAt !== undefined ? Math.max(0, page.diffAt - 2) : page.anchor - room;
  return Math.max(0, Math.min(max, wanted));
}

/** The last row the view can start at. */
export function maxTop(page: StepPage, height: number): number {
  const total = page.rows.length;
  return total <= height ? 0 : Math.max(0, total - Math.max(1, height - 1));
}
