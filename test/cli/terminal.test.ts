import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

describe('run on a terminal', () => {
  it('shows the plan, asks for consent, then prompts for variables with the secret hidden', async () => {
    const { dir, home } = makeProject();
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run needs-vars --reporter plain`, dir);
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
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run fails --reporter plain`, dir);
    terminals.push(terminal);
    await terminal.waitFor('[y/N]');
    terminal.type('n');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(readdirSync(dir)).not.toContain('first-ran');
  });
});
