import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Erase the screen and put the cursor home. */
const CLEAR = '\u001b[2J\u001b[H';

/**
 * The terminal's size, updated when it is resized (80x24 when the stream does not say).
 * A resize first clears the screen: the terminal may have rewrapped the old frame's rows,
 * which Ink would then erase by a wrong count and leave behind as garbage. The listener
 * goes before Ink's own, so the frame Ink draws next is already of the new size.
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => measure(stdout));
  useEffect(() => {
    const onResize = () => {
      if (stdout.isTTY) stdout.write(CLEAR);
      setSize(measure(stdout));
    };
    stdout.prependListener('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function measure(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
