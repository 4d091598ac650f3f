#!/usr/bin/env node
// `npm run bench`: alts-tutor against baselines measured in the same run, printed as ratios.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, which } from 'zx';
import { median, ROUNDS } from './median.mjs';

$.verbose = false;
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'alts-tutor.js');

function row(name, ours, baseline, baselineName, target) {
  const ratio = ours / baseline;
  const verdict = ratio <= target ? 'ok' : 'over target';
  console.log(
    `${name.padEnd(34)} ${ours.toFixed(0).padStart(6)} ms   ${baselineName.padEnd(16)} ${baseline.toFixed(0).padStart(6)} ms   ratio ${ratio.toFixed(2)}x (target ${target}x: ${verdict})`,
  );
}

// A 500-command transcript, once as an alts-tutor tutorial and once as a cram test.
const work = mkdtempSync(join(tmpdir(), 'alts-bench-'));
mkdirSync(join(work, 'tutorials'));
const commands = Array.from({ length: 500 }, (_, index) => ({ command: `echo line ${index}`, output: `line ${index}` }));
writeFileSync(
  join(work, 'tutorials', 'bench500.md'),
  `# 500 commands\n\n\`\`\`console\n${commands.map((step) => `$ ${step.command}\n${step.output}\n`).join('')}\`\`\`\n`,
);
writeFileSync(join(work, 'bench500.t'), commands.map((step) => `  $ ${step.command}\n  ${step.output}\n`).join(''));
const env = { ...process.env, ALTS_TUTOR_HOME: join(work, 'state'), NO_COLOR: '1' };

console.log(`alts-tutor benchmarks (median of ${ROUNDS} runs, node ${process.version})\n`);
const ours = await median(() => $({ cwd: work, env })`node ${bin} run bench500 --yes`);
if (await which('cram3', { nothrow: true })) {
  const cram = await median(() => $({ cwd: work })`cram3 --shell=/bin/bash bench500.t`);
  row('run: 500-command transcript', ours, cram, 'cram3', 3);
} else {
  console.log(`run: 500-command transcript          ${ours.toFixed(0)} ms   (cram3 missing: apt-get install python3-cram for the ratio)`);
}
const version = await median(() => $`node ${bin} --version`);
const node = await median(() => $`node -e 0`);
row('--version', version, node, 'node -e 0', 4);
const list = await median(() => $({ cwd: work, env })`node ${bin} list`);
row('list', list, node, 'node -e 0', 4);
// --help builds every command's options but loads none of them (the cloud client least of all).
const help = await median(() => $({ cwd: work, env })`node ${bin} --help`);
row('--help', help, node, 'node -e 0', 4);
