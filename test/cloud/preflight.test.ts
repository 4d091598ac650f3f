import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatPreflight, PreflightError, plannedVms, preflightGcp, preflightSummary } from '../../src/cloud/preflight.js';
import { loadTutorial } from '../../src/format/catalog.js';
import { planSteps } from '../../src/plan/plan-steps.js';
import { type FakeComputeOptions, startFakeCompute } from '../support/fake-compute.js';
import { lacks } from '../support/machine-needs.js';
import { fakeGcloud, removeScratch, scratchDir } from './helpers.js';

/**
 * Preflight of a gcp run against the fake Compute API, with the real gcloud reading a private
 * configuration directory: each failure names what to run.
 */

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(removeScratch);

async function fakeEnv(options: FakeComputeOptions = {}) {
  const fake = await startFakeCompute(options);
  closers.push(fake.close);
  return { fake, env: { ...process.env, ...fake.env(scratchDir()) } };
}

const byTitle = (report: Awaited<ReturnType<typeof preflightGcp>>) =>
  Object.fromEntries(report.checks.map((check) => [check.title, check]));

/** The real gcloud reads its configuration here: without it, these tests cannot run. */
const noGcloud = lacks('gcloud', import.meta.url);

describe('preflight', () => {
  it.skipIf(noGcloud)('passes when everything is there, and says what it checked', async () => {
    const { env } = await fakeEnv();
    const report = await preflightGcp({ env, zone: 'us-central1-a', vms: 2 });
    expect(report.ok).toBe(true);
    expect(formatPreflight(report)).toBe(
      [
        '  ✓ gcloud              installed',
        '  ✓ credentials         disabled (auth/disable_credentials): requests carry none',
        '  ✓ project             test-project',
        '  ✓ Compute Engine API  enabled in test-project',
        '  ✓ IAM API             enabled in test-project',
        '  ✓ zone                us-central1-a (region us-central1)',
        '  ✓ quota               room for 2 VMs of n1-standard-1 (2 vCPUs) in us-central1',
      ].join('\n'),
    );
    expect(preflightSummary(report)).toBe(
      'preflight: project test-project, zone us-central1-a, room for 2 VMs of n1-standard-1 (2 vCPUs) in us-central1: ready',
    );
  });

  it('with gcloud’s credentials, asks it for a token once and sends it to every API', async () => {
    const { env, fake } = await fakeEnv();
    const gcloud = fakeGcloud({ token: 'ya29.preflight', account: 'me@example.com', project: 'test-project' });
    const report = await preflightGcp({
      env: { ...env, CLOUDSDK_AUTH_DISABLE_CREDENTIALS: '', PATH: `${gcloud.path}:${env.PATH}` },
      zone: 'us-central1-a',
      vms: 1,
    });
    expect(byTitle(report).credentials).toMatchObject({ state: 'ok', detail: 'me@example.com' });
    expect(report.ok).toBe(true);
    expect(gcloud.calls().filter((call) => call.startsWith('auth print-access-token'))).toHaveLength(1);
    expect(new Set(fake.requests.map((request) => request.authorization))).toEqual(new Set(['Bearer ya29.preflight']));
  });

  it('without gcloud, says how to install it and checks nothing else', async () => {
    const { env } = await fakeEnv();
    const report = await preflightGcp({ env: { ...env, PATH: scratchDir() }, zone: 'us-central1-a', vms: 1 });
    expect(report.ok).toBe(false);
    expect(byTitle(report).gcloud).toMatchObject({
      state: 'failed',
      fix: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install',
    });
    expect(report.checks.filter((check) => check.state === 'skipped')).toHaveLength(6);
  });

  it.skipIf(noGcloud)('without an account (a fresh gcloud configuration), says to log in', async () => {
    const { env } = await fakeEnv();
    const report = await preflightGcp({ env: { ...env, CLOUDSDK_AUTH_DISABLE_CREDENTIALS: '' }, zone: 'us-central1-a', vms: 1 });
    expect(byTitle(report).credentials).toEqual({
      title: 'credentials',
      state: 'failed',
      detail: 'gcloud has no active account',
      fix: 'gcloud auth login',
    });
    expect(byTitle(report)['Compute Engine API']).toMatchObject({ state: 'skipped', detail: 'needs credentials' });
  });

  it.skipIf(noGcloud)('without a project, says how to set one', async () => {
    const { env } = await fakeEnv();
    const report = await preflightGcp({ env: { ...env, CLOUDSDK_CORE_PROJECT: '' }, zone: 'us-central1-a', vms: 1 });
    expect(byTitle(report).project).toMatchObject({
      state: 'failed',
      fix: 'gcloud config set project PROJECT_ID   (or --var PROJECT_ID=…)',
    });
    // The tutorial's PROJECT_ID counts as a project.
    expect(
      (await preflightGcp({ env: { ...env, CLOUDSDK_CORE_PROJECT: '' }, project: 'test-project', zone: 'us-central1-a', vms: 1 })).ok,
    ).toBe(true);
  });

  it.skipIf(noGcloud)('with the Compute Engine API disabled, gives the command that enables it', async () => {
    const { env } = await fakeEnv({ disabledServices: ['compute.googleapis.com'] });
    const report = await preflightGcp({ env, zone: 'us-central1-a', vms: 1 });
    expect(byTitle(report)['Compute Engine API']).toEqual({
      title: 'Compute Engine API',
      state: 'failed',
      detail: 'Compute Engine API is not enabled in test-project',
      fix: 'gcloud services enable compute.googleapis.com --project test-project',
    });
    expect(byTitle(report).zone).toMatchObject({ state: 'skipped' });
  });

  it.skipIf(noGcloud)('with the IAM API disabled, gives the command that enables it', async () => {
    const { env } = await fakeEnv({ disabledServices: ['iam.googleapis.com'] });
    const report = await preflightGcp({ env, zone: 'us-central1-a', vms: 1 });
    expect(report.ok).toBe(false);
    expect(byTitle(report)['IAM API']).toMatchObject({
      state: 'failed',
      fix: 'gcloud services enable iam.googleapis.com --project test-project',
    });
  });

  it.skipIf(noGcloud)('with a zone that does not exist, points at the list of zones', async () => {
    const { env } = await fakeEnv();
    const report = await preflightGcp({ env, zone: 'us-nowhere1-z', vms: 1 });
    expect(byTitle(report).zone).toMatchObject({
      state: 'failed',
      detail: 'us-nowhere1-z does not exist',
      fix: 'gcloud compute zones list   (then --var ZONE=<one of them>)',
    });
    expect(byTitle(report).quota).toMatchObject({ state: 'skipped' });
  });

  it.skipIf(noGcloud)('without the quota for the VMs, says which quota and how far short', async () => {
    const { env } = await fakeEnv({
      quotas: {
        'us-central1': [
          { metric: 'CPUS', limit: 8, usage: 7 },
          { metric: 'IN_USE_ADDRESSES', limit: 4, usage: 0 },
        ],
      },
    });
    const report = await preflightGcp({ env, zone: 'us-central1-a', vms: 2, machineType: 'e2-medium' });
    expect(byTitle(report).quota).toMatchObject({
      state: 'failed',
      detail: 'not enough for 2 VMs of e2-medium (4 vCPUs): CPUS in us-central1: 1 free of 8, 4 needed',
    });
    expect(byTitle(report).quota?.fix).toContain('https://console.cloud.google.com/iam-admin/quotas?project=test-project');
  });

  it.skipIf(noGcloud)('an unreachable API is a failure that names the endpoint', async () => {
    const { env, fake } = await fakeEnv();
    await fake.close();
    const report = await preflightGcp({ env, zone: 'us-central1-a', vms: 1 });
    expect(byTitle(report)['Compute Engine API']).toMatchObject({
      state: 'failed',
      detail: expect.stringContaining(`cannot reach ${fake.url}: ECONNREFUSED`),
    });
  });

  it.skipIf(noGcloud)('as an error, lists every check with the fixes', async () => {
    const { env } = await fakeEnv({ disabledServices: ['iam.googleapis.com'] });
    const error = new PreflightError(await preflightGcp({ env, zone: 'us-nowhere1-z', vms: 1 }));
    expect(error.message).toMatch(/^the gcp target is not ready \(2 problems\); no step was run:\n/);
    expect(error.message).toContain('      fix: gcloud services enable iam.googleapis.com --project test-project');
    expect(error.message).toContain('  ✗ zone                us-nowhere1-z does not exist');
  });
});

describe('plannedVms', () => {
  it('counts the VMs a tutorial creates and finds their machine type', () => {
    const file = resolve(import.meta.dirname, '..', 'fixtures', 'cloud', 'tutorials', 'two-vms.md');
    const tutorial = loadTutorial(file);
    const target = tutorial.targets.gcp;
    if (!target) throw new Error('fixture has no gcp target');
    const plan = planSteps(tutorial, target, join(file, '..', '..'), scratchDir());
    expect(plannedVms(plan, { TYPE: 'e2-medium' })).toEqual({ vms: 2, machineType: 'e2-medium' });
    expect(plannedVms(plan)).toEqual({ vms: 2 });
  });
});
