import { Terminal } from './terminal-driver.js';

/** A terminal of a given size for the TUI's layout tests (the plain Terminal is 120x40). */
export class SizedTerminal extends Terminal {
  constructor(command: string, cwd: string, columns: number, rows: number) {
    super(command, cwd, { columns, rows, waitMs: 15_000 });
  }
}
