#!/usr/bin/env node
// `npm run bench:stock`: set-up plus the first run on a stock Debian 12, as a newcomer would do it:
// `npm ci && npx alts-tutor run alts-grpc --yes` in a fresh root from ../shared/tools/fresh-debian
// (goal: under 3 minutes). Baseline, in the same run and in a second fresh root: the same Debian
// packages installed by hand with apt-get, then `npm ci`; the ratio is what alts-tutor's prepare
// step, the build and the run add to the unavoidable downloads. Needs root and debootstrap's mirror.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';

$.verbose = false;
const root = new URL('..', import.meta.url).pathname;
const tools = join(root, '..', 'shared', 'tools', 'fresh-debian');
if (process.getuid?.() !== 0 || !existsSync(tools)) {
  console.log('bench:stock needs root and ../shared/tools/fresh-debian; skipped');
  process.exit(0);
}
const work = mkdtempSync('/var/tmp/alts-bench-stock-');
const pristine = join(work, 'pristine');
try {
  console.log('making a stock Debian 12 root (debootstrap, once)…');
  await $`${tools}/make-root.sh ${pristine} ${root}`;
  const { packages } = JSON.parse((await $({ cwd: root })`node bin/alts-tutor.js doctor alts-grpc --target lab --json`.nothrow()).stdout);
  const timed = async (name, command) => {
    const copy = join(work, name);
    await $`cp -a ${pristine} ${copy}`;
    await $`${tools}/mount.sh ${copy}`;
    try {
      const started = performance.now();
      const result = await $({ env: { ...process.env, R: copy } })`${tools}/in.sh ${command}`.nothrow();
      const seconds = (performance.now() - started) / 1000;
      if (result.exitCode !== 0) throw new Error(`${name} exited ${result.exitCode}:\n${result.stdout}${result.stderr}`);
      return seconds;
    } finally {
      await $`${tools}/umount.sh ${copy}`.nothrow();
    }
  };
  const ours = await timed('ours', 'npm ci --no-audit --no-fund && npx alts-tutor run alts-grpc --yes');
  const baseline = await timed(
    'baseline',
    `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && npm ci --no-audit --no-fund`,
  );
  const verdict = ours <= 180 ? 'ok' : 'over the 3-minute goal';
  console.log(
    `stock Debian 12: npm ci + run alts-grpc --yes   ${ours.toFixed(1)} s   apt-get install + npm ci ${baseline.toFixed(1)} s   ratio ${(ours / baseline).toFixed(2)}x   (goal: under 180 s: ${verdict})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
