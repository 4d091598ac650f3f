import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findTutorResources, type OpenLedgerEntry } from '../../src/cloud/cloud-cleanup.js';
import { credentialsFor } from '../../src/cloud/cloud-credentials.js';
import { readCloudSettings } from '../../src/cloud/cloud-settings.js';
import { type ComputeApi, openCompute } from '../../src/cloud/compute-client.js';
import { openIam } from '../../src/cloud/iam-client.js';
import { sessionMatcher } from '../../src/session/session-paths.js';
import { type FakeCompute, startFakeCompute } from '../support/fake-compute.js';
import { removeScratch, scratchDir } from './helpers.js';

/** What `cleanup` finds, against the fake Compute and IAM APIs: only the resources of the sessions asked about. */

const mine = 'two-vms-20250101-000000-aaaa';
const theirs = 'two-vms-20250102-000000-bbbb';

let fake: FakeCompute | undefined;
let compute: ComputeApi | undefined;
afterEach(async () => {
  await compute?.close();
  await fake?.close();
  compute = undefined;
  fake = undefined;
});
afterAll(removeScratch);

async function connect() {
  fake = await startFakeCompute();
  const env = fake.env(scratchDir());
  const settings = await readCloudSettings(env);
  const credentials = credentialsFor(settings, env);
  compute = await openCompute(settings, credentials);
  return { fake, compute, iam: openIam({ ...settings, project: fake.project }, credentials) };
}

function entry(kind: string, name: string, location?: string): OpenLedgerEntry {
  return { kind, name, project: 'test-project', ...(location && { location }), step: 'create', createdAt: 't', session: mine };
}

describe('findTutorResources', () => {
  it('takes what a session’s ledger names and still exists, with the step that made it', async () => {
    const { fake, compute, iam } = await connect();
    fake.addInstance({ name: 'unlabelled', zone: 'us-central1-a' });
    fake.firewalls.set('allow-ssh', { name: 'allow-ssh', description: '' });
    const found = await findTutorResources({
      compute,
      iam,
      sessions: sessionMatcher(mine),
      ledger: [entry('instances', 'unlabelled', 'us-central1-a'), entry('firewalls', 'allow-ssh'), entry('firewalls', 'deleted-by-hand')],
    });
    expect(found.resources.map(({ kind, name, session, step, foundBy }) => ({ kind, name, session, step, foundBy }))).toEqual([
      { kind: 'instances', name: 'unlabelled', session: mine, step: 'create', foundBy: 'ledger' },
      { kind: 'firewalls', name: 'allow-ssh', session: mine, step: 'create', foundBy: 'ledger' },
    ]);
    expect(found.gone.map((gone) => gone.name)).toEqual(['deleted-by-hand']);
  });

  it('leaves alone a resource of the ledger’s name that another session has made since', async () => {
    const { fake, compute, iam } = await connect();
    fake.addInstance({ name: 'vm-a', zone: 'us-central1-a', labels: { 'alts-tutor-session': theirs } });
    fake.firewalls.set('allow-ssh', { name: 'allow-ssh', description: `alts-tutor-session=${theirs}` });
    fake.serviceAccounts.set('tutor-sa@test-project.iam.gserviceaccount.com', {
      email: 'tutor-sa@test-project.iam.gserviceaccount.com',
      description: `alts-tutor-session=${theirs}`,
      displayName: '',
    });
    const ledger = [entry('instances', 'vm-a', 'us-central1-a'), entry('firewalls', 'allow-ssh'), entry('serviceAccounts', 'tutor-sa')];
    const ofMine = await findTutorResources({ compute, iam, sessions: sessionMatcher(mine), ledger });
    expect(ofMine.resources).toEqual([]);
    expect(ofMine.gone.map((gone) => gone.name)).toEqual(['vm-a', 'allow-ssh', 'tutor-sa']);
    // Looking at every session, they are the other session's, once each, without this ledger's step.
    const ofAll = await findTutorResources({ compute, iam, sessions: sessionMatcher(undefined), ledger });
    expect(ofAll.resources.map(({ name, session, step }) => ({ name, session, step }))).toEqual([
      { name: 'vm-a', session: theirs, step: undefined },
      { name: 'allow-ssh', session: theirs, step: undefined },
      { name: 'tutor-sa', session: theirs, step: undefined },
    ]);
  });
});
