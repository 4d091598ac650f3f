#!/usr/bin/env node
// Renders a real capture of the TUI to docs/tui.svg: the bin runs the alts-grpc tutorial in the
// local lab in tmux, `a` runs every step as a person would, and the pane (with its colours)
// becomes SVG. `node scripts/capture-tui.mjs` after `npm run build`; needs tmux and what the lab
// needs (root or user namespaces, Debian's Go and grpc-go).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ESC = String.fromCharCode(27);
const SGR_SPLIT = new RegExp(`(${ESC}\\[[0-9;]*m)`);
const SGR = new RegExp(`^${ESC}\\[([0-9;]*)m$`);
const session = `alts-capture-${process.pid}`;
const columns = 112;
const rows = 34;
const home = mkdtempSync(join(tmpdir(), 'alts-capture-'));
const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(text, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (tmux('capture-pane', '-p', '-t', session).includes(text)) return;
    await sleep(100);
  }
  throw new Error(`"${text}" never appeared:\n${tmux('capture-pane', '-p', '-t', session)}`);
}

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
  tmux('send-keys', '-t', session, 'a');
  await waitFor('steps passed', 60_000);
  // The client's call, the most telling output, rather than the last step's log.
  for (let press = 0; press < 6; press++) tmux('send-keys', '-t', session, 'Up');
  await sleep(800);
  const pane = tmux('capture-pane', '-p', '-e', '-t', session);
  writeFileSync(join(root, 'docs', 'tui.svg'), toSvg(pane));
  console.log('wrote docs/tui.svg');
} finally {
  tmux('send-keys', '-t', session, 'q');
  await sleep(1500);
  tmux('kill-session', '-t', session);
}

/** ANSI-coloured text (SGR codes only, as tmux prints them) → an SVG of a dark terminal. */
function toSvg(text) {
  const palette = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
  const bright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
  const cell = { width: 8.4, height: 17 };
  const escapeXml = (value) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = text.replace(/\n$/, '').split('\n');
  const body = lines.map((line, row) => {
    let style = { fill: palette[7], bold: false, dim: false };
    const spans = [];
    let column = 0;
    for (const part of line.split(SGR_SPLIT)) {
      const sgr = SGR.exec(part);
      if (sgr) {
        for (const code of (sgr[1] || '0').split(';').map(Number)) {
          if (code === 0) style = { fill: palette[7], bold: false, dim: false };
          else if (code === 1) style = { ...style, bold: true };
          else if (code === 2) style = { ...style, dim: true };
          else if (code === 22) style = { ...style, bold: false, dim: false };
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
      spans.push(`<tspan x="${x}" fill="${style.fill}"${weight}${opacity}>${escapeXml(part)}</tspan>`);
      column += [...part].length;
    }
    return `<text y="${((row + 1) * cell.height).toFixed(1)}" xml:space="preserve">${spans.join('')}</text>`;
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
