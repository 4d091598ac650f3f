#!/usr/bin/env node
// `node bench/big-output.mjs [MB]`: the runner's peak RSS (VmHWM) while a step prints 1 GB of
// output (default), once with no expected output and once with one it does not match. The
// output streams to the step's log; past the compare limit it is never read back into memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIMIT_MB = 150;
const megabytes = Number(process.argv[2] ?? 1024);
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'alts-bench-big-'));
const print = `head -c ${megabytes * 1024 * 1024} /dev/zero | tr '\\0' 'y' | fold -w 100`;
writeFileSync(join(work, 'plain.md'), `# Big\n\n\`\`\`sh { name=big }\n${print}\n\`\`\`\n`);
writeFileSync(join(work, 'expected.md'), `# Big\n\n\`\`\`sh { name=big }\n${print}\n\`\`\`\n\n\`\`\`output\nnot this\n\`\`\`\n`);

/** Peak resident memory of the runner (bin/alts-tutor.js, which runs in one process), from /proc. */
function peakRss(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'alts-tutor.js'), 'run', file, '--yes', '--reporter', 'plain'], {
      env: { ...process.env, ALTS_TUTOR_HOME: join(work, 'state'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb);
      } catch {
        // The process has just ended.
      }
    }, 50);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ peakMb: peak / 1024, code, output });
    });
  });
}

console.log(`alts-tutor: peak RSS of the runner while a step prints ${megabytes} MB (node ${process.version})\n`);
for (const [name, file, wantedCode] of [
  ['no expected output', 'plain.md', 0],
  ['an expected output it does not match', 'expected.md', 1],
]) {
  const { peakMb, code, output } = await peakRss(join(work, file));
  const verdict = peakMb <= LIMIT_MB && code === wantedCode ? 'ok' : 'over limit or wrong exit';
  console.log(
    `${name.padEnd(38)} ${peakMb.toFixed(0).padStart(5)} MB   ratio ${(peakMb / LIMIT_MB).toFixed(2)} of ${LIMIT_MB} MB (${verdict}), exit ${code}`,
  );
  const reason = /output too large[^\n]*/.exec(output)?.[0];
  if (reason) console.log(`  ${reason}`);
}
rmSync(work, { recursive: true, force: true });
