import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { credentialsFor } from '../../src/cloud/cloud-credentials.js';
import { CloudApiError } from '../../src/cloud/cloud-errors.js';
import { readCloudSettings, settingsFromProperties } from '../../src/cloud/cloud-settings.js';
import { type ComputeApi, openCompute } from '../../src/cloud/compute-client.js';
import { openIam } from '../../src/cloud/iam-client.js';
import { type FakeCompute, startFakeCompute } from '../support/fake-compute.js';
import { freePort } from '../support/processes.js';
import { fakeGcloud, removeScratch, scratchDir } from './helpers.js';

/** @google-cloud/compute against the fake Compute API on loopback, configured as gcloud would be. */

let fake: FakeCompute | undefined;
let api: ComputeApi | undefined;
afterEach(async () => {
  await api?.close();
  await fake?.close();
  api = undefined;
  fake = undefined;
});
afterAll(removeScratch);

async function connect(extraEnv: NodeJS.ProcessEnv = {}) {
  fake = await startFakeCompute();
  const env = { ...fake.env(scratchDir()), ...extraEnv };
  const settings = await readCloudSettings(env);
  api = await openCompute(settings, credentialsFor(settings, env));
  return { fake, api, env, settings };
}

describe('the Compute client', () => {
  it('reads project, endpoint and credentials from the environment as gcloud does: plain HTTP to the override, no credentials sent', async () => {
    const { fake, api } = await connect();
    expect(api.project).toBe('test-project');
    expect(api.endpoint).toBe(`${fake.url}/compute/v1/`);
    await api.getProject();
    expect(fake.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/compute/v1/projects/test-project' })]);
    expect(fake.requests[0]?.authorization).toBeUndefined();
  });

  it('sends the token of gcloud’s active account when credentials are on', async () => {
    const gcloud = fakeGcloud({ token: 'ya29.test-token', account: 'me@example.com', project: 'test-project' });
    const { fake, api } = await connect({ CLOUDSDK_AUTH_DISABLE_CREDENTIALS: '', PATH: `${gcloud.path}:${process.env.PATH}` });
    await api.getProject();
    await api.listFirewalls();
    expect(fake.requests.map((request) => request.authorization)).toEqual(['Bearer ya29.test-token', 'Bearer ya29.test-token']);
    // One token for the whole command, not one per request.
    expect(gcloud.calls().filter((call) => call.startsWith('auth print-access-token'))).toHaveLength(1);
  });

  it('without gcloud to ask for a token, says so and sends nothing', async () => {
    const { fake, api } = await connect({ CLOUDSDK_AUTH_DISABLE_CREDENTIALS: '', PATH: scratchDir() });
    await expect(api.getProject()).rejects.toMatchObject({
      message: 'gcloud is not installed, and alts-tutor uses its credentials',
      hint: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install',
    });
    expect(fake.requests).toEqual([]);
  });

  it('lists instances by label in every zone or in one, and gets one', async () => {
    const { fake, api } = await connect();
    fake.addInstance({ name: 'ours', zone: 'us-central1-a', labels: { 'alts-tutor-session': 's1' }, natIP: '203.0.113.7' });
    fake.addInstance({ name: 'far', zone: 'europe-west1-b', labels: { 'alts-tutor-session': 's2' } });
    fake.addInstance({ name: 'theirs', zone: 'us-central1-a', labels: { team: 'x' } });
    const labelled = await api.listInstances({ filter: 'labels.alts-tutor-session:*' });
    expect(labelled.map((instance) => `${instance.name}@${instance.zone}`).sort()).toEqual(['far@europe-west1-b', 'ours@us-central1-a']);
    expect((await api.listInstances({ zone: 'us-central1-a' })).map((instance) => instance.name).sort()).toEqual(['ours', 'theirs']);
    expect(await api.getInstance('us-central1-a', 'ours')).toMatchObject({
      status: 'RUNNING',
      externalIp: '203.0.113.7',
      machineType: 'n1-standard-1',
    });
    expect(await api.getInstance('us-central1-a', 'nope')).toBeUndefined();
  });

  it('deletes an instance and waits for its operation', async () => {
    const { fake, api } = await connect();
    fake.addInstance({ name: 'vm', zone: 'us-central1-b' });
    await api.deleteInstance('us-central1-b', 'vm');
    expect(fake.instances.size).toBe(0);
    expect(fake.requests.map((request) => `${request.method} ${request.path.replace(/operation-[\w-]+/, 'OP')}`)).toEqual([
      'DELETE /compute/v1/projects/test-project/zones/us-central1-b/instances/vm',
      'GET /compute/v1/projects/test-project/zones/us-central1-b/operations/OP',
    ]);
  });

  it('an override with a path of its own gets the requests under that path', async () => {
    const { fake } = await connect();
    const settings = settingsFromProperties({
      'core/project': 'test-project',
      'auth/disable_credentials': 'true',
      'api_endpoint_overrides/compute': `${fake.url}/compute/v1`,
    });
    const other = await openCompute(settings, credentialsFor(settings, {}));
    try {
      await other.getProject();
    } finally {
      await other.close();
    }
    expect(fake.requests.at(-1)?.path).toBe('/compute/v1/projects/test-project');
  });
});

describe('errors from the API', () => {
  it('say which API, what it said, its status and reason', async () => {
    const { fake, api } = await connect();
    fake.fail({
      path: /\/instances\/vm$/,
      method: 'DELETE',
      status: 403,
      message: "Required 'compute.instances.delete' permission for 'projects/test-project/zones/us-central1-a/instances/vm'",
    });
    fake.addInstance({ name: 'vm', zone: 'us-central1-a' });
    const error = await api.deleteInstance('us-central1-a', 'vm').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudApiError);
    expect((error as Error).message).toBe(
      "Compute API: Required 'compute.instances.delete' permission for 'projects/test-project/zones/us-central1-a/instances/vm' (PERMISSION_DENIED)",
    );
    expect(fake.instances.size).toBe(1);
  });

  it('an operation that ends in an error is an error, with its code', async () => {
    const { fake, api } = await connect();
    fake.addInstance({ name: 'vm', zone: 'us-central1-a' });
    fake.failOperations(/\/instances\/vm$/, 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE', "The instance 'vm' is in use by instance group 'ig'");
    await expect(api.deleteInstance('us-central1-a', 'vm')).rejects.toThrow(
      "Compute API: The instance 'vm' is in use by instance group 'ig' (RESOURCE_IN_USE_BY_ANOTHER_RESOURCE)",
    );
    expect(fake.instances.size).toBe(1);
  });

  it('a disabled API is recognised as such', async () => {
    fake = await startFakeCompute({ disabledServices: ['compute.googleapis.com'] });
    const env = fake.env(scratchDir());
    const settings = await readCloudSettings(env);
    api = await openCompute(settings, credentialsFor(settings, env));
    const error = (await api.getProject().catch((caught: unknown) => caught)) as CloudApiError;
    expect(error.serviceDisabled).toBe(true);
    expect(error.message).toMatch(
      /^Compute API: Compute Engine API has not been used in project test-project before or it is disabled\. .* \(PERMISSION_DENIED, SERVICE_DISABLED\)$/,
    );
  });

  it('an endpoint nobody listens on is named, with what to check, quickly and without a stack', async () => {
    const port = await freePort();
    const settings = settingsFromProperties({
      'core/project': 'p',
      'auth/disable_credentials': 'true',
      'api_endpoint_overrides/compute': `http://127.0.0.1:${port}/compute/v1/`,
    });
    const closed = await openCompute(settings, credentialsFor(settings, {}));
    try {
      const error = (await closed.getProject().catch((caught: unknown) => caught)) as CloudApiError;
      expect(error.message).toBe(`Compute API: cannot reach http://127.0.0.1:${port}: ECONNREFUSED (UNAVAILABLE)`);
      expect(error.hint).toContain('CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE');
    } finally {
      await closed.close();
    }
  });
});

describe('the IAM client', () => {
  it('lists and deletes service accounts, as gcloud addresses them', async () => {
    const { fake, settings } = await connect();
    fake.serviceAccounts.set('sa1@test-project.iam.gserviceaccount.com', {
      email: 'sa1@test-project.iam.gserviceaccount.com',
      description: 'd',
      displayName: '',
    });
    const iam = openIam({ ...settings, project: 'test-project' }, credentialsFor(settings, {}));
    expect(await iam.listServiceAccounts()).toEqual([{ email: 'sa1@test-project.iam.gserviceaccount.com', description: 'd' }]);
    await iam.deleteServiceAccount('sa1@test-project.iam.gserviceaccount.com');
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/iam/v1/projects/-/serviceAccounts/sa1@test-project.iam.gserviceaccount.com',
    });
    expect(fake.serviceAccounts.size).toBe(0);
    await expect(iam.deleteServiceAccount('sa1@test-project.iam.gserviceaccount.com')).rejects.toThrow(
      /^IAM API: Service account .* not found\. \(NOT_FOUND\)$/,
    );
  });
});
