export type Paint = (style: 'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'cyan', text: string) => string;

const CODES = { green: [32, 39], red: [31, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22], bold: [1, 22] } as const;

/** Colours for a stream: none unless it is a terminal, and never with NO_COLOR set. */
export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb';
  return (style, text) => (enabled ? `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m` : text);
}

/** A line of a unified diff in its colour: headers bold, hunks cyan, added green, removed red. */
export function colourDiffLine(text: string, paint: Paint): string {
  if (text.startsWith('+++') || text.startsWith('---')) return paint('bold', text);
  if (text.startsWith('@@')) return paint('cyan', text);
  if (text.startsWith('+')) return paint('green', text);
  if (text.startsWith('-')) return paint('red', text);
  return text;
}
