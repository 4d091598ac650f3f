import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/cli/status-command.js';
import type { Session } from '../../src/session/session-store.js';
import { BIN, makeProject, removeProjects, runCli } from '../cli/helpers.js';
import { Terminal } from '../cli/terminal-driver.js';
import { type FakeCompute, startFakeCompute } from '../support/fake-compute.js';
import { lacks } from '../support/machine-needs.js';
import { removeScratch, scratchDir } from './helpers.js';

/**
 * The whole loop at the command line: a run whose steps call the real gcloud (pointed at the
 * fake Compute API) records in its session which step created what; `status` shows what is
 * left; `cleanup` lists it, deletes only what alts-tutor labelled after consent, and
 * `--dry-run` sends no DELETE.
 */

/** The steps call the real gcloud: without it there is nothing to test here. */
const noGcloud = lacks('gcloud', import.meta.url);

let fake: FakeCompute;
let sessionId: string;
let cli: (args: string[], env?: NodeJS.ProcessEnv) => ReturnType<typeof runCli>;
let home: string;
let projectDir: string;
let cliEnv: NodeJS.ProcessEnv;

const deletes = () =>
  fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.path.replace(/^.*\/projects\/[^/]+\//, ''));

beforeAll(async () => {
  if (noGcloud) return;
  // VMs are RUNNING from the start: their boot is instance-readiness.test.ts's subject.
  fake = await startFakeCompute({ boot: ['RUNNING'] });
  const project = makeProject('cloud');
  home = project.home;
  projectDir = project.dir;
  cliEnv = { ALTS_TUTOR_HOME: home, ...fake.env(scratchDir()) };
  cli = (args, extra = {}) => runCli(args, { cwd: project.dir, env: { ...cliEnv, ...extra } });
  const run = await cli(['run', 'two-vms', '--yes']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const [summary] = JSON.parse((await cli(['status', '--json'])).stdout) as SessionSummary[];
  sessionId = summary?.id ?? '';
}, 60_000);
afterAll(async () => {
  await fake?.close();
  removeScratch();
  removeProjects();
});
afterEach(() => {
  if (fake) fake.requests.length = 0;
});

describe.skipIf(noGcloud)('the ledger', () => {
  it('records which step created which resource, and which are gone', () => {
    const session = JSON.parse(readFileSync(join(home, 'sessions', sessionId, 'session.json'), 'utf8')) as Session;
    const ledger = (session.resources ?? []).map(({ kind, name, location, step, deletedBy }) => ({
      kind,
      name,
      location,
      step,
      deletedBy,
    }));
    expect(ledger).toEqual([
      { kind: 'instances', name: 'vm-a', location: 'us-central1-a', step: 'create-vms', deletedBy: undefined },
      { kind: 'instances', name: 'vm-b', location: 'us-central1-a', step: 'create-vms', deletedBy: 'delete-b' },
      { kind: 'firewalls', name: `ssh-${sessionId}`, location: undefined, step: 'open-ssh', deletedBy: undefined },
      { kind: 'serviceAccounts', name: 'tutor-sa', location: undefined, step: 'service-account', deletedBy: undefined },
    ]);
  });

  it('status shows what is still running, in words and as JSON', async () => {
    const text = (await cli(['status'])).stdout;
    expect(text).toContain(
      `  still in the cloud: 1 VM (vm-a), 1 firewall rule (ssh-${sessionId}), 1 service account (tutor-sa); alts-tutor cleanup ${sessionId} deletes them\n`,
    );
    const [summary] = JSON.parse((await cli(['status', '--json'])).stdout) as SessionSummary[];
    expect(summary?.resources.map((resource) => `${resource.kind}/${resource.name} by ${resource.step}`)).toEqual([
      'instances/vm-a by create-vms',
      `firewalls/ssh-${sessionId} by open-ssh`,
      'serviceAccounts/tutor-sa by service-account',
    ]);
  });

  it('status of a tutorial shows its sessions, not those of a tutorial whose id merely starts the same', async () => {
    expect((await cli(['status', 'two-vms'])).stdout).toContain(sessionId);
    expect((await cli(['status', 'two'])).stdout).toBe('no sessions\n');
  });
});

describe.skipIf(noGcloud)('cleanup', () => {
  it('--dry-run lists what the session left and sends no DELETE', async () => {
    fake.addInstance({ name: 'bystander', zone: 'us-central1-a', labels: { team: 'web' } });
    fake.addInstance({ name: 'other-run', zone: 'europe-west1-b', labels: { 'alts-tutor-session': 'alts-grpc-20250101-000000-abcd' } });
    const result = await cli(['cleanup', sessionId, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`session ${sessionId}: two-vms has no teardown steps`);
    const lines = result.stdout.split('\n').map((line) => line.trim().split(/ {2,}/));
    expect(lines).toContainEqual(['VM', 'vm-a', 'us-central1-a', 'RUNNING', `session ${sessionId}`, '(created by step create-vms)']);
    expect(lines).toContainEqual(['firewall rule', `ssh-${sessionId}`, `session ${sessionId}`, '(created by step open-ssh)']);
    expect(lines).toContainEqual(['service account', 'tutor-sa', `session ${sessionId}`, '(created by step service-account)']);
    expect(result.stdout).not.toContain('bystander');
    expect(result.stdout).not.toContain('other-run');
    expect(result.stdout).toContain('dry run: nothing was deleted (3 resources would be)');
    expect(deletes()).toEqual([]);
  });

  it('without a session, --dry-run lists every session’s labelled resources, in one zone when asked', async () => {
    const all = await cli(['cleanup', '--dry-run']);
    expect(all.stdout).toContain('looking for alts-tutor resources of every session in project test-project');
    expect(all.stdout).toMatch(/ other-run +europe-west1-b +RUNNING +session alts-grpc-20250101-000000-abcd\n/);
    expect(all.stdout).not.toContain('bystander');
    const zone = await cli(['cleanup', '--dry-run', '--zone', 'europe-west1-b']);
    expect(zone.stdout).toContain('other-run');
    expect(zone.stdout).not.toMatch(/VM +vm-a/);
    expect(deletes()).toEqual([]);
  });

  it.each([[{}], [{ CI: 'true' }]])(
    'asks for consent: without a terminal and without --yes it deletes nothing and exits 2 (env %j)',
    async (extra) => {
      const result = await cli(['cleanup', sessionId], extra);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'alts-tutor: nothing was deleted: deleting needs consent\n  add --yes to delete the resources listed above (--dry-run only lists them)\n',
      );
      expect(deletes()).toEqual([]);
    },
  );

  it('shows an error from the API clearly, deletes the rest, and exits 1', async () => {
    fake.fail({ method: 'DELETE', path: /\/global\/firewalls\//, status: 403, message: "Required 'compute.firewalls.delete' permission" });
    const result = await cli(['cleanup', sessionId, '--yes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ firewall rule ssh-');
    expect(result.stdout).toContain(": Compute API: Required 'compute.firewalls.delete' permission (PERMISSION_DENIED)\n");
    expect(result.stdout).toContain('✓ deleted VM vm-a (us-central1-a)\n');
    expect(result.stdout).toContain('✓ deleted service account tutor-sa\n');
    expect(result.stdout).toContain('1 of 3 resources could not be deleted (see above)');
  });

  it('with --yes deletes only what the session made, and its ledger says so', async () => {
    const result = await cli(['cleanup', sessionId, '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✓ deleted firewall rule ssh-${sessionId}\n`);
    expect(deletes()).toEqual([`global/firewalls/ssh-${sessionId}`]);
    expect([...fake.instances.values()].map((instance) => instance.name).sort()).toEqual(['bystander', 'other-run']);
    expect(fake.firewalls.size).toBe(0);
    expect(fake.serviceAccounts.size).toBe(0);
    const [summary] = JSON.parse((await cli(['status', '--json'])).stdout) as SessionSummary[];
    expect(summary?.resources).toEqual([]);
    const again = await cli(['cleanup', sessionId, '--yes']);
    expect(again.stdout).toContain('no alts-tutor resources left');
    expect(again.code).toBe(0);
  });

  it('names a session that is neither here nor in a project', async () => {
    const result = await cli(['cleanup', 'nowhere-20250101-000000-abcd', '--dry-run'], {
      CLOUDSDK_CORE_PROJECT: '',
      CLOUDSDK_CONFIG: scratchDir(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'alts-tutor: no session nowhere-20250101-000000-abcd here, and no cloud project to look for its resources in',
    );
  });

  it('on a terminal, asks before deleting and takes no for an answer', async () => {
    const id = 'by-hand-20250101-000000-abcd';
    fake.addInstance({ name: 'tty-vm', zone: 'us-central1-b', labels: { 'alts-tutor-session': id } });
    const env = Object.entries({ ...cliEnv, NO_COLOR: '1' })
      .map(([name, value]) => `${name}='${value}'`)
      .join(' ');
    const ask = async (answer: string) => {
      const terminal = new Terminal(`env ${env} ${process.execPath} ${BIN} cleanup ${id}`, projectDir);
      try {
        await terminal.waitFor('Delete 1 resource? [y/N]');
        terminal.type(answer);
        return await terminal.waitFor('EXIT=');
      } finally {
        terminal.close();
      }
    };
    const declined = await ask('n');
    expect(declined).toContain('nothing was deleted');
    expect(declined).toContain('EXIT=0');
    expect(deletes()).toEqual([]);
    const accepted = await ask('y');
    expect(accepted).toContain('✓ deleted VM tty-vm (us-central1-b)');
    expect(deletes()).toEqual(['zones/us-central1-b/instances/tty-vm']);
  });
});
