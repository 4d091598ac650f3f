import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A real terminal: tmux runs the bin; the test reads the screen and types like a person. */
export class Terminal {
  readonly name = `alts-test-${randomBytes(4).toString('hex')}`;

  constructor(command: string, cwd: string) {
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', '120', '-y', '40', '-c', cwd, `${command}; echo EXIT=$?; sleep 60`]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
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
    execFileSync('tmux', ['send-keys', '-t', this.name, key]);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }

  close(): void {
    execFileSync('tmux', ['kill-session', '-t', this.name]);
  }
}
