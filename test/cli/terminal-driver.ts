import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real terminal: tmux runs the bin; the test reads the screen and types like a person. Each
 * terminal has a tmux server of its own on a socket in its own directory (tmux's default,
 * /tmp/tmux-UID, would outlive the test); `close()` stops the server and removes the directory.
 */
export class Terminal {
  readonly name = `alts-test-${randomBytes(4).toString('hex')}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'alts-tmux-'));
  private readonly socket = join(this.dir, 'socket');

  constructor(command: string, cwd: string) {
    try {
      this.tmux('new-session', '-d', '-s', this.name, '-x', '120', '-y', '40', '-c', cwd, `${command}; echo EXIT=$?; sleep 60`);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  async waitFor(text: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (screen.includes(text)) return screen;
      if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A key by its tmux name: 'Enter', 'Up', 'q', 'C-c'. */
  press(key: string): void {
    this.tmux('send-keys', '-t', this.name, key);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
    this.tmux('send-keys', '-t', this.name, 'Enter');
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
