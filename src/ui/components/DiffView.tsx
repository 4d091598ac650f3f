import { Box, Text } from 'ink';
import { showControls } from '../../report/visible-text.js';
import { numberedLines } from '../numbered-lines.js';
import { type Tint, useTint } from '../theme.js';

export interface DiffViewProps {
  /** A unified diff: expected against actual. */
  diff: string;
  height: number;
  /** Lines scrolled down from the top. */
  scroll?: number;
}

/** A step's output mismatch, coloured, with what the person can do about it. */
export function DiffView({ diff, height, scroll = 0 }: DiffViewProps) {
  const tint = useTint();
  const lines = diff.replace(/\n$/, '').split('\n');
  const room = Math.max(1, height - 2);
  const from = Math.max(0, Math.min(scroll, lines.length - room));
  const shown = lines.slice(from, from + room);
  const below = lines.length - from - shown.length;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate-end">
        {`── output mismatch (expected → actual)${from > 0 ? ` · ↑ ${from}` : ''}${below > 0 ? ` · ↓ ${below} more` : ''} `}
      </Text>
      {numberedLines(shown, from).map(({ number, line }) => {
        const color = diffLineColor(line);
        return (
          <Text
            key={number}
            color={color ? tint(color) : undefined}
            bold={line.startsWith('+++') || line.startsWith('---')}
            wrap="truncate-end"
          >
            {showControls(line.replace(/\t/g, '  ')) || ' '}
          </Text>
        );
      })}
      <Text dimColor>u accept as snapshot · r retry</Text>
    </Box>
  );
}

export function diffLineColor(line: string): Tint | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return undefined;
  if (line.startsWith('@@')) return 'cyan';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  return undefined;
}
