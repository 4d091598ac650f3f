import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects } from './helpers.js';
import { SizedTerminal } from './tui-screen.js';

// The TUI on a whole tutorial (test/fixtures/tui-page): an introduction with a quote, a table
// and a link, prose between the steps and after the last, a 390-character output line, a
// variable in it, 60 lines of output and a teardown step; at the sizes people use.
afterAll(removeProjects);

const terminals: SizedTerminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

const SIZES = [
  [60, 15],
  [80, 24],
  [200, 60],
] as const;

const ZONE = 'europe-west1-b';
const LONG_LINE = `accounts:${[1, 2, 3, 4, 5, 6].map((n) => ` alts-server-0${n}@${ZONE}-project.iam.gserviceaccount.com`).join('')} LONG-LINE-END`;
const COMMAND =
  "printf 'accounts:'; for i in $(seq 1 6); do printf ' alts-server-%02d@%s-project.iam.gserviceaccount.com' \"$i\" \"$ZONE\"; done; echo ' LONG-LINE-END'";
const URL = 'https://cloud.google.com/docs/security/encryption-in-transit/application-layer-transport-security';

/** A person reads the first frame before pressing a key; so does the test. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function open(columns: number, rows: number): Promise<SizedTerminal> {
  const { dir, home } = makeProject('tui-page');
  // The default pager (less -R), whatever the machine's environment says.
  const command = `NO_COLOR=1 ALTS_TUTOR_HOME=${home} TMPDIR=${dir} env -u CI -u PAGER -u LESS node ${BIN} run page`;
  const terminal = new SizedTerminal(command, dir, columns, rows);
  terminals.push(terminal);
  await terminal.waitFor('target local');
  await settle();
  return terminal;
}

/** Columns left of the page: the step list beside it on a wide terminal, nothing when narrow. */
function paneColumn(columns: number): number {
  return columns < 70 ? 0 : Math.max(24, Math.min(40, Math.floor(columns * 0.28))) + 1;
}

/** The page's rows on this screen and the row of the page the first of them is. */
function visiblePage(screen: string, columns: number): { top: number; rows: string[]; below: number } {
  const lines = screen.split('\n').map((line) => line.slice(paneColumn(columns)).trimEnd());
  // Under the header (two rows), and under the step strip when narrow.
  const start = columns < 70 ? 3 : 2;
  const position = lines.findIndex((line) => line.includes('End follows'));
  if (position === -1) return { top: 0, rows: lines.slice(start, lines.length - 3), below: 0 };
  const [, top = '0', below = '0'] = /↑ (\d+) · ↓ (\d+) more/.exec(lines[position] ?? '') ?? [];
  return { top: Number(top), rows: lines.slice(start, position), below: Number(below) };
}

/** The whole page of the selected step (its first row `title`), read screen by screen from Home to its end with PgDn. */
async function readPage(terminal: SizedTerminal, columns: number, title: string): Promise<string[]> {
  terminal.press('Home');
  let screen = await terminal.waitFor(title);
  const page: string[] = [];
  for (let screens = 0; screens < 40; screens++) {
    const { top, rows, below } = visiblePage(screen, columns);
    rows.forEach((row, index) => {
      page[top + index] = row;
    });
    if (below === 0) return page;
    terminal.press('PgDn');
    screen = await terminal.waitUntil((text) => visiblePage(text, columns).top > top, 'PgDn');
  }
  throw new Error('the page never ended');
}

/** Rows joined as they were cut: what wrapped comes back whole. */
const joined = (rows: readonly string[]) => rows.join('');

describe.each(SIZES)('the TUI at %ix%i', (columns, rows) => {
  it('shows the whole page: the introduction (quote, table, link with its URL), the prose between steps and after the last', async () => {
    const terminal = await open(columns, rows);
    const first = await readPage(terminal, columns, 'Step 1/3 · accounts');
    expect(first).toContain('A whole page');
    expect(joined(first)).toContain('INTRO-MARKER');
    expect(first.some((row) => row.startsWith('│ QUOTE-MARKER'))).toBe(true);
    expect(first.some((row) => /^\s*> /.test(row))).toBe(false);
    expect(first).toContain('alts-client │ calls');
    expect(joined(first)).toContain(`(${URL})`);
    expect(first).toContain('Make the accounts');
    expect(first).toContain('• one for the client');
    // A terminal keeps no trailing spaces: the command is compared without its spaces.
    expect(joined(first).replace(/┃|\s/g, '')).toContain(COMMAND.replace(/\s/g, ''));
    expect(first.join('\n')).not.toContain('BETWEEN-MARKER');

    terminal.press('Down');
    const second = await readPage(terminal, columns, 'Step 2/3 · listing');
    expect(joined(second)).toContain('BETWEEN-MARKER');
    expect(second).toContain('List them');

    terminal.press('Down');
    const last = await readPage(terminal, columns, 'Step 3/3 · cleanup');
    expect(last).toContain('What you built');
    expect(joined(last)).toContain('CLOSING-MARKER');
  });

  it('wraps a 390-character output line and the command at the pane, cutting nothing, and keeps the step selected with its output', async () => {
    const terminal = await open(columns, rows);
    terminal.press('Enter');
    const screen = await terminal.waitFor('accounts passed: ↓ selects the next step');
    expect(screen).toContain('ACCOUNTS-DONE');
    expect(screen).not.toContain('…');
    const page = await readPage(terminal, columns, 'Step 1/3 · accounts');
    expect(joined(page)).toContain(LONG_LINE);
    expect(joined(page)).toContain(`with ZONE=${ZONE}`);
    expect(page[0]).toBe('Step 1/3 · accounts · on local');
    terminal.press('Down');
    await terminal.waitFor('Step 2/3 · listing');
  });

  it('follows the output while a step runs; PgUp, Home, End and the mouse wheel scroll it', async () => {
    const terminal = await open(columns, rows);
    terminal.press('Down', 'Enter');
    await terminal.waitFor('listing line 60');
    expect(terminal.format('#{mouse_sgr_flag}')).toBe('1');
    terminal.press('PgUp');
    const up = await terminal.waitUntil((screen) => !screen.includes('listing line 60'), 'PgUp');
    expect(up).toMatch(/listing line \d+/);
    terminal.press('End');
    await terminal.waitFor('listing line 60');
    // SGR mouse reports: wheel up three times, then down.
    for (let turn = 0; turn < 3; turn++) terminal.send('\u001b[<64;10;10M');
    await terminal.waitUntil((screen) => !screen.includes('listing line 60'), 'the wheel up');
    for (let turn = 0; turn < 30; turn++) terminal.send('\u001b[<65;10;10M');
    await terminal.waitFor('listing line 60');
    terminal.press('Home');
    await terminal.waitFor('Step 2/3 · listing');
    terminal.press('q');
    await terminal.waitFor('EXIT=');
    // The terminal is given back without mouse reporting.
    expect(terminal.format('#{mouse_sgr_flag}#{mouse_button_flag}#{mouse_standard_flag}')).toBe('000');
  });

  it('l shows the full log in less -R and returns to the TUI intact', async () => {
    const terminal = await open(columns, rows);
    terminal.press('Enter');
    await terminal.waitFor('accounts passed');
    terminal.press('l');
    const pager = await terminal.waitUntil((screen) => screen.includes('001-accounts.log') && !screen.includes('target local'), 'less');
    expect(pager.replace(/\n/g, '')).toContain('alts-server-01@');
    terminal.press('q');
    const back = await terminal.waitFor('closed the log of accounts');
    const lines = back.split('\n');
    expect(lines[0]?.startsWith('A whole page')).toBe(true);
    expect(lines[1]).toContain('1/3 passed');
    expect(back).toContain('ACCOUNTS-DONE');
    expect(back.split('target local')).toHaveLength(2);
  });

  it('a runs the rest, following the running step, and ends on the last one it ran', async () => {
    const terminal = await open(columns, rows);
    terminal.press('a');
    const screen = await terminal.waitFor('All 2 steps passed', 20_000);
    expect(screen).toContain('listing line 60');
    expect(screen).toContain('2/3 passed');
    if (columns < 70) expect(screen).toMatch(/^2\/3 ✓ listing/m);
    else expect(screen).toContain('›✓ listing');
  });

  it('fits: the list collapses when narrow, ? shows the keys, a resize redraws without leftovers', async () => {
    const terminal = await open(columns, rows);
    const screen = terminal.screen();
    const lines = screen.replace(/\n+$/, '').split('\n');
    expect(lines[0]).toMatch(/^A whole page/);
    expect(lines.at(-1)).toMatch(/^Enter run · .*\? keys · q quit$/);
    if (columns < 70) {
      expect(lines[2]).toMatch(/^1\/3 ○ accounts/);
      expect(screen).not.toContain('›○ accounts');
    } else {
      expect(screen).toContain('›○ accounts');
    }
    terminal.press('?');
    const help = await terminal.waitFor('── keys (? or Esc closes)');
    expect(help).toContain('run the selected step');
    terminal.press('Escape');
    await terminal.waitUntil((text) => !text.includes('── keys'), 'the keys closing');

    for (const [width, height] of [
      [60, 15],
      [200, 60],
      [columns, rows],
    ] as const) {
      terminal.resize(width, height);
      const resized = await terminal.waitUntil(
        (text) =>
          (width < 70 ? /^1\/3 ○ accounts/m.test(text) : text.includes('›○ accounts')) &&
          text.replace(/\n+$/, '').split('\n').length === height - 1,
        `the frame at ${width}x${height}`,
      );
      const rowsShown = resized.replace(/\n+$/, '').split('\n');
      expect(rowsShown[0]).toMatch(/^A whole page/);
      expect(resized.split('target local')).toHaveLength(2);
      expect(rowsShown.at(-1)).toMatch(/^Enter run · .*q quit$/);
      expect(rowsShown.length).toBeLessThanOrEqual(height - 1);
    }
  });
});
