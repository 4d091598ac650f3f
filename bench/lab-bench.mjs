#!/usr/bin/env node
// `npm run bench` (lab part): what the local lab costs. Needs root (or user namespaces) and
// iproute2, as the lab does.
// 1. Bring-up and teardown: the same two-host tutorial on the lab target and on local hosts;
//    the difference is the lab. Baseline in the same run: `ip netns add` + `ip netns del` of as
//    many namespaces by a shell script (the floor any namespace lab pays).
// 2. A whole alts-grpc lab run (`test alts-grpc --target lab --ci`), split into the Go build,
//    the steps' own time and the runner's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { median, ROUNDS } from './median.mjs';

$.verbose = false;
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'alts-tutor.js');

const work = mkdtempSync(join(tmpdir(), 'alts-lab-bench-'));
mkdirSync(join(work, 'tutorials'));
writeFileSync(
  join(work, 'tutorials', 'two-hosts.md'),
  [
    '---',
    'targets:',
    '  local: { hosts: { a: local, b: local } }',
    '  lab: { hosts: { a: { netns: a }, b: { netns: b } } }',
    '---',
    '```sh { host=a }',
    'true',
    '```',
    '```sh { host=b }',
    'true',
    '```',
    '',
  ].join('\n'),
);
const env = { ...process.env, ALTS_TUTOR_HOME: join(work, 'state'), NO_COLOR: '1', ALTS_TUTOR_LAB_PREFIX: 'atbench-' };

console.log(`lab benchmarks (median of ${ROUNDS} runs)\n`);
const lab = await median(() => $({ cwd: work, env })`node ${bin} run two-hosts --target lab --yes`);
const local = await median(() => $({ cwd: work, env })`node ${bin} run two-hosts --target local --yes`);
// The lab makes a namespace per host plus a switch namespace.
const raw = await median(
  () => $`for n in 1 2 3; do ip netns add atbench-raw-$n; done; for n in 1 2 3; do ip netns del atbench-raw-$n; done`,
);
const overhead = lab - local;
console.log(`two hosts, lab target                ${lab.toFixed(0).padStart(6)} ms`);
console.log(`two hosts, local target              ${local.toFixed(0).padStart(6)} ms`);
console.log(
  `lab bring-up + teardown              ${overhead.toFixed(0).padStart(6)} ms   3 x ip netns add/del ${raw.toFixed(0).padStart(5)} ms   ratio ${(overhead / raw).toFixed(1)}x`,
);

// One warm-up run builds the Go programs into Go's cache; the timed runs measure a rebuild from cache.
const runs = [];
await median(async () => {
  const started = performance.now();
  const result = await $({ cwd: root, env, quiet: true })`node ${bin} test alts-grpc --target lab --ci --reporter json`;
  const total = performance.now() - started;
  const ends = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((event) => event.type === 'step-end');
  const build = ends.find((event) => event.step === 'build-offline')?.result.durationMs ?? 0;
  const steps = ends.reduce((sum, event) => sum + event.result.durationMs, 0);
  runs.push({ total, build, steps });
});
runs.sort((a, b) => a.total - b.total);
const middle = runs[Math.floor(runs.length / 2)];
console.log(
  `alts-grpc in the lab, whole run      ${middle.total.toFixed(0).padStart(6)} ms   (Go build ${middle.build.toFixed(0)} ms, other steps ${(middle.steps - middle.build).toFixed(0)} ms, runner and lab ${(middle.total - middle.steps).toFixed(0)} ms)`,
);
rmSync(work, { recursive: true, force: true });
