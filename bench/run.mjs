#!/usr/bin/env node
// `npm run bench`: alts-tutor against baselines measured in the same run, printed as ratios.
// The rows are issue 18's goals: long transcripts against cram, memory over 5,000 steps, a
// 500,000-line output checked against its snapshot against GNU diff (lab-bench.mjs has the lab's).
// Every figure is a median (BENCH_ROUNDS, default 7): the machine is shared, so single runs vary.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, which } from 'zx';
import { median, ROUNDS } from './median.mjs';

$.verbose = false;
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'alts-tutor.js');

function row(name, ours, baseline, baselineName, target, unit = 'ms') {
  const ratio = ours / baseline;
  const verdict = ratio <= target ? 'ok' : 'over target';
  console.log(
    `${name.padEnd(40)} ${ours.toFixed(0).padStart(6)} ${unit}   ${baselineName.padEnd(22)} ${baseline.toFixed(0).padStart(6)} ${unit}   ratio ${ratio.toFixed(2)}x (target ${target}x: ${verdict})`,
  );
}

const work = mkdtempSync(join(tmpdir(), 'alts-bench-'));
mkdirSync(join(work, 'tutorials'));
const env = { ...process.env, ALTS_TUTOR_HOME: join(work, 'state'), NO_COLOR: '1' };
const hasCram = Boolean(await which('cram3', { nothrow: true }));
/** BENCH_ONLY=transcript,rss,check,startup runs those groups of rows alone. */
const only = process.env.BENCH_ONLY?.split(',');
const runs = (group) => !only || only.includes(group);

/**
 * Median wall time and median CPU time (user + sys of the command and its children, from GNU
 * time): CPU time hardly changes with the load of other work on the machine, wall time does.
 */
async function withCpu(rounds, command) {
  const cpu = [];
  const ms = await median(async () => {
    const result = await command(['/usr/bin/time', '-f', '%U %S']);
    const [user, sys] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
    cpu.push((user + sys) * 1000);
  }, rounds);
  // The first run is median's warm-up.
  const timed = cpu.slice(1).sort((a, b) => a - b);
  return { ms, cpuMs: timed[Math.floor(timed.length / 2)] };
}

/** An N-command transcript, once as an alts-tutor tutorial and once as a cram test. */
function transcript(count) {
  const commands = Array.from({ length: count }, (_, index) => ({ command: `echo line ${index}`, output: `line ${index}` }));
  writeFileSync(
    join(work, 'tutorials', `bench${count}.md`),
    `# ${count} commands\n\n\`\`\`console\n${commands.map((step) => `$ ${step.command}\n${step.output}\n`).join('')}\`\`\`\n`,
  );
  writeFileSync(join(work, `bench${count}.t`), commands.map((step) => `  $ ${step.command}\n  ${step.output}\n`).join(''));
}

console.log(`alts-tutor benchmarks (median of ${ROUNDS} runs, node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
for (const [count, target] of runs('transcript')
  ? [
      [500, 1.5],
      [5000, 2],
    ]
  : []) {
  transcript(count);
  const rounds = count > 1000 ? Math.min(ROUNDS, 5) : ROUNDS;
  const ours = await withCpu(rounds, (time) => $({ cwd: work, env, quiet: true })`${time} node ${bin} run bench${count} --yes`);
  if (hasCram) {
    const cram = await withCpu(rounds, (time) => $({ cwd: work, quiet: true })`${time} cram3 --shell=/bin/bash bench${count}.t`);
    row(`run: ${count}-command transcript`, ours.ms, cram.ms, 'cram3 --shell=/bin/bash', target);
    row('  CPU time (user + sys, children too)', ours.cpuMs, cram.cpuMs, 'cram3', target);
  } else {
    console.log(
      `run: ${count}-command transcript`.padEnd(40),
      `${ours.ms.toFixed(0)} ms   (cram3 missing: apt-get install python3-cram for the ratio)`,
    );
  }
}

// The runner's RSS after step 1 and after step 5,001, read by the steps themselves from /proc:
// the first ancestor of the step's shell that is node is the runner.
const probe = (file) =>
  `p=$$; while [ "$(cat /proc/$p/comm)" != node ]; do p=$(awk '{print $4}' /proc/$p/stat); done; awk '/VmRSS/ {print $2}' /proc/$p/status >> ${file}`;
if (runs('rss')) {
  const rssFile = join(work, 'rss.txt');
  const body = Array.from({ length: 5000 }, (_, index) => `$ echo line ${index}\nline ${index}\n`).join('');
  writeFileSync(
    join(work, 'tutorials', 'rss5000.md'),
    `# RSS\n\n\`\`\`sh\n${probe(rssFile)}\n\`\`\`\n\n\`\`\`console\n${body}\`\`\`\n\n\`\`\`sh\n${probe(rssFile)}\n\`\`\`\n`,
  );
  const growth = [];
  const after = [];
  const before = [];
  for (let round = 0; round < Math.min(ROUNDS, 5); round++) {
    rmSync(rssFile, { force: true });
    await $({ cwd: work, env })`node ${bin} run rss5000 --yes`;
    const [first, last] = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
    before.push(first / 1024);
    after.push(last / 1024);
    growth.push((last - first) / 1024);
  }
  const mid = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `${'RSS after 5,000 steps'.padEnd(40)} ${mid(after).toFixed(0).padStart(6)} MB   ${'RSS after 1 step'.padEnd(22)} ${mid(before).toFixed(0).padStart(6)} MB   growth +${mid(growth).toFixed(1)} MB (target +10 MB: ${mid(growth) <= 10 ? 'ok' : 'over target'})`,
  );
}

// A step printing 500,000 lines checked against its snapshot file. The runner's own cost is the
// run minus the same run on 10 lines (Node's start, the session, the shell); the baseline pipes
// the same command into GNU diff against the same snapshot.
if (runs('check')) {
  const LINES = 500_000;
  const oneChanged = (lines) => `seq ${lines} | sed 's/^${lines / 2}$/changed/'`;
  const allChanged = (lines) => `seq ${lines} | sed 's/$/ changed/'`;
  for (const [id, lines, command] of [
    ['one500k', LINES, oneChanged],
    ['one10', 10, oneChanged],
    ['all500k', LINES, allChanged],
    ['all10', 10, allChanged],
  ]) {
    writeFileSync(join(work, 'tutorials', `${id}.md`), `# ${id}\n\n\`\`\`sh { name=out }\n${command(lines)}\n\`\`\`\n`);
    mkdirSync(join(work, 'snapshots', id), { recursive: true });
    await $`seq ${lines} > ${join(work, 'snapshots', id, 'out.txt')}`;
  }
  /** Median wall time, median peak RSS (GNU time's %M) and the output of the last run. */
  const measure = async (id) => {
    const peaks = [];
    const cpu = [];
    let output = '';
    const ms = await median(async () => {
      const result = await $({ cwd: work, env, nothrow: true, quiet: true })`/usr/bin/time -f '%U %S %M' node ${bin} run ${id} --yes`;
      if (result.exitCode !== 1) throw new Error(`${id}: expected a mismatch (exit 1), got ${result.exitCode}: ${result.stderr}`);
      const lines = result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('Command exited'));
      const [user, sys, peak] = (lines.pop() ?? '').split(' ').map(Number);
      peaks.push(peak / 1024);
      cpu.push((user + sys) * 1000);
      output = result.stdout + lines.join('\n');
    });
    const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return { ms, cpuMs: middle(cpu), peakMb: middle(peaks), output };
  };
  const diffOf = (lines, command) => {
    const snapshot = join(work, 'snapshots', 'one500k', 'out.txt');
    return withCpu(
      ROUNDS,
      (time) => $({ nothrow: true, quiet: true })`${time} bash -c ${`${command(lines)} | diff - ${snapshot} > /dev/null`}`,
    );
  };
  for (const [name, prefix, command, target] of [
    ['500,000 lines, one changed', 'one', oneChanged, 3],
    ['500,000 lines, every one changed', 'all', allChanged, 5],
  ]) {
    const big = await measure(`${prefix}500k`);
    const small = await measure(`${prefix}10`);
    const gnu = await diffOf(LINES, command);
    row(`check: ${name}`, big.ms - small.ms, gnu.ms, 'the same | diff -', target);
    row('  CPU time (user + sys, children too)', big.cpuMs - small.cpuMs, gnu.cpuMs, 'the same | diff -', target);
    const shown = Buffer.byteLength(big.output);
    console.log(
      `${''.padEnd(40)} peak RSS ${big.peakMb.toFixed(0)} MB (target 120 MB: ${big.peakMb <= 120 ? 'ok' : 'over target'}); the run printed ${(shown / 1024).toFixed(0)} KB (the 10-line run: ${small.ms.toFixed(0)} ms)`,
    );
  }
}

if (runs('startup')) {
  const version = await median(() => $`node ${bin} --version`);
  const node = await median(() => $`node -e 0`);
  row('--version', version, node, 'node -e 0', 4);
  const list = await median(() => $({ cwd: work, env })`node ${bin} list`);
  row('list', list, node, 'node -e 0', 4);
  // --help builds every command's options but loads none of them (the cloud client least of all).
  const help = await median(() => $({ cwd: work, env })`node ${bin} --help`);
  row('--help', help, node, 'node -e 0', 4);
}
rmSync(work, { recursive: true, force: true });
