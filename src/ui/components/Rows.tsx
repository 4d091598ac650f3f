import { Box, Text } from 'ink';
import { useTint } from '../theme.js';
import type { Row } from '../wrap-rows.js';

export interface RowsProps {
  /** Rows already wrapped to the width they are shown at. */
  rows: readonly Row[];
  /** Keys for the rows: the index of the first one in its page, so scrolling re-uses nodes. */
  from?: number;
}

/** Pre-wrapped rows, one terminal row each, styled through the theme (NO_COLOR drops colours). */
export function Rows({ rows, from = 0 }: RowsProps) {
  const tint = useTint();
  return (
    <Box flexDirection="column" flexShrink={0}>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is where it stands in the page
        <Text key={from + index} wrap="truncate-end">
          {row.length === 0
            ? ' '
            : row.map((segment, part) => (
                <Text
                  // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their place
                  key={part}
                  color={segment.style?.color ? tint(segment.style.color) : undefined}
                  bold={segment.style?.bold}
                  dimColor={segment.style?.dim}
                  italic={segment.style?.italic}
                  underline={segment.style?.underline}
                  strikethrough={segment.style?.strikethrough}
                  inverse={segment.style?.inverse}
                >
                  {segment.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
