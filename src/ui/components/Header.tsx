import { Box, Text } from 'ink';
import { formatDuration } from '../../format/durations.js';
import { showControls } from '../../report/visible-text.js';
import { useTint } from '../theme.js';

export interface HeaderProps {
  title: string;
  target: string;
  hosts: readonly string[];
  passed: number;
  total: number;
  elapsedMs: number;
  /** Cloud resources the run created and has not deleted (`2 VMs, 1 firewall rule`): they cost money. */
  cloud?: string;
}

/** Two lines: the tutorial, then the target, its hosts, what runs in the cloud, progress and time. */
export function Header({ title, target, hosts, passed, total, elapsedMs, cloud }: HeaderProps) {
  const tint = useTint();
  const done = total > 0 && passed === total;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {showControls(title)}
      </Text>
      <Box>
        <Box flexGrow={1} flexShrink={1}>
          <Text dimColor wrap="truncate-end">
            {`target ${target} · hosts ${hosts.length > 0 ? hosts.join(', ') : 'local'}`}
          </Text>
        </Box>
        <Box flexShrink={0}>
          {cloud ? <Text color={tint('yellow')}>{` ☁ ${cloud} running ·`}</Text> : null}
          <Text color={done ? tint('green') : undefined}>{` ${passed}/${total} passed`}</Text>
          <Text dimColor>{` · ${formatElapsed(elapsedMs)}`}</Text>
        </Box>
      </Box>
    </Box>
  );
}

/** Whole seconds: a clock that shows milliseconds would change on every render. */
function formatElapsed(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  return seconds < 60 ? `${seconds}s` : formatDuration(seconds * 1000);
}
