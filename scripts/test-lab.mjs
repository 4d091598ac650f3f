#!/usr/bin/env node
// `npm run test:lab`: the two lab tutorials for real, as `alts-tutor test` runs them in CI, with a
// state home and a TMPDIR of their own that are removed afterwards: the suite leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'alts-test-lab-'));
try {
  const ran = spawnSync(
    process.execPath,
    [join(root, 'bin', 'alts-tutor.js'), 'test', 'alts-grpc', 'envoy-tproxy', '--target', 'lab', '--ci'],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ALTS_TUTOR_HOME: join(scratch, 'state'), TMPDIR: scratch } },
  );
  process.exitCode = ran.status ?? 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
