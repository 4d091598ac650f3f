import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// steps/alts-grpc/build-offline.sh: the tutorial's Go client and server, built offline in GOPATH
// mode against Debian's grpc-go (the lab target runs this script).

const STEPS = resolve(import.meta.dirname, '..', '..', 'steps', 'alts-grpc');
const SCRIPT = join(STEPS, 'build-offline.sh');
const out = mkdtempSync(join(tmpdir(), 'athx-alts-grpc-bin-'));
let build: { status: number | null; output: string };

beforeAll(() => {
  const result = spawnSync(SCRIPT, [out], { encoding: 'utf8' });
  build = { status: result.status, output: result.stdout + result.stderr };
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('build-offline.sh', () => {
  it('is valid bash that shellcheck accepts', () => {
    expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
    const shellcheck = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(shellcheck.stdout + shellcheck.stderr).toBe('');
    expect(shellcheck.status).toBe(0);
  });

  it('builds both programs into the directory it is given', () => {
    expect(build.output).toContain(`built ${out}/client`);
    expect(build.status).toBe(0);
    for (const name of ['client', 'server']) expect(statSync(join(out, name)).mode & 0o111).not.toBe(0);
  });

  it("gives a client and a server whose flags are the tutorial's", () => {
    const client = spawnSync(join(out, 'client'), ['--help'], { encoding: 'utf8' });
    expect(client.status).toBe(0);
    expect(client.stderr).toMatch(/-addr string[\s\S]*alts-server:50051/);
    expect(client.stderr).toMatch(/-targetServiceAccount value/);
    const server = spawnSync(join(out, 'server'), ['--help'], { encoding: 'utf8' });
    expect(server.status).toBe(0);
    expect(server.stderr).toMatch(/-port int[\s\S]*default 50051/);
  });

  it('fails with a message when asked to write where it cannot', () => {
    const failed = spawnSync(SCRIPT, ['/proc/athx-no-such-dir'], { encoding: 'utf8' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/athx-no-such-dir/);
  });

  it('leaves no temporary GOPATH behind', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'athx-tmpdir-'));
    try {
      expect(spawnSync(SCRIPT, [out], { env: { ...process.env, TMPDIR: scratch } }).status).toBe(0);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
