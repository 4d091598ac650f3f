import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/lab-layout.js';
import { processesInNamespaces, runInHost, standInHandshaker, startUntil, survivors, sweep, topologyOf, traces } from './helpers.js';

const PREFIX = 'atlta-';

const TOPOLOGY = `
targets:
  lab:
    hosts: { client: { netns: client }, router: { netns: router }, web: { netns: web } }
    networks:
      front: { client: 192.0.2.10/24, router: 192.0.2.1/24 }
      back: { router: 198.51.100.1/24, web: 198.51.100.10/24 }
    routes:
      client: ["default via 192.0.2.1"]
      web: ["default via 198.51.100.1"]
    metadata:
      service_accounts:
        client: client@lab-project.iam.gserviceaccount.com
        web: web@lab-project.iam.gserviceaccount.com
`;

describe('a lab of three hosts on two networks with a router and a metadata host', () => {
  const dmiOutside = existsSync('/sys/class/dmi');
  const dir = mkdtempSync(join(tmpdir(), 'atlt-lab-'));
  const lab = new Lab({ topology: topologyOf(TOPOLOGY), prefix: PREFIX, dir, env: process.env, handshaker: standInHandshaker(dir) });
  let layout: LabLayout;
  let webServer: { pid: number; stop(): void } | undefined;

  beforeAll(async () => {
    layout = await lab.ready();
  });

  afterAll(() => {
    webServer?.stop();
    lab.tearDownNow();
    sweep(PREFIX);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each host its addresses and the names of the others', async () => {
    const router = await runInHost(
      lab,
      'router',
      "ip -4 -o addr show | awk '{print $2, $4}'; getent hosts client web metadata.google.internal",
    );
    expect(router.output.split('\n')).toEqual(
      expect.arrayContaining([
        'lo 127.0.0.1/8',
        'eth0 192.0.2.1/24',
        'eth1 198.51.100.1/24',
        '192.0.2.10      client',
        '198.51.100.10   web',
        '169.254.169.254 metadata.google.internal metadata',
      ]),
    );
    expect(readFileSync(`/etc/netns/${layout.hostNamespaces.get('web')}/hosts`, 'utf8')).toContain('192.0.2.1\trouter');
  });

  it('carries traffic across the router only once the router forwards', async () => {
    webServer = await startUntil(
      await lab.hostCommand('web', [
        process.execPath,
        '-e',
        "require('net').createServer((s) => s.end('hello from web\\n')).listen(8000, () => console.log('serving'))",
      ]),
      'serving',
    );
    const connect = 'timeout 3 bash -c "exec 3<>/dev/tcp/web/8000 && cat <&3"';
    const before = await runInHost(lab, 'client', connect);
    expect(before.status).not.toBe(0);
    expect((await runInHost(lab, 'router', 'sysctl -w net.ipv4.ip_forward=1')).status).toBe(0);
    const after = await runInHost(lab, 'client', connect);
    expect(after).toEqual({ status: 0, output: 'hello from web\n' });
  });

  it('shows lab hosts a Google Compute Engine product name, and nothing outside', async () => {
    const inside = await runInHost(lab, 'client', 'cat /sys/class/dmi/id/product_name; ls /sys/class/net; hostname');
    expect(inside.output).toBe('Google Compute Engine\neth0\nlo\nclient\n');
    expect(existsSync('/sys/class/dmi')).toBe(dmiOutside);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('alts-lab-');
  });

  it('lets every host reach the handshaker at 169.254.169.254, which knows it by its address', async () => {
    for (const host of ['client', 'router', 'web']) {
      const reply = await runInHost(lab, host, 'timeout 3 bash -c "exec 3<>/dev/tcp/metadata.google.internal/8080 && cat <&3"');
      expect(reply, host).toEqual({ status: 0, output: 'ok\n' });
    }
    const log = readFileSync(join(dir, 'handshaker.log'), 'utf8');
    expect(log).toContain('connection from 192.0.2.10 as client@lab-project.iam.gserviceaccount.com');
    expect(log).toContain('connection from 198.51.100.10 as web@lab-project.iam.gserviceaccount.com');
    expect(log).toContain('connection from 192.0.2.1 as nobody');
    expect(JSON.parse(readFileSync(join(dir, 'accounts.json'), 'utf8'))).toEqual({
      '192.0.2.10': 'client@lab-project.iam.gserviceaccount.com',
      '198.51.100.10': 'web@lab-project.iam.gserviceaccount.com',
    });
  });

  it('leaves no namespace, veth, /etc/netns directory, mount or process after teardown', async () => {
    const pids = processesInNamespaces(layout.namespaces);
    expect(pids.length).toBeGreaterThan(0);
    expect(traces(PREFIX).length).toBeGreaterThan(0);
    await lab.tearDown();
    expect(traces(PREFIX)).toEqual([]);
    // The owner record is written beside it first, then linked into place: no draft stays.
    expect(readdirSync('/run/alts-tutor/labs')).not.toContain(`.draft-${process.pid}`);
    expect(await survivors(pids)).toEqual([]);
  });
});
