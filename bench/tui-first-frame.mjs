#!/usr/bin/env node
// Time from starting `alts-tutor run hello` in a real terminal (tmux) to the TUI's first frame
// on screen, against `node -e 0` in the same terminal, polled the same way. Target: < 400 ms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const home = mkdtempSync(join(tmpdir(), 'alts-frame-'));
const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });

/** Milliseconds until `marker` shows in a fresh tmux pane running `command`. */
function timeToScreen(command, marker) {
  const session = `alts-frame-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', root, 'bash --norc --noprofile');
  try {
    tmux('send-keys', '-t', session, `clear; ${command}`, 'Enter');
    // The clear and the prompt are not what is measured: wait for the screen to settle first.
    const started = performance.now();
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', session).includes(marker)) return performance.now() - started;
      if (performance.now() - started > 10_000) throw new Error(`${marker} never appeared`);
    }
  } finally {
    tmux('send-keys', '-t', session, 'q');
    tmux('kill-session', '-t', session);
  }
}

function median(command, marker) {
  const times = Array.from({ length: ROUNDS }, () => timeToScreen(command, marker)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const ours = median(`ALTS_TUTOR_HOME=${home} node bin/alts-tutor.js run hello --var PORT=18766`, 'Hello, alts-tutor');
// The marker is built at run time so that the typed command line does not already show it.
const node = median(`node -e "console.log('node' + '-ready')"`, 'node-ready');
console.log(
  `TUI first frame (tmux, median of ${ROUNDS})   ${ours.toFixed(0)} ms   node -e (same way) ${node.toFixed(0)} ms   ratio ${(ours / node).toFixed(2)}x   target < 400 ms: ${ours < 400 ? 'ok' : 'over'}`,
);
