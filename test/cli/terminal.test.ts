import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject } from './helpers.js';

/** A real terminal: tmux runs the bin; the test reads the screen and types like a person. */
class Terminal {
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

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }

  close(): void {
    execFileSync('tmux', ['kill-session', '-t', this.name]);
  }
}

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

describe('run on a terminal', () => {
  it('shows the plan, asks for consent, then prompts for variables with the secret hidden', async () => {
    const { dir, home } = makeProject();
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} CI= node ${BIN} run needs-vars --reporter plain`, dir);
    terminals.push(terminal);
    await terminal.waitFor('Run these 1 steps? [y/N]');
    expect(terminal.screen()).toContain('echo "project=$PROJECT_ID zone=$ZONE token=$TOKEN"');
    terminal.type('y');
    await terminal.waitFor('GCP project id:');
    terminal.type('proj-1');
    await terminal.waitFor('zone:');
    terminal.type('zone-b');
    await terminal.waitFor('API token:');
    terminal.type('typed-secret-42');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(screen).not.toContain('typed-secret-42');
    const [session] = readdirSync(join(home, 'sessions'));
    const log = readFileSync(join(home, 'sessions', session ?? '', 'logs', '001-show.log'), 'utf8');
    expect(log).toBe('project=proj-1 zone=zone-b token=[SECRET]\n');
  });

  it('answering no runs nothing', async () => {
    const { dir, home } = makeProject();
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} CI= node ${BIN} run fails --reporter plain`, dir);
    terminals.push(terminal);
    await terminal.waitFor('[y/N]');
    terminal.type('n');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(readdirSync(dir)).not.toContain('first-ran');
  });
});
