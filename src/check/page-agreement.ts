import type { ExpectMode } from '../format/tutorial.js';
import { matchOutput } from './match-output.js';
import { normalizeOutput } from './normalize.js';

const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Whether the output a page shows for a step and the step's snapshot say the same thing
 * (`lint`, and `test` before it trusts the snapshot): the same text, whatever it means, or one
 * side matching the other, since either may hold the pattern (`[TIMESTAMP]`, `[..]`) where the
 * other shows a value. Variables are written out on the side read as output too, so that
 * `$NAME` and `${NAME}` agree with each other and with the value.
 */
export function outputsAgree(
  shown: readonly string[],
  snapshot: readonly string[],
  mode: ExpectMode,
  variables: Readonly<Record<string, string>>,
): boolean {
  const same = normalizeOutput(shown.join('\n'), 'lines').join('\n') === normalizeOutput(snapshot.join('\n'), 'lines').join('\n');
  if (same) return true;
  const options = { mode, variables };
  const matches = (expected: readonly string[], actual: readonly string[]) =>
    matchOutput([...expected], actual.join('\n'), options).ok || matchOutput([...expected], expand(actual, variables), options).ok;
  return matches(shown, snapshot) || matches(snapshot, shown);
}

/** The lines as text with the variables they name written out (unknown names stay as written). */
function expand(lines: readonly string[], variables: Readonly<Record<string, string>>): string {
  return lines.join('\n').replace(REFERENCE, (reference, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return Object.hasOwn(variables, name) ? (variables[name] ?? reference) : reference;
  });
}
