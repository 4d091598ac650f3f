#!/usr/bin/env node
// Time from starting `alts-tutor run hello` in a real terminal (tmux) to the TUI's first frame
// on screen, against `node -e 0` in the same terminal, polled the same way, in the same run: the
// ratio is what compares across machines. Target: first frame <= 300 ms. `npm run build` first.
// BENCH_ROUNDS (default 10) rounds of each, interleaved, so that a busy moment hits both alike.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const TARGET_MS = 300;
const POLL_MS = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));
const dir = mkdtempSync(join(tmpdir(), 'alts-frame-'));
// A tmux server of its own: the default one is shared with whatever else runs tmux here.
const socket = join(dir, 'tmux.sock');
const tmux = (...args) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });

/** Milliseconds until `marker` shows in a fresh tmux pane running `command`. */
function timeToScreen(command, marker) {
  const session = `alts-frame-${Math.random().toString(16).slice(2, 8)}`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', root, 'bash --norc --noprofile');
  try {
    // The clear and the prompt are not what is measured: wait for the screen to settle first.
    tmux('send-keys', '-t', session, 'clear', 'Enter');
    while (!/\S/.test(tmux('capture-pane', '-p', '-t', session)) || tmux('capture-pane', '-p', '-t', session).includes('clear'));
    tmux('send-keys', '-t', session, command, 'Enter');
    const started = performance.now();
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', session).includes(marker)) return performance.now() - started;
      if (performance.now() - started > 10_000) throw new Error(`${marker} never appeared`);
      // A pause between polls: polling flat out takes a CPU from the program being timed.
      Atomics.wait(pause, 0, 0, POLL_MS);
    }
  } finally {
    tmux('send-keys', '-t', session, 'q');
    tmux('kill-session', '-t', session);
  }
}

const median = (times) => times.toSorted((a, b) => a - b)[Math.floor(times.length / 2)];

const ours = [];
const node = [];
try {
  tmux('new-session', '-d', '-s', 'keep', 'sleep 3600');
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(timeToScreen(`ALTS_TUTOR_HOME=${join(dir, 'home')} node bin/alts-tutor.js run hello --var PORT=18766`, 'Hello, alts-tutor'));
    // The marker is built at run time so that the typed command line does not already show it.
    node.push(timeToScreen(`node -e "console.log('node' + '-ready')"`, 'node-ready'));
  }
} finally {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  rmSync(dir, { recursive: true, force: true });
}
const frame = median(ours);
const bare = median(node);
const all = (times) => times.map((time) => time.toFixed(0)).join(' ');
console.log(`TUI first frame: median of ${ROUNDS} ${frame.toFixed(0)} ms (${all(ours)})`);
console.log(`node -e 0 (same way): median of ${ROUNDS} ${bare.toFixed(0)} ms (${all(node)})`);
console.log(`ratio ${(frame / bare).toFixed(2)}x · target <= ${TARGET_MS} ms: ${frame <= TARGET_MS ? 'ok' : 'over'}`);
