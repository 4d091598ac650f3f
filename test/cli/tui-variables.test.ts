import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects } from './helpers.js';
import { SizedTerminal } from './tui-screen.js';

afterAll(removeProjects);

const terminals: SizedTerminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/**
 * An introduction, a variable, a step that only passes in one zone (its output: the service
 * account of the zone, and a 300-character line), a step whose page shows other output than it
 * prints, a teardown step and closing prose.
 */
const ZONED_TUTORIAL = `---
title: Zoned tour
variables:
  ZONE: { default: "us-central1-a" }
---
# Zoned tour

An introduction: the service account a server runs as depends on its zone.

## Where

\`\`\`sh { name=where }
[ "$ZONE" = europe-west4-a ] || { echo "not in europe-west4-a: $ZONE"; exit 3; }
echo "alts-server@$ZONE-project"
printf 'w%.0s' $(seq 300); echo
\`\`\`

\`\`\`output
alts-server@\${ZONE}-project
[..]
\`\`\`

## Account

\`\`\`sh { name=account }
echo "account alts-server@$ZONE-project in $ZONE, not in \${ZONE}b"
\`\`\`

\`\`\`output
account: none yet
\`\`\`

## Clean up

\`\`\`sh { name=clean teardown=true }
true
\`\`\`

That is all: the closing prose.
`;

function zonedProject(): { dir: string; home: string; page: string } {
  const project = makeProject();
  mkdirSync(join(project.dir, 'tutorials'), { recursive: true });
  const page = join(project.dir, 'tutorials', 'zoned.md');
  writeFileSync(page, ZONED_TUTORIAL);
  return { ...project, page };
}

function openTui(bin: string, project: { dir: string; home: string }, cwd: string, columns: number, rows: number): SizedTerminal {
  const command = `NO_COLOR=1 ALTS_TUTOR_HOME=${project.home} env -u CI node ${bin} run zoned`;
  const terminal = new SizedTerminal(command, cwd, columns, rows);
  terminals.push(terminal);
  return terminal;
}

/** A person reads the first frame before pressing a key; so does the test. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** `e` on the one variable: its old value erased, the new one typed and Enter. */
async function editZone(terminal: SizedTerminal, value: string): Promise<void> {
  terminal.press('e');
  await terminal.waitFor('new value of ZONE');
  for (const _ of 'us-central1-a') terminal.press('BSpace');
  terminal.send(value);
  terminal.press('Enter');
  await terminal.waitFor('ZONE set in every shell');
}

describe('e changes a variable for everything after it', () => {
  it('r runs and checks with the new value, and u redacts it as ${ZONE}, whole values only, into the page (80x24)', async () => {
    const project = zonedProject();
    const terminal = openTui(BIN, project, project.dir, 80, 24);
    await terminal.waitFor('Zoned tour');
    await settle();
    terminal.press('Enter');
    await terminal.waitFor('where failed');
    await editZone(terminal, 'europe-west4-a');
    terminal.press('r');
    // Checked against alts-server@europe-west4-a-project: the shown output with the new value.
    const passed = await terminal.waitFor('1/3 passed');
    expect(passed).not.toContain('where failed');
    // The rest: account, whose page shows other output than it prints.
    terminal.press('a');
    await terminal.waitFor('account failed');
    terminal.press('u');
    await terminal.waitFor('2/3 passed');
    const page = readFileSync(project.page, 'utf8');
    // The new value is redacted; `europe-west4-ab` holds it, but as part of a longer word.
    expect(page).toContain('```output\naccount alts-server@${ZONE}-project in ${ZONE}, not in europe-west4-ab\n```');
    expect(page).not.toContain('us-central1-a-project');
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=0');
  });
});

describe('u and the installed package', () => {
  /** alts-tutor as npx installs it: under a node_modules directory, with the zoned tutorial among its own. */
  function installedPackage(at: string): { bin: string; bundled: string } {
    const root = resolve(BIN, '..', '..');
    for (const part of ['bin', 'dist', 'package.json']) {
      cpSync(join(root, part), join(at, part), { recursive: true, filter: (source) => !source.endsWith('.map') });
    }
    // Its dependencies, as npm puts them beside it (the diff library is loaded from there).
    symlinkSync(join(root, 'node_modules'), join(at, 'node_modules'));
    mkdirSync(join(at, 'tutorials'), { recursive: true });
    const bundled = join(at, 'tutorials', 'zoned.md');
    writeFileSync(bundled, ZONED_TUTORIAL.replace('[ "$ZONE" = europe-west4-a ] || ', ': || '));
    return { bin: join(at, 'bin', 'alts-tutor.js'), bundled };
  }

  it('u never writes a tutorial of the installed package: it says where a copy would go, and the TUI stays (200x60)', async () => {
    const project = makeProject();
    const { bin, bundled } = installedPackage(join(project.dir, 'cache', 'node_modules', 'alts-tutor'));
    const before = readFileSync(bundled, 'utf8');
    const user = join(project.dir, 'elsewhere');
    mkdirSync(user);
    const terminal = openTui(bin, project, user, 200, 60);
    await terminal.waitFor('Zoned tour');
    await settle();
    terminal.press('a');
    await terminal.waitFor('account failed');
    terminal.press('u');
    const screen = await terminal.waitFor('comes with alts-tutor');
    expect(screen.replace(/\s+/g, ' ')).toContain('a copy of your own would go in tutorials/zoned.md');
    expect(readFileSync(bundled, 'utf8')).toBe(before);
    expect(existsSync(join(user, 'tutorials'))).toBe(false);
    expect(existsSync(join(bundled, '..', '..', 'snapshots'))).toBe(false);
    // Still the TUI, the step still failed: q ends the run as failed.
    expect(screen).toContain('1/3 passed');
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=1');
  });
});
