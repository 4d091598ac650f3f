#!/usr/bin/env node
// Renders real captures of the TUI to docs/tui.svg (80x24) and docs/tui-wide.svg (120x40): the
// bin runs the alts-grpc tutorial in the local lab in tmux, `a` runs every step as a person
// would, ↑ goes back to the client's call, and the pane (with its colours, from
// `tmux capture-pane -e`) becomes SVG. `node scripts/capture-tui.mjs` after `npm run build`;
// needs tmux and what the lab needs (root or user namespaces, Debian's Go and grpc-go).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ESC = String.fromCharCode(27);
const SGR_SPLIT = new RegExp(`(${ESC}\\[[0-9;]*m)`);
const SGR = new RegExp(`^${ESC}\\[([0-9;]*)m$`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const captures = [
  { file: 'tui.svg', columns: 80, rows: 24 },
  { file: 'tui-wide.svg', columns: 120, rows: 40 },
];
for (const capture of captures) await captureTo(capture);

async function captureTo({ file, columns, rows }) {
  const session = `alts-capture-${process.pid}-${columns}`;
  const home = mkdtempSync(join(tmpdir(), 'alts-capture-'));
  const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const waitFor = async (text, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (screen().includes(text)) return;
      await sleep(100);
    }
    throw new Error(`"${text}" never appeared:\n${screen()}`);
  };
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(columns),
    '-y',
    String(rows),
    '-c',
    root,
    `ALTS_TUTOR_HOME=${home} TERM=xterm-256color node bin/alts-tutor.js run alts-grpc --target lab; sleep 30`,
  );
  try {
    await waitFor('gRPC over ALTS');
    await sleep(300);
    tmux('send-keys', '-t', session, 'a');
    await waitFor('steps passed', 90_000);
    // The client's call, the most telling output, rather than the last step's: six steps up.
    for (let press = 0; press < 6; press++) tmux('send-keys', '-t', session, 'Up');
    await waitFor('run-client');
    await sleep(800);
    writeFileSync(join(root, 'docs', file), toSvg(tmux('capture-pane', '-p', '-e', '-t', session), columns, rows));
    console.log(`wrote docs/${file}`);
  } finally {
    tmux('send-keys', '-t', session, 'q');
    await sleep(2500);
    tmux('kill-session', '-t', session);
    rmSync(home, { recursive: true, force: true });
  }
}

/** ANSI-coloured text (SGR codes only, as tmux prints them) → an SVG of a dark terminal. */
function toSvg(text, columns, rows) {
  const palette = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
  const bright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
  const cell = { width: 8.4, height: 17 };
  const escapeXml = (value) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = text.replace(/\n$/, '').split('\n');
  const plain = { fill: palette[7], bold: false, dim: false, italic: false, underline: false, inverse: false };
  // tmux writes an attribute when it changes, not again at each line: the style goes on across lines.
  let style = plain;
  const body = lines.map((line, row) => {
    const spans = [];
    const backgrounds = [];
    let column = 0;
    for (const part of line.split(SGR_SPLIT)) {
      const sgr = SGR.exec(part);
      if (sgr) {
        for (const code of (sgr[1] || '0').split(';').map(Number)) {
          if (code === 0) style = plain;
          else if (code === 1) style = { ...style, bold: true };
          else if (code === 2) style = { ...style, dim: true };
          else if (code === 3) style = { ...style, italic: true };
          else if (code === 4) style = { ...style, underline: true };
          else if (code === 7) style = { ...style, inverse: true };
          else if (code === 22) style = { ...style, bold: false, dim: false };
          else if (code === 23) style = { ...style, italic: false };
          else if (code === 24) style = { ...style, underline: false };
          else if (code === 27) style = { ...style, inverse: false };
          else if (code >= 30 && code <= 37) style = { ...style, fill: palette[code - 30] };
          else if (code >= 90 && code <= 97) style = { ...style, fill: bright[code - 90] };
          else if (code === 39) style = { ...style, fill: palette[7] };
        }
        continue;
      }
      if (part === '') continue;
      const x = (column * cell.width).toFixed(1);
      const weight = style.bold ? ' font-weight="bold"' : '';
      const opacity = style.dim ? ' fill-opacity="0.6"' : '';
      const slant = style.italic ? ' font-style="italic"' : '';
      const line = style.underline ? ' text-decoration="underline"' : '';
      const characters = [...part].length;
      if (style.inverse) {
        const y = (row * cell.height + 4).toFixed(1);
        backgrounds.push(
          `<rect x="${x}" y="${y}" width="${(characters * cell.width).toFixed(1)}" height="${cell.height}" fill="${style.fill}"/>`,
        );
      }
      const fill = style.inverse ? palette[0] : style.fill;
      spans.push(`<tspan x="${x}" fill="${fill}"${weight}${opacity}${slant}${line}>${escapeXml(part)}</tspan>`);
      column += characters;
    }
    return `${backgrounds.join('')}<text y="${((row + 1) * cell.height).toFixed(1)}" xml:space="preserve">${spans.join('')}</text>`;
  });
  const width = Math.ceil(columns * cell.width + 16);
  const height = Math.ceil(rows * cell.height + 16);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" rx="6" fill="#1e1e1e"/>
<g transform="translate(8 6)" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">
${body.join('\n')}
</g>
</svg>
`;
}
