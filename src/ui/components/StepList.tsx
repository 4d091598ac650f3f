import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { PlannedStep } from '../../plan/plan-steps.js';
import { showControls } from '../../report/visible-text.js';
import { type Tint, useTint } from '../theme.js';
import type { TuiStepStatus } from '../tui-state.js';
import { textWidth } from '../wrap-rows.js';
import { Spinner } from './Spinner.js';

export interface StepListProps {
  steps: readonly PlannedStep[];
  statuses: readonly TuiStepStatus[];
  selected: number;
  /** Rows the list may use: it shows a window of them around the selected step. */
  height: number;
  width: number;
  /** ↑/↓ move the selection (rather than scroll the output). */
  focused: boolean;
}

type Row = { kind: 'section'; title: string } | { kind: 'step'; index: number };

const ICONS: Record<Exclude<TuiStepStatus, 'running'>, { icon: string; color?: Tint }> = {
  pending: { icon: '○' },
  passed: { icon: '✓', color: 'green' },
  failed: { icon: '✗', color: 'red' },
  skipped: { icon: '-', color: 'yellow' },
  'not-run': { icon: '·', color: 'gray' },
  'background-ready': { icon: '●', color: 'green' },
};

/** Every step under its section with host and status; a window of them when they do not fit. */
export function StepList({ steps, statuses, selected, height, width, focused }: StepListProps) {
  const tint = useTint();
  const rows = listRows(steps);
  const selectedRow = rows.findIndex((row) => row.kind === 'step' && row.index === selected);
  const { start, end } = listWindow(rows.length, selectedRow, Math.max(1, height));
  const shown: ReactNode[] = [];
  for (let row = start; row < end; row++) {
    const entry = rows[row];
    if (!entry) continue;
    if ((row === start && start > 0) || (row === end - 1 && end < rows.length)) {
      const hidden = row === start ? start : rows.length - end;
      shown.push(
        <Text key={`more-${row}`} dimColor>
          {row === start ? `↑ ${hidden + 1} more` : `↓ ${hidden + 1} more`}
        </Text>,
      );
    } else if (entry.kind === 'section') {
      shown.push(
        <Text key={`section-${row}`} bold wrap="truncate-end">
          {showControls(entry.title)}
        </Text>,
      );
    } else {
      const step = steps[entry.index];
      const status = statuses[entry.index] ?? 'pending';
      if (step) {
        shown.push(
          <StepRow
            key={`step-${step.name}`}
            step={step}
            status={status}
            selected={entry.index === selected}
            focused={focused}
            tint={tint}
            width={width}
          />,
        );
      }
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown}
    </Box>
  );
}

function StepRow(props: {
  step: PlannedStep;
  status: TuiStepStatus;
  selected: boolean;
  focused: boolean;
  tint: (color: Tint) => Tint | undefined;
  width: number;
}) {
  const { step, status, selected, focused, tint, width } = props;
  const look = status === 'running' ? undefined : ICONS[status];
  const note = step.background ? (status === 'background-ready' ? ' ready' : ' bg') : '';
  // The name matters more than the host: in a narrow list the host goes when both do not fit.
  const host = textWidth(showControls(step.name)) + textWidth(` ${step.host}${note}`) + 3 <= width ? ` ${step.host}` : '';
  return (
    <Box>
      <Text>{selected ? '›' : ' '}</Text>
      <Box width={2} flexShrink={0}>
        {look ? <Text color={look.color ? tint(look.color) : undefined}>{look.icon}</Text> : <Spinner />}
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end" inverse={selected && focused} bold={selected}>
          {showControls(step.name)}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor>{showControls(`${host}${note}`)}</Text>
      </Box>
    </Box>
  );
}

/**
 * The list collapsed to one row, for narrow terminals: where the selected step stands, its
 * status and name, and each step's status as a strip, so the page keeps the screen.
 */
export function StepStrip({ steps, statuses, selected, width }: Omit<StepListProps, 'height' | 'focused'>) {
  const tint = useTint();
  const step = steps[selected];
  const status = statuses[selected] ?? 'pending';
  const look = status === 'running' ? undefined : ICONS[status];
  const position = `${selected + 1}/${steps.length} `;
  // The strip of every step's icon, when it leaves room for a name.
  const strip =
    steps.length <= width / 3 ? ` ${steps.map((_, index) => stripIcon(statuses[index] ?? 'pending', index === selected)).join('')}` : '';
  return (
    <Box width={width} flexShrink={0}>
      <Text dimColor>{position}</Text>
      <Box width={2} flexShrink={0}>
        {look ? <Text color={look.color ? tint(look.color) : undefined}>{look.icon}</Text> : <Spinner />}
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text bold wrap="truncate-end">
          {step ? showControls(step.name) : ''}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text dimColor>{strip}</Text>
      </Box>
    </Box>
  );
}

function stripIcon(status: TuiStepStatus, selected: boolean): string {
  const icon = status === 'running' ? '▸' : ICONS[status].icon;
  return selected ? `[${icon}]` : icon;
}

/** The list's rows: a section title wherever the section changes, then its steps. */
export function listRows(steps: readonly PlannedStep[]): Row[] {
  const rows: Row[] = [];
  let section: string | undefined;
  steps.forEach((step, index) => {
    if (step.section !== section && step.section !== '') rows.push({ kind: 'section', title: step.section });
    section = step.section;
    rows.push({ kind: 'step', index });
  });
  return rows;
}

/** Rows [start, end) of `total` to show in `height` rows so that `selected` is in view, a little above the middle. */
export function listWindow(total: number, selected: number, height: number): { start: number; end: number } {
  if (total <= height) return { start: 0, end: total };
  const wanted = Math.max(0, selected) - Math.floor((height - 1) / 3);
  const start = Math.max(0, Math.min(total - height, wanted));
  return { start, end: start + height };
}
