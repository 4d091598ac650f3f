import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { formatDuration } from '../../format/durations.js';
import type { PlannedStep } from '../../plan/plan-steps.js';
import { showControls } from '../../report/visible-text.js';
import type { StepResult } from '../../run/events.js';
import { MarkdownText } from '../markdown-text.js';
import { numberedLines } from '../numbered-lines.js';
import { type Tint, useTint } from '../theme.js';
import type { TuiStepStatus } from '../tui-state.js';

export interface StepDetailProps {
  step: PlannedStep;
  index: number;
  total: number;
  status: TuiStepStatus;
  result?: StepResult;
  /** Lines it may use: the prose is cut first, the command and warning stay. */
  height?: number;
  /** Lines of a script shown before "… n more lines". */
  commandLines?: number;
  /** The run's variables: the values of those the command uses are shown under it. */
  variables?: ReadonlyArray<{ name: string; value: string; secret: boolean }>;
}

/** The selected step: what the tutorial says, the exact command (its `$VARS` marked), where it runs. */
export function StepDetail({ step, index, total, status, result, height, commandLines = 6, variables = [] }: StepDetailProps) {
  const tint = useTint();
  const used = variables.filter((variable) => new RegExp(`\\$\\{?${variable.name}\\b`).test(step.command));
  const lines = step.command.replace(/\n+$/, '').split('\n');
  const shown = lines.slice(0, commandLines);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Box flexShrink={0}>
        <Text wrap="truncate-end">
          <Text dimColor>{`Step ${index + 1}/${total} · `}</Text>
          <Text bold>{showControls(step.name)}</Text>
          <Text dimColor>{` · on ${showControls(step.host)}${step.background ? ' · background' : ''}`}</Text>
        </Text>
      </Box>
      {step.prose === '' ? null : (
        <Box flexDirection="column" flexShrink={1} overflow="hidden">
          <MarkdownText markdown={showControls(step.prose)} />
        </Box>
      )}
      <Box flexDirection="column" flexShrink={0}>
        {numberedLines(shown).map(({ number, line }) => (
          <Text key={number} wrap="truncate-end">
            <Text dimColor>{number === 0 ? (step.kind === 'command' ? '$ ' : '┃ ') : step.kind === 'command' ? '  ' : '┃ '}</Text>
            {highlightVariables(showControls(line), tint)}
          </Text>
        ))}
        {lines.length > shown.length ? <Text dimColor>{`  … ${lines.length - shown.length} more lines`}</Text> : null}
        {used.length > 0 ? (
          <Text wrap="truncate-end" dimColor>
            {`  with ${used.map((variable) => `${variable.name}=${variable.secret ? '[SECRET]' : showControls(variable.value)}`).join(' · ')}`}
          </Text>
        ) : null}
      </Box>
      {step.confirm ? (
        <Box flexShrink={0}>
          <Text color={tint('yellow')} wrap="truncate-end">
            ⚠ This step asks for confirmation before it runs: it may change things outside the lab.
          </Text>
        </Box>
      ) : null}
      {result ? <Box flexShrink={0}>{resultLine(status, result, tint)}</Box> : null}
      {status === 'failed' && result?.logPath ? (
        <Box flexShrink={0}>
          <Text dimColor wrap="truncate-end">
            {`full log: alts-tutor logs ${showControls(`${result.logPath.split('/').at(-3)} ${step.name}`)}`}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` in their own colour, so the person sees what they stand for. */
export function highlightVariables(line: string, tint: (color: Tint) => Tint | undefined): ReactNode[] {
  const nodes: ReactNode[] = [];
  // `${NAME:-default}` is marked whole: the default is part of what the person should check.
  const pattern = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g;
  let from = 0;
  let key = 0;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    if (match.index > from) nodes.push(<Text key={key++}>{line.slice(from, match.index)}</Text>);
    nodes.push(
      <Text key={key++} color={tint('magenta')} bold>
        {match[0]}
      </Text>,
    );
    from = match.index + match[0].length;
  }
  if (from < line.length) nodes.push(<Text key={key++}>{line.slice(from)}</Text>);
  return nodes;
}

function resultLine(status: TuiStepStatus, result: StepResult, tint: (color: Tint) => Tint | undefined): ReactNode {
  const parts = [formatDuration(result.durationMs)];
  if (result.attempts > 1) parts.push(`${result.attempts} attempts`);
  if (result.logPath) parts.push(`log ${result.logPath}`);
  const color: Tint | undefined = status === 'failed' ? 'red' : status === 'passed' || status === 'background-ready' ? 'green' : undefined;
  const verdict = status === 'failed' ? `failed: ${result.reason ?? `exit ${result.exitCode ?? '?'}`}` : status;
  return (
    <Text wrap="truncate-end">
      <Text color={color ? tint(color) : undefined}>{verdict}</Text>
      <Text dimColor>{` · ${parts.join(' · ')}`}</Text>
    </Text>
  );
}
