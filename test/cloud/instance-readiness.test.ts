import { createServer } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { credentialsFor } from '../../src/cloud/cloud-credentials.js';
import { readCloudSettings } from '../../src/cloud/cloud-settings.js';
import { type ComputeApi, openCompute } from '../../src/cloud/compute-client.js';
import {
  describeProgress,
  type ReadinessProgress,
  sshBanner,
  waitForGceInstance,
  waitForInstance,
} from '../../src/cloud/instance-readiness.js';
import { type FakeCompute, type FakeComputeOptions, startFakeCompute } from '../support/fake-compute.js';
import { freePort } from '../support/processes.js';
import { removeScratch, scratchDir, startSshd } from './helpers.js';

/**
 * A VM is ready when Compute says RUNNING and a real sshd answers on its address. The fake API
 * gives new instances the address 127.0.0.1, where the test's sshd listens.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(removeScratch);

async function setUp(options: FakeComputeOptions = {}): Promise<{ fake: FakeCompute; api: ComputeApi }> {
  const fake = await startFakeCompute(options);
  closers.push(fake.close);
  const env = fake.env(scratchDir());
  const settings = await readCloudSettings(env);
  const api = await openCompute(settings, credentialsFor(settings, env));
  closers.push(api.close);
  return { fake, api };
}

/** An instance created through the API, as `gcloud compute instances create` makes it. */
function create(fake: FakeCompute, name: string, status: string[]) {
  fake.addInstance({ name, zone: 'us-central1-a', status: status[0] ?? 'RUNNING', upcoming: status.slice(1), natIP: '127.0.0.1' });
}

const fast = { initialDelayMs: 20, maxDelayMs: 80 };

describe('waitForInstance', () => {
  it('waits through PROVISIONING and STAGING, then for sshd, and shows each try', async () => {
    const { fake, api } = await setUp();
    create(fake, 'vm', ['PROVISIONING', 'STAGING', 'RUNNING']);
    const sshPort = await freePort();
    const progress: ReadinessProgress[] = [];
    const ready = waitForInstance({ api, zone: 'us-central1-a', name: 'vm', sshPort, ...fast, onProgress: (step) => progress.push(step) });
    // sshd comes up only once the VM is RUNNING and a probe has found nothing on its port.
    while (!progress.some((step) => step.phase === 'ssh')) await new Promise((resolve) => setTimeout(resolve, 10));
    const sshd = await startSshd(sshPort);
    closers.push(sshd.stop);
    expect(await ready).toMatchObject({ name: 'vm', status: 'RUNNING', address: '127.0.0.1' });
    expect(progress.slice(0, 3).map((step) => [step.phase, step.status, step.nextDelayMs])).toEqual([
      ['status', 'PROVISIONING', 20],
      ['status', 'STAGING', 40],
      ['ssh', 'RUNNING', 80],
    ]);
    expect(progress[2]?.detail).toBe('connection refused');
    // The delay doubles up to its bound, and stays there.
    expect(progress.slice(3).every((step) => step.nextDelayMs === 80)).toBe(true);
    expect(
      describeProgress({
        instance: 'vm',
        phase: 'ssh',
        status: 'RUNNING',
        attempt: 3,
        elapsedMs: 4_200,
        nextDelayMs: 4_000,
        detail: 'connection refused',
      }),
    ).toBe('vm: RUNNING, waiting for ssh (connection refused) (try 3, 4s, next in 4s)');
  });

  it('fails at once, saying how to start it, for a stopped VM', async () => {
    const { fake, api } = await setUp();
    create(fake, 'vm', ['TERMINATED']);
    await expect(waitForInstance({ api, zone: 'us-central1-a', name: 'vm', ...fast })).rejects.toMatchObject({
      message: 'instance vm is TERMINATED',
      hint: 'start it: gcloud compute instances start vm --zone us-central1-a',
    });
  });

  it('fails for a VM that does not exist', async () => {
    const { api } = await setUp();
    await expect(waitForInstance({ api, zone: 'us-central1-a', name: 'ghost', ...fast })).rejects.toThrow(
      'instance ghost does not exist in zone us-central1-a',
    );
  });

  it('gives up within its bound when ssh never answers, and says where to look', async () => {
    const { fake, api } = await setUp();
    create(fake, 'vm', ['RUNNING']);
    const sshPort = await freePort();
    const error = await waitForInstance({ api, zone: 'us-central1-a', name: 'vm', sshPort, timeoutMs: 300, ...fast }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(
      /^instance vm was not ready after \d+s: RUNNING, but ssh does not answer \(connection refused\)$/,
    );
    expect((error as { hint?: string }).hint).toBe(
      'see its boot log: gcloud compute instances get-serial-port-output vm --zone us-central1-a',
    );
  });
});

describe('waitForGceInstance', () => {
  it('finds Compute as gcloud does (the environment), waits for the VM, and closes the client', async () => {
    const fake = await startFakeCompute();
    closers.push(fake.close);
    const sshd = await startSshd();
    closers.push(sshd.stop);
    create(fake, 'alts-server', ['STAGING', 'RUNNING']);
    const instance = await waitForGceInstance({
      env: fake.env(scratchDir()),
      instance: 'alts-server',
      zone: 'us-central1-a',
      sshPort: sshd.port,
      ...fast,
    });
    expect(instance).toMatchObject({ name: 'alts-server', address: '127.0.0.1', status: 'RUNNING' });
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/compute/v1/projects/test-project/zones/us-central1-a/instances/alts-server',
      '/compute/v1/projects/test-project/zones/us-central1-a/instances/alts-server',
    ]);
  });
});

describe('sshBanner', () => {
  it('is true for a real sshd and false for a port that answers something else', async () => {
    const sshd = await startSshd();
    closers.push(sshd.stop);
    expect(await sshBanner('127.0.0.1', sshd.port, 2_000)).toEqual({ ok: true });
    const http = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => http.close(() => resolve())));
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    expect(await sshBanner('127.0.0.1', port, 2_000)).toEqual({ ok: false, detail: 'no SSH banner' });
  });
});
