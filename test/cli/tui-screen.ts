import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tmux terminal of a given size for the TUI's layout tests (terminal-driver.ts's is 120x40):
 * its own tmux server on a socket in its own directory, stopped and removed by `close()`.
 */
export class SizedTerminal {
  readonly name = `alts-tuipage-${randomBytes(4).toString('hex')}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'alts-tuipage-'));
  private readonly socket = join(this.dir, 'socket');

  constructor(command: string, cwd: string, columns: number, rows: number) {
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
  async waitUntil(test: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
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

  /** Keys by their tmux names: 'Enter', 'PgUp', 'q'. */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
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
