#!/usr/bin/env node
// Output checking on a 100,000-line Envoy debug log: matchOutput + diffOutput against GNU diff,
// then two pathological cases that must still finish. Build first: npm run build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffOutput } from '../dist/check/diff-output.js';
import { matchOutput } from '../dist/check/match-output.js';
import { redactForSnapshot } from '../dist/check/redact.js';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHANGED = Math.floor(LINES / 2);

/** A small seeded generator, so that every run measures the same log. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The log's shape (threads, source lines, connection ids) comes from `seed`; its volatile values
 * (timestamps, addresses, request ids, durations) from `volatileSeed`.
 */
function envoyLog(seed, volatileSeed = seed) {
  const stable = random(seed);
  const volatile = random(volatileSeed + 1000);
  const int = (n) => Math.floor(stable() * n);
  const vint = (n) => Math.floor(volatile() * n);
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[vint(16)]).join('');
  const two = (n) => String(n).padStart(2, '0');
  const lines = [];
  for (let index = 0; index < LINES; index++) {
    const stamp = `[2020-06-${two(1 + vint(28))} ${two(vint(24))}:${two(vint(60))}:${two(vint(60))}.${String(vint(1000)).padStart(3, '0')}]`;
    const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const peer = `10.${vint(256)}.${vint(256)}.${vint(256)}:${1024 + vint(60000)}`;
    const kind = index % 4;
    if (kind === 0) {
      lines.push(
        `${stamp}[${int(64)}][debug][http] [source/common/http/conn_manager_impl.cc:${200 + int(900)}] [C${index}][S${int(1e9)}] request headers complete (end_stream=true): x-request-id ${uuid}`,
      );
    } else if (kind === 1) {
      lines.push(
        `${stamp}[${int(64)}][debug][router] [source/common/router/router.cc:${400 + int(100)}] [C${index}] cluster 'backend' match for URL '/api/v1/items/${index}' upstream ${peer}`,
      );
    } else if (kind === 2) {
      lines.push(
        `${stamp}[${int(64)}][debug][connection] [source/common/network/connection_impl.cc:${100 + int(800)}] [C${index}] remote address:${peer} closed after ${vint(900)}ms`,
      );
    } else {
      lines.push(
        `${stamp}[${int(64)}][info][main] [source/server/server.cc:${500 + int(100)}] stats flushed in ${(volatile() * 5).toFixed(3)}s for ${uuid}`,
      );
    }
  }
  return lines;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median milliseconds of `run` over ROUNDS rounds after one warm-up; also its last result. */
function time(run) {
  let result = run();
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    result = run();
    times.push(performance.now() - started);
  }
  return { ms: median(times), result };
}

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/** The rss high-water mark while `run` runs, and the rss before it (the bench's own data included). */
function memoryOf(run) {
  const before = process.memoryUsage().rss;
  const previousPeak = peakRss;
  peakRss = before;
  const result = run();
  const peak = peakRss;
  peakRss = Math.max(previousPeak, peak);
  return { result, note: `rss ${mb(before)} before, peak ${mb(peak)}` };
}

const ms = (value) => `${value.toFixed(0).padStart(6)} ms`;
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const work = mkdtempSync(join(tmpdir(), 'alts-check-bench-'));
try {
  const original = envoyLog(1);
  const changed = [...original];
  changed[CHANGED] = `${changed[CHANGED]} (changed)`;
  const originalText = `${original.join('\n')}\n`;
  const changedText = `${changed.join('\n')}\n`;
  const originalFile = join(work, 'original.log');
  const changedFile = join(work, 'changed.log');
  writeFileSync(originalFile, originalText);
  writeFileSync(changedFile, changedText);

  const snapshotStarted = performance.now();
  const snapshot = redactForSnapshot(originalText, { variables: {} }).split('\n');
  const snapshotMs = performance.now() - snapshotStarted;
  snapshot.pop();
  sampleRss();

  console.log(
    `check benchmarks: ${LINES.toLocaleString('en')}-line Envoy debug log (${mb(originalText.length)}), median of ${ROUNDS} runs, node ${process.version}\n`,
  );
  console.log(`snapshot written by redactForSnapshot (-u)      ${ms(snapshotMs)} (once; not compared)`);

  const options = { mode: 'lines', variables: {} };
  const { result: ours, note: oursMemory } = memoryOf(() =>
    time(() => {
      const result = matchOutput(snapshot, changedText, options);
      const diff = diffOutput(result);
      sampleRss();
      return { result, diff };
    }),
  );
  if (ours.result.result.ok || !ours.result.diff.includes('(changed)')) throw new Error('the changed line was not reported');
  const gnu = time(() => spawnSync('diff', [originalFile, changedFile], { maxBuffer: 1 << 30 }));
  if (gnu.result.status !== 1) throw new Error(`GNU diff exited with ${gnu.result.status}: ${gnu.result.stderr}`);
  const ratio = ours.ms / gnu.ms;
  console.log(`one line changed: matchOutput + diffOutput       ${ms(ours.ms)}   (snapshot of patterns vs changed log)`);
  console.log(
    `one line changed: GNU diff                       ${ms(gnu.ms)}   (original log vs changed log, plain text, process start included)`,
  );
  console.log(`  ratio ${ratio.toFixed(1)}x (target 5x: ${ratio <= 5 ? 'ok' : 'over target'}); ${oursMemory}`);

  // Every timestamp, address and id differs from the snapshot's source: the tokens must absorb them.
  const otherDay = `${envoyLog(1, 2).join('\n')}\n`;
  const { result: volatile, note: volatileMemory } = memoryOf(() =>
    time(() => {
      const result = matchOutput(snapshot, otherDay, options);
      sampleRss();
      return result;
    }),
  );
  if (!volatile.result.ok) throw new Error(`every value different: expected a match, got ${volatile.result.reason}`);
  console.log(
    `every timestamp/IP/UUID different (must match)   ${ms(volatile.ms)}   (target 2000 ms: ${volatile.ms < 2000 ? 'ok' : 'over target'})`,
  );
  console.log(`  ${volatileMemory}`);

  // Nothing in common: the match fails at once; the diff runs out of its 1 s budget and falls back.
  const unrelated = `${Array.from({ length: LINES }, (_, index) => `unrelated output line ${index} ${'x'.repeat(index % 40)}`).join('\n')}\n`;
  const { result: different, note: differentMemory } = memoryOf(() =>
    time(() => {
      const result = matchOutput(snapshot, unrelated, options);
      const diff = diffOutput(result);
      sampleRss();
      return diff;
    }),
  );
  const cut = different.result.includes('cut short') ? 'diff cut short, first divergence shown' : 'full diff';
  console.log(
    `all lines different: match + diff               ${ms(different.ms)}   (${cut}; target 2000 ms: ${different.ms < 2000 ? 'ok' : 'over target'})`,
  );
  console.log(`  ${differentMemory}`);

  console.log(
    `\npeak memory of the whole bench: rss ${mb(peakRss)} sampled, maxRSS ${mb(process.resourceUsage().maxRSS * 1024)} (includes the bench's four 100,000-line texts)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
