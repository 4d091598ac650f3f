import { Box, Text } from 'ink';
import { showControls } from '../../report/visible-text.js';
import { numberedLines } from '../numbered-lines.js';

export interface TopologyProps {
  /** A text diagram of the lab (hosts and links), as the tutorial or target gives it. */
  diagram: string;
  height?: number;
}

/** The lab's topology; lines are cut, never wrapped, so the drawing keeps its shape. */
export function Topology({ diagram, height }: TopologyProps) {
  const lines = diagram.replace(/\n+$/, '').split('\n');
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>── topology (t hides) </Text>
      {numberedLines(lines).map(({ number, line }) => (
        <Text key={number} wrap="truncate-end">
          {showControls(line) || ' '}
        </Text>
      ))}
    </Box>
  );
}
