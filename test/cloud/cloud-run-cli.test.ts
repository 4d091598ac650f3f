import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli } from '../cli/helpers.js';
import { type FakeCloudTools, installFakeCloudTools } from '../support/fake-cloud-tools.js';
import { type FakeCompute, startFakeCompute } from '../support/fake-compute.js';
import { lacks } from '../support/machine-needs.js';
import { type SshServer, startSshServer } from '../support/ssh-server.js';
import { removeScratch, scratchDir } from './helpers.js';

/**
 * A gcp run at the command line, against the fake Compute API: the preflight before the first
 * step, and a step on a `gce:` host that waits for its VM to be RUNNING and to answer ssh (a real
 * sshd in a namespace stands in for the VM, reached through a gcloud stand-in's `compute ssh`).
 */

let sshd: SshServer;
let tools: FakeCloudTools;
const fakes: FakeCompute[] = [];

beforeAll(async () => {
  sshd = await startSshServer(['alts-server']);
  tools = installFakeCloudTools(sshd.clientConfig);
}, 30_000);
afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  await sshd.stop();
  tools.cleanup();
  removeScratch();
  removeProjects();
});

async function fakeCompute(options: Parameters<typeof startFakeCompute>[0] = {}): Promise<FakeCompute> {
  const fake = await startFakeCompute(options);
  fakes.push(fake);
  return fake;
}

describe('a gcp run', () => {
  // The preflight asks the real gcloud for the account and project.
  it.skipIf(lacks('gcloud', import.meta.url))(
    'stops before any step when the project cannot run the tutorial, with each problem and its fix',
    async () => {
      const fake = await fakeCompute({ disabledServices: ['compute.googleapis.com'] });
      const { dir, home } = makeProject('cloud');
      const result = await runCli(['run', 'two-vms', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home, ...fake.env(scratchDir()) } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('the gcp target is not ready');
      expect(result.stderr).toContain(`fix: gcloud services enable compute.googleapis.com --project ${fake.project}`);
      expect(result.stdout).not.toContain('create-vms');
      expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([]);
      expect(JSON.parse((await runCli(['status', '--json'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } })).stdout)).toEqual([]);
    },
  );

  it('says what the preflight found, then waits for a booting VM before its first step on it', async () => {
    const fake = await fakeCompute({ natIP: sshd.address });
    fake.addInstance({
      name: 'alts-server',
      zone: 'us-central1-a',
      status: 'PROVISIONING',
      upcoming: ['STAGING', 'RUNNING'],
      natIP: sshd.address,
    });
    const { dir, home } = makeProject('cloud-vm');
    const env = tools.env({ ALTS_TUTOR_HOME: home, ALTS_TUTOR_SSH_CONFIG: sshd.clientConfig, ...fake.env(scratchDir()) });
    const result = await runCli(['run', 'one-vm', '--yes'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/preflight: project test-project, zone us-central1-a.*: ready/);
    expect(result.stdout).toMatch(/alts-server: (PROVISIONING|STAGING) \(try 1/);
    expect(result.stdout).toMatch(/✓ on-the-vm +vm/);
    expect(result.stdout).toContain('passed: 1 passed, 0 failed');
    // The step ran on the VM: over the control connection the gcloud stand-in opened to sshd.
    expect(sshd.acceptedConnections()).toBeGreaterThan(0);
    expect(result.code).toBe(0);
  }, 60_000);
});
