import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isAlive } from '../support/processes.js';

/** Temporary directories of a test file, removed by `removeScratch()` (call it in afterAll). */
const scratch: string[] = [];

export function scratchDir(prefix = 'alts-cloud-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fake `gcloud` on PATH for what the fake Compute API cannot give: an account with a token.
 * It records its arguments (one line per call) and answers `auth print-access-token` and
 * `config list --format=json`; anything else fails.
 */
export function fakeGcloud(settings: { token: string; account: string; project: string }): { path: string; calls(): string[] } {
  const dir = scratchDir('alts-fake-gcloud-');
  const log = join(dir, 'calls.log');
  const config = JSON.stringify({ core: { account: settings.account, project: settings.project } });
  writeFileSync(
    join(dir, 'gcloud'),
    `#!/bin/bash
printf '%s\\n' "$*" >> '${log}'
case "$*" in
  "auth print-access-token"*) echo '${settings.token}' ;;
  "config list --format=json") echo '${config}' ;;
  *) echo "fake gcloud: $*: not faked" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(join(dir, 'gcloud'), 0o755);
  return {
    path: dir,
    calls: () => {
      try {
        return readFileSync(log, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

/** A real OpenSSH server on 127.0.0.1 (`port`, or any free one) with a throwaway host key: what "accepts ssh" means. */
export async function startSshd(chosenPort?: number): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = scratchDir('alts-sshd-');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = chosenPort ?? (await freePort());
  const sshd: ChildProcess = spawn(
    '/usr/sbin/sshd',
    [
      '-D',
      '-e',
      '-f',
      '/dev/null',
      '-h',
      join(dir, 'host_key'),
      '-o',
      'ListenAddress=127.0.0.1',
      '-o',
      `Port=${port}`,
      '-o',
      'PidFile=none',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let said = '';
    sshd.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('Server listening')) resolve();
    });
    sshd.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${said}`)));
  });
  return {
    port,
    stop: async () => {
      if (sshd.pid !== undefined && isAlive(sshd.pid)) {
        const exited = new Promise((resolve) => sshd.once('exit', resolve));
        sshd.kill('SIGTERM');
        await exited;
      }
    },
  };
}
