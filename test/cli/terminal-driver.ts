import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerminalSize {
  columns: number;
  rows: number;
  /** How long `waitFor` waits by default. */
  waitMs: number;
}

/**
 * A real terminal: tmux runs the bin; the test reads the screen and types like a person. Each
 * terminal has a tmux server of its own on a socket in its own directory (tmux's default,
 * /tmp/tmux-UID, would outlive the test); `close()` stops the server and removes the directory.
 */
export class Terminal {
  readonly name = `alts-test-${randomBytes(4).toString('hex')}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'alts-tmux-'));
  private readonly socket = join(this.dir, 'socket');
  private readonly waitMs: number;

  constructor(command: string, cwd: string, { columns, rows, waitMs }: TerminalSize = { columns: 120, rows: 40, waitMs: 10_000 }) {
    this.waitMs = waitMs;
    try {
      this.tmux(
        'new-session',
        '-d',
        '-s',
        this.name,
        '-x',
        String(columns),
        '-y',
        String(rows),
        '-c',
        cwd,
        `${command}; echo EXIT=$?; sleep 60`,
      );
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The screen as text; `colors` keeps the escape sequences of colours and styles. */
  screen(colors = false): string {
    return this.tmux('capture-pane', '-p', ...(colors ? ['-e'] : []), '-t', this.name);
  }

  /** Waits until `test` holds for the screen; throws with the screen when it never does. */
  async waitUntil(test: (screen: string) => boolean, what: string, timeoutMs = this.waitMs): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`${what} never happened; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  waitFor(text: string, timeoutMs?: number): Promise<string> {
    return this.waitUntil((screen) => screen.includes(text), `"${text}"`, timeoutMs);
  }

  /** Keys by their tmux names: 'Enter', 'Up', 'PgUp', 'q', 'C-c'. */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
    this.tmux('send-keys', '-t', this.name, 'Enter');
  }

  /** Bytes as a terminal would send them (a mouse report, say). */
  send(bytes: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', bytes);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /** A tmux format of the pane: `#{mouse_sgr_flag}` says whether the program asked for mouse reports. */
  format(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.name, format).trim();
  }

  /** Stops the server (and with it whatever still runs in the pane) and removes its socket. */
  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // No server left to stop.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
  }
}
