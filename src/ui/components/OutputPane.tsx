import { Box, Text } from 'ink';
import { showControls } from '../../report/visible-text.js';
import { numberedLines } from '../numbered-lines.js';

export interface OutputPaneProps {
  /** The lines to show, already cut to fit (the tail of the output buffer, or a finished step's output). */
  lines: readonly string[];
  height: number;
  /** ↑/↓ scroll the pane (Tab switches). */
  focused: boolean;
  /** Whose output it is. */
  title: string;
  /** Lines the pane is scrolled up from the tail. */
  scroll?: number;
}

/** The tail of a step's output, one terminal row per line. */
export function OutputPane({ lines, height, focused, title, scroll = 0 }: OutputPaneProps) {
  const room = Math.max(0, height - 1);
  const shown = lines.slice(-room);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text dimColor={!focused} bold={focused} wrap="truncate-end">
        {`── ${showControls(title)}${scroll > 0 ? ` · ↑ ${scroll} lines` : ''}${focused ? ' · ↑/↓ scroll, Tab back' : ''} `}
      </Text>
      {shown.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
      {numberedLines(shown).map(({ number, line }) => (
        <Text key={number} wrap="truncate-end">
          {showControls(line.replace(/\t/g, '  ')) || ' '}
        </Text>
      ))}
    </Box>
  );
}
