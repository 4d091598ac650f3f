import { describe, expect, it } from 'vitest';
import {
  applyResourceChange,
  type LedgerEntry,
  openEntries,
  resourceChanges,
  resourceFromUrl,
  summarizeResources,
} from '../../src/cloud/ledger.js';
import { applyJournal, type Session } from '../../src/session/session-store.js';

describe('resourceChanges', () => {
  it('reads what gcloud 528 prints for instances, firewall rules and service accounts, in order', () => {
    // Captured from gcloud 528 against the fake Compute API (test/support/fake-compute.ts).
    const output = [
      'NAME  ZONE           MACHINE_TYPE   PREEMPTIBLE  INTERNAL_IP  EXTERNAL_IP  STATUS',
      'vm1   us-central1-a  n1-standard-1               10.128.0.2   127.0.0.1    PROVISIONING',
      'Created [http://127.0.0.1:39473/compute/v1/projects/test-project/zones/us-central1-a/instances/vm1].',
      'Creating firewall...',
      '..Created [http://127.0.0.1:39473/compute/v1/projects/test-project/global/firewalls/fw1].',
      'Created service account [alts-server].',
      'Deleted [https://compute.googleapis.com/compute/v1/projects/test-project/zones/us-central1-a/instances/old].',
      'deleted service account [alts-client@test-project.iam.gserviceaccount.com]',
    ].join('\n');
    expect(resourceChanges(output)).toEqual([
      { change: 'created', resource: { kind: 'instances', name: 'vm1', project: 'test-project', location: 'us-central1-a' } },
      { change: 'created', resource: { kind: 'firewalls', name: 'fw1', project: 'test-project' } },
      { change: 'created', resource: { kind: 'serviceAccounts', name: 'alts-server' } },
      { change: 'deleted', resource: { kind: 'instances', name: 'old', project: 'test-project', location: 'us-central1-a' } },
      { change: 'deleted', resource: { kind: 'serviceAccounts', name: 'alts-client', project: 'test-project' } },
    ]);
  });

  it('takes only the lines gcloud writes: a mention in prose is not a resource', () => {
    expect(resourceChanges('we Created [http://h/compute/v1/projects/p/zones/z/instances/vm] yesterday')).toEqual([]);
    expect(resourceChanges('nothing created here')).toEqual([]);
  });

  it('names zonal, regional, global and GKE resources from their URLs', () => {
    expect(resourceFromUrl('https://compute.googleapis.com/compute/v1/projects/p/regions/us-central1/addresses/ip1')).toEqual({
      kind: 'addresses',
      name: 'ip1',
      project: 'p',
      location: 'us-central1',
    });
    expect(resourceFromUrl('https://compute.googleapis.com/compute/v1/projects/p/global/networks/net')).toEqual({
      kind: 'networks',
      name: 'net',
      project: 'p',
    });
    expect(resourceFromUrl('https://container.googleapis.com/v1/projects/p/zones/us-central1-a/clusters/mesh')).toEqual({
      kind: 'clusters',
      name: 'mesh',
      project: 'p',
      location: 'us-central1-a',
    });
    expect(resourceFromUrl('not a url')).toBeUndefined();
  });
});

describe('the ledger', () => {
  const vm = { kind: 'instances', name: 'vm1', project: 'p', location: 'z' };

  it('closes the entry a deletion matches and keeps who deleted it', () => {
    let ledger: LedgerEntry[] = [];
    ledger = applyResourceChange(ledger, { change: 'created', resource: vm }, 'create-vm', 't1');
    ledger = applyResourceChange(
      ledger,
      { change: 'created', resource: { kind: 'firewalls', name: 'fw', project: 'p' } },
      'open-port',
      't2',
    );
    ledger = applyResourceChange(
      ledger,
      { change: 'deleted', resource: { kind: 'instances', name: 'vm1', location: 'z' } },
      'delete-vm',
      't3',
    );
    expect(openEntries(ledger).map((entry) => entry.name)).toEqual(['fw']);
    expect(ledger.find((entry) => entry.name === 'vm1')).toMatchObject({ step: 'create-vm', deletedAt: 't3', deletedBy: 'delete-vm' });
  });

  it('keeps one open entry for a resource created again (a retried step)', () => {
    let ledger: LedgerEntry[] = [];
    ledger = applyResourceChange(ledger, { change: 'created', resource: vm }, 'create-vm', 't1');
    ledger = applyResourceChange(ledger, { change: 'created', resource: vm }, 'create-vm', 't2');
    expect(openEntries(ledger)).toEqual([{ ...vm, step: 'create-vm', createdAt: 't2' }]);
  });

  it('a deletion in another zone does not close the entry', () => {
    const ledger = applyResourceChange([], { change: 'created', resource: vm }, 's', 't1');
    expect(openEntries(applyResourceChange(ledger, { change: 'deleted', resource: { ...vm, location: 'other' } }, 'd', 't2'))).toHaveLength(
      1,
    );
  });

  it('is folded from the journal, and a session without one (written before the ledger) has none', () => {
    const session = {
      version: 1,
      steps: [],
      shellState: {},
      background: [],
      variables: {},
      secretNames: [],
      updatedAt: 't0',
    } as unknown as Session;
    expect(openEntries(applyJournal(session, []).resources)).toEqual([]);
    const folded = applyJournal(session, [
      { type: 'resource', change: 'created', resource: vm, step: 'create-vm', at: 't1' },
      { type: 'resource', change: 'deleted', resource: vm, step: 'alts-tutor cleanup', at: 't2' },
    ]);
    expect(folded.resources).toEqual([{ ...vm, step: 'create-vm', createdAt: 't1', deletedAt: 't2', deletedBy: 'alts-tutor cleanup' }]);
  });

  it('summarizes by kind', () => {
    expect(
      summarizeResources([
        { kind: 'instances', name: 'a' },
        { kind: 'firewalls', name: 'fw' },
        { kind: 'instances', name: 'b' },
      ]),
    ).toBe('2 VMs (a, b), 1 firewall rule (fw)');
  });
});
