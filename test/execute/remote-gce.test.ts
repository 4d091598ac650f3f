import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { type HostContext, openHost } from '../../src/execute/open-host.js';
import type { ShellSession } from '../../src/execute/shell-session.js';
import { type FakeCloudTools, installFakeCloudTools } from '../support/fake-cloud-tools.js';
import { type SshServer, startSshServer } from '../support/ssh-server.js';
import { runStep, taggedProcesses, waitFor } from './helpers.js';

/**
 * `gce:` hosts through a fake `gcloud` that records its arguments and then does what
 * `gcloud compute ssh` does: ssh with its flags, here to a real sshd in a namespace whose
 * address the test's ssh config gives the instance name.
 */

const INSTANCE = 'alts-vm';
let server: SshServer;
let tools: FakeCloudTools;
const opened: { shell: ShellSession; tag: string }[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = await startSshServer([INSTANCE]);
  tools = installFakeCloudTools(server.clientConfig);
});

afterEach(async () => {
  const shells = opened.splice(0);
  await Promise.all(shells.map(({ shell }) => shell.close()));
  expect(shells.flatMap(({ tag }) => taggedProcesses(tag))).toEqual([]);
  expect(await waitFor(() => server.processesInside().length === 0, 10_000)).toBe(true);
  tools.clearCalls();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await server?.stop();
  tools?.cleanup();
});

async function openGce(instance: string, context: Partial<HostContext> & { env?: NodeJS.ProcessEnv } = {}): Promise<ShellSession> {
  const tag = randomBytes(6).toString('hex');
  const env = tools.env({ ALTS_TEST_TAG: tag, CLOUDSDK_COMPUTE_ZONE: '', CLOUDSDK_CORE_PROJECT: '', ...context.env });
  const shell = await openHost('alts-server', { kind: 'gce', instance }, { cwd: tmpdir(), ...context, env });
  opened.push({ shell, tag });
  return shell;
}

describe('gce hosts', () => {
  it('run steps through one `gcloud compute ssh` with the run’s zone and project, state carried', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'atssh-work-')));
    dirs.push(dir);
    const before = server.acceptedConnections();
    const shell = await openGce(INSTANCE, { variables: { ZONE: 'europe-west1-b', PROJECT_ID: 'alts-project' } });

    await runStep(shell, 'script', `PLAIN=kept\nshow() { echo "$PLAIN in $PWD"; }\ncd ${dir}`);
    expect((await runStep(shell, 'command', 'show; readlink /proc/self/ns/net')).output).toBe(`kept in ${dir}\n${server.netns}\n`);
    const failed = await runStep(shell, 'script', 'true\nfalse\necho never');
    expect(failed.outcome.errorLine).toBe(2);
    const timedOut = await runStep(shell, 'script', 'sleep 331', { timeoutMs: 500 });
    expect(timedOut.outcome).toMatchObject({ timedOut: true, shellLost: false });
    expect(server.processesInside().filter((process) => process.command.includes('sleep 331'))).toEqual([]);
    let output = '';
    const job = await shell.startBackground('echo from-the-vm; exec sleep 332', undefined, (chunk) => {
      output += chunk.toString();
    });
    expect(await waitFor(() => output === 'from-the-vm\n', 10_000)).toBe(true);
    expect(await shell.captureState()).toContain('PLAIN="kept"');
    await job.stop();

    // gcloud ran once, for the session; stopping steps and jobs went over its connection.
    const calls = tools.calls('gcloud');
    expect(calls).toHaveLength(1);
    const [call = []] = calls;
    expect(call.slice(0, 6)).toEqual(['compute', 'ssh', INSTANCE, '--zone=europe-west1-b', '--project=alts-project', '--quiet']);
    expect(call).toContain('--ssh-flag=-T');
    expect(call).toContain('--ssh-flag=-oBatchMode=yes');
    expect(call).toContain('--ssh-flag=-oControlMaster=yes');
    expect(call.find((arg) => arg.startsWith('--ssh-flag=-oControlPath='))).toMatch(/^--ssh-flag=-oControlPath=\/\S+\/ssh$/);
    expect(call.at(-1)).toMatch(/^--command=command -v bash /);
    expect(server.acceptedConnections() - before).toBe(1);
  });

  it('take the zone and project from gcloud’s environment when the run has none', async () => {
    const shell = await openGce(INSTANCE, { env: { CLOUDSDK_COMPUTE_ZONE: 'asia-east1-a', CLOUDSDK_CORE_PROJECT: 'env-project' } });
    expect((await runStep(shell, 'command', 'echo ok')).output).toBe('ok\n');
    expect(tools.calls('gcloud').map((call) => call.slice(3, 5))).toEqual([['--zone=asia-east1-a', '--project=env-project']]);
  });

  it('prefer the ZONE variable to the environment', async () => {
    await openGce(INSTANCE, { variables: { ZONE: 'us-west1-c' }, env: { CLOUDSDK_COMPUTE_ZONE: 'asia-east1-a' } });
    expect(tools.calls('gcloud').map((call) => call[3])).toEqual(['--zone=us-west1-c']);
  });

  it('fall back to gcloud’s configured zone, and leave the project to gcloud', async () => {
    await openGce(INSTANCE, { env: { ATSSH_GCLOUD_ZONE: 'configured-zone-1' } });
    const calls = tools.calls('gcloud');
    expect(calls[0]).toEqual(['config', 'get-value', 'compute/zone']);
    expect(calls[1]?.slice(0, 5)).toEqual(['compute', 'ssh', INSTANCE, '--zone=configured-zone-1', '--quiet']);
  });

  it('say clearly that no zone is known, without trying to connect', async () => {
    const failure = openGce(INSTANCE);
    await expect(failure).rejects.toThrow(/host alts-server is the GCE instance alts-vm, but no zone is known/);
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('--var ZONE=') });
    expect(tools.calls('gcloud').filter((call) => call[0] === 'compute')).toEqual([]);
  });

  it('name the host and the gcloud command when the connection fails, with its message', async () => {
    const failure = openGce('no-such-vm', { variables: { ZONE: 'europe-west1-b' } });
    await expect(failure).rejects.toThrow(UserError);
    await expect(failure).rejects.toThrow(
      /cannot start a shell on host alts-server with `gcloud compute ssh no-such-vm --zone=europe-west1-b --quiet .*'--command=<shell>'`: ssh: Could not resolve hostname no-such-vm/s,
    );
  });
});
