import { Box, Text } from 'ink';
import { type Tint, useTint } from '../theme.js';

export type FooterMode = 'steps' | 'confirm' | 'edit' | 'quitting';

export interface FooterProps {
  mode: FooterMode;
  /** What just happened, or what the person should do next. */
  notice?: string;
  noticeColor?: Tint;
}

const KEYS: Record<FooterMode, Array<[key: string, action: string]>> = {
  steps: [
    ['Enter', 'run'],
    ['a', 'run all'],
    ['s', 'skip'],
    ['r', 'retry'],
    ['e', 'edit var'],
    ['d', 'diff'],
    ['u', 'accept'],
    ['↑/↓', 'move'],
    ['Tab', 'pane'],
    ['t', 'topology'],
    ['q', 'quit'],
  ],
  confirm: [
    ['Enter', 'run it'],
    ['s', 'skip it'],
    ['Esc', 'stop run all'],
    ['q', 'quit'],
  ],
  edit: [
    ['Enter', 'set'],
    ['Esc', 'cancel'],
  ],
  quitting: [],
};

/** The notice line, then the keys that work now. */
export function Footer({ mode, notice, noticeColor }: FooterProps) {
  const tint = useTint();
  const keys = KEYS[mode];
  return (
    <Box flexDirection="column">
      <Text color={noticeColor ? tint(noticeColor) : undefined} wrap="truncate-end">
        {notice ?? ' '}
      </Text>
      {/* Each key with its action wraps as one piece. */}
      <Box flexWrap="wrap">
        {keys.map(([key, action], index) => (
          <Box key={key} flexShrink={0}>
            <Text>
              <Text bold>{key}</Text>
              <Text dimColor>{` ${action}${index < keys.length - 1 ? ' · ' : ''}`}</Text>
            </Text>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
