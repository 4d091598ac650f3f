import { Text } from 'ink';
import { useTicker } from '../hooks/use-ticker.js';
import { useTint } from '../theme.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Its own ticker, so that only the spinner re-renders while a step runs. */
export function Spinner() {
  const tint = useTint();
  const tick = useTicker(120);
  return <Text color={tint('cyan')}>{FRAMES[tick % FRAMES.length]}</Text>;
}
