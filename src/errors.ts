/** Exit statuses of the CLI (SPEC section 8). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

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
