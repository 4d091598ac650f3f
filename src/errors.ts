/** Exit statuses of the CLI (SPEC section 8); `internal` (sysexits' EX_SOFTWARE) is a bug in alts-tutor. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/**
 * Something the user can fix: bad input, bad usage, a missing tool.
 * The CLI prints `message` (and `hint` when given) on one line each, no stack, and exits 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A problem at a place in a tutorial file: printed as `file:line: message`. */
export class TutorialError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

/** A problem found by a pure parser at a line; the caller knows the file and makes it a `TutorialError`. */
export class LineError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Whether stacks are wanted: `DEBUG=alts-tutor` (or `*`, as the debug package reads it), or ALTS_TUTOR_DEBUG. */
export function debugWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.ALTS_TUTOR_DEBUG) return true;
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === '*' || name === 'alts-tutor' || name.startsWith('alts-tutor:'));
}

/**
 * What the CLI prints for an error that is not the user's (no UserError): it says that it is a
 * bug and how to see more, with the stack only when asked for.
 */
export function internalErrorText(error: unknown, env: NodeJS.ProcessEnv): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`alts-tutor: internal error (a bug in alts-tutor; please report it with the command that gave it): ${message}`];
  if (debugWanted(env) && error instanceof Error && error.stack) lines.push(error.stack);
  else lines.push('  run it again with DEBUG=alts-tutor to see where it happened');
  return `${lines.join('\n')}\n`;
}
