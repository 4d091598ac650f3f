import { spawnSync } from 'node:child_process';
import { useStdin, useStdout } from 'ink';
import { useCallback } from 'react';

/** Erase the screen, cursor home, cursor hidden: the pager's last screen gone before Ink draws its frame again. */
const CLEAR = '\u001b[2J\u001b[H\u001b[?25l';

/**
 * Shows a file in `$PAGER` (`less -R` when unset) on the TUI's terminal and comes back: raw
 * mode is given up while the pager runs (it reads the keys), and afterwards the screen is
 * cleared and Ink draws its frame again (Ink's `write` erases its frame, writes, and restores
 * it). The pager runs synchronously: nothing renders over it. Resolves with a problem to
 * tell, or undefined.
 */
export function usePager(onLeave: () => void, onBack: () => void): (file: string) => string | undefined {
  const { stdin } = useStdin();
  const { write } = useStdout();
  return useCallback(
    (file: string) => {
      const pager = process.env.PAGER?.trim() || 'less -R';
      onLeave();
      const raw = stdin.isTTY && stdin.isRaw;
      if (raw) stdin.setRawMode(false);
      const result = spawnSync('/bin/sh', ['-c', `${pager} "$1"`, 'sh', file], { stdio: 'inherit' });
      if (raw) stdin.setRawMode(true);
      write(CLEAR);
      onBack();
      if (result.error) return `${pager} could not start: ${result.error.message}`;
      if (result.status === 127) return `${pager} is not installed: set PAGER to a pager you have`;
      return undefined;
    },
    [stdin, write, onLeave, onBack],
  );
}
