import { useStdout } from 'ink';
import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';

/** Button events in SGR form: the wheel arrives as `ESC [ < 64;x;y M` (up) and `65` (down). */
const MOUSE_ON = '\u001b[?1000h\u001b[?1006h';
const MOUSE_OFF = '\u001b[?1000l\u001b[?1006l';

export interface MouseWheel {
  /** Turns reporting on or off (`m`; off while a pager runs). */
  set(on: boolean): void;
  readonly on: boolean;
}

/**
 * Mouse reporting while the TUI is up, for the wheel to scroll the page. It is turned off on
 * unmount (a layout effect: it runs inside Ink's unmount, which Ink also does on a signal) and,
 * should the process end otherwise, on its `exit`; the terminal is never left reporting.
 */
export function useMouseWheel(): MouseWheel {
  const { stdout } = useStdout();
  const state = useRef({ on: false });
  const set = useCallback(
    (on: boolean) => {
      if (!stdout.isTTY || state.current.on === on) return;
      state.current.on = on;
      stdout.write(on ? MOUSE_ON : MOUSE_OFF);
    },
    [stdout],
  );
  useLayoutEffect(() => {
    if (!stdout.isTTY || process.env.ALTS_TUTOR_MOUSE === '0') return;
    set(true);
    const off = () => set(false);
    process.once('exit', off);
    return () => {
      process.off('exit', off);
      off();
    };
  }, [stdout, set]);
  return useMemo(
    () => ({
      set,
      get on() {
        return state.current.on;
      },
    }),
    [set],
  );
}

/** The wheel's direction in a raw input sequence (as Ink's useInput hands it, ESC removed), else undefined. */
export function wheelDelta(input: string): -1 | 1 | undefined {
  const match = /^\[<(\d+);\d+;\d+[Mm]$/.exec(input);
  if (!match) return undefined;
  const button = Number(match[1]);
  // 64 up, 65 down; +4/+8/+16 are Shift, Meta and Ctrl held.
  if ((button & ~28) === 64) return -1;
  if ((button & ~28) === 65) return 1;
  return undefined;
}

/** Whether the input is a mouse report at all (a click the TUI does not use). */
export function isMouseReport(input: string): boolean {
  return /^\[<\d+;\d+;\d+[Mm]$/.test(input);
}
