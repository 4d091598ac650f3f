import { createContext, useContext } from 'react';

export type Tint = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray';

/**
 * Whether the TUI may colour. Ink's chalk looks at FORCE_COLOR and the terminal but not at
 * NO_COLOR, so the TUI decides: `renderTui` provides it, and without a provider NO_COLOR in the
 * environment turns colours off.
 */
export const ColorContext = createContext<boolean | undefined>(undefined);

export function colorsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !('NO_COLOR' in env);
}

/** `tint('green')` for `<Text color>`: undefined, so no colour, when colours are off. */
export function useTint(): (color: Tint) => Tint | undefined {
  const allowed = useContext(ColorContext) ?? colorsAllowed();
  return (color) => (allowed ? color : undefined);
}
