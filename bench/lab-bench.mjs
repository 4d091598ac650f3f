#!/usr/bin/env node
// `npm run bench` (lab part): what the local lab costs. Needs root (or user namespaces) and
// iproute2, as the lab does.
// 1. Bring-up and teardown: the same two-host tutorial on the lab target and on local hosts;
//    the difference is the lab. Baseline in the same run: the `ip` commands the lab ran (set-up
//    and teardown), recorded and replayed one process each by a shell script.
// 2. A whole alts-grpc lab run (`test alts-grpc --target lab --ci`), split into the Go build,
//    the steps' own time and the runner's.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { median, ROUNDS } from './median.mjs';

$.verbose = false;
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'alts-tutor.js');

const work = mkdtempSync(join(tmpdir(), 'alts-lab-bench-'));
mkdirSync(join(work, 'tutorials'));
// alts-grpc's two lab hosts, without its metadata server (a Go program, not `ip`'s work).
writeFileSync(
  join(work, 'tutorials', 'two-hosts.md'),
  [
    '---',
    'targets:',
    '  local: { hosts: { alts-server: local, alts-client: local } }',
    '  lab: { hosts: { alts-server: { netns: alts-server }, alts-client: { netns: alts-client } } }',
    '---',
    '```sh { host=alts-server }',
    'true',
    '```',
    '```sh { host=alts-client }',
    'true',
    '```',
    '',
  ].join('\n'),
);
const env = { ...process.env, ALTS_TUTOR_HOME: join(work, 'state'), NO_COLOR: '1', ALTS_TUTOR_LAB_PREFIX: 'atbench-' };

// The baseline is the lab's own `ip` commands, recorded once through a wrapper on PATH (and the
// lines of any `ip -batch`), replayed by a shell script: one `ip` process per command.
const wrapperDir = join(work, 'wrapper');
const recorded = join(work, 'ip-commands.txt');
mkdirSync(wrapperDir);
const realIp = (await $`command -v ip`).stdout.trim();
// A batch (`ip [-n ns] [-force] -batch -`) is recorded as its lines, each with the batch's `-n`.
writeFileSync(
  join(wrapperDir, 'ip'),
  [
    '#!/bin/bash',
    'if [[ " $* " == *" -batch "* ]]; then',
    `  prefix=$(printf '%s ' "$@" | sed 's/-batch - $//; s/-force //'); input=$(cat)`,
    `  printf '%s\\n' "$input" | sed "s|^|$prefix|" >> ${recorded}`,
    `  printf '%s\\n' "$input" | ${realIp} "$@"; exit`,
    'fi',
    `case "$*" in "netns exec "*) ;; *) echo "$*" >> ${recorded};; esac`,
    `exec ${realIp} "$@"`,
    '',
  ].join('\n'),
);
chmodSync(join(wrapperDir, 'ip'), 0o755);
await $({ cwd: work, env: { ...env, PATH: `${wrapperDir}:${process.env.PATH}` } })`node ${bin} run two-hosts --target lab --yes`;
const commands = readFileSync(recorded, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => line.replaceAll(/atbench-[0-9a-f]+-/g, 'atbench-raw-'));
const script = join(work, 'ip-commands.sh');
writeFileSync(script, `set -e\n${commands.map((line) => `ip ${line}`).join('\n')}\n`);

console.log(`lab benchmarks (median of ${ROUNDS} runs; lab and local runs alternate, and each round's difference counts)\n`);
/** Wall and CPU milliseconds (user + sys, children included: the ip processes) of one command. */
async function timed(command) {
  const started = performance.now();
  const result = await command(['/usr/bin/time', '-f', '%U %S']);
  const [user, sys] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { ms: performance.now() - started, cpuMs: (user + sys) * 1000 };
}
const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rounds = { lab: [], local: [], wall: [], cpu: [], rawWall: [], rawCpu: [] };
for (let round = 0; round <= ROUNDS; round++) {
  const lab = await timed((time) => $({ cwd: work, env, quiet: true })`${time} node ${bin} run two-hosts --target lab --yes`);
  const local = await timed((time) => $({ cwd: work, env, quiet: true })`${time} node ${bin} run two-hosts --target local --yes`);
  const raw = await timed((time) => $({ quiet: true })`${time} bash ${script} < /dev/null`);
  if (round === 0) continue; // a warm-up
  rounds.lab.push(lab.ms);
  rounds.local.push(local.ms);
  rounds.wall.push(lab.ms - local.ms);
  rounds.cpu.push(lab.cpuMs - local.cpuMs);
  rounds.rawWall.push(raw.ms);
  rounds.rawCpu.push(raw.cpuMs);
}
const [wall, cpu, rawWall, rawCpu] = [rounds.wall, rounds.cpu, rounds.rawWall, rounds.rawCpu].map(medianOf);
const verdict = (ratio) => `ratio ${ratio.toFixed(2)}x (target 2x: ${ratio <= 2 ? 'ok' : 'over target'})`;
console.log(`two hosts, lab target                ${medianOf(rounds.lab).toFixed(0).padStart(6)} ms`);
console.log(`two hosts, local target              ${medianOf(rounds.local).toFixed(0).padStart(6)} ms`);
console.log(
  `lab up + down (lab minus local)      ${wall.toFixed(0).padStart(6)} ms   the same ${commands.length} ip commands in a script ${rawWall.toFixed(0).padStart(5)} ms   ${verdict(wall / rawWall)}`,
);
console.log(
  `  CPU time (user + sys, children)    ${cpu.toFixed(0).padStart(6)} ms   the same ${commands.length} ip commands in a script ${rawCpu.toFixed(0).padStart(5)} ms   ${verdict(cpu / rawCpu)}`,
);

// BENCH_LAB_SKIP_GRPC=1: the bring-up row only (the alts-grpc run needs Go and takes seconds).
if (process.env.BENCH_LAB_SKIP_GRPC) {
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
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
if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
