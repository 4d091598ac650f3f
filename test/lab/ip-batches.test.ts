import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ipBatches, runIpBatch, shownCommand } from '../../src/lab/ip-batches.js';
import { layOutLab } from '../../src/lab/lab-layout.js';
import { topologyOf } from './helpers.js';

const layout = layOutLab(
  topologyOf(`
targets:
  lab:
    hosts: { client: { netns: client }, router: { netns: router }, web: { netns: web } }
    networks:
      front: { client: 192.0.2.10/24, router: 192.0.2.1/24 }
      back: { router: 198.51.100.1/24, web: 198.51.100.10/24 }
    routes: { client: ["default via 192.0.2.1"] }
    metadata: { service_accounts: { client: c@p.iam.gserviceaccount.com } }
`),
  'atipb-0a1b',
);

describe("the lab's ip commands in batches", () => {
  const { machine, namespaces } = ipBatches(layout.commands);

  it("keeps every command once, and the order of each namespace's commands", () => {
    const shown = [machine, ...namespaces].flatMap((batch) => batch.lines.map((line) => shownCommand(batch, line).slice(1)));
    expect([...shown].sort()).toEqual([...layout.commands].sort());
    for (const batch of namespaces) {
      const own = layout.commands
        .filter((command) => command[0] === '-n' && command[1] === batch.namespace)
        .map((command) => command.slice(2));
      expect(batch.lines).toEqual(own);
    }
  });

  it('makes the namespaces first, then wires the switch, which makes every veth, before any host', () => {
    expect(machine.lines).toEqual(layout.namespaces.map((ns) => ['netns', 'add', ns]));
    expect(namespaces[0]?.namespace).toBe('atipb-0a1b--switch');
    const veths = layout.commands.filter((command) => command.includes('veth'));
    expect(veths.length).toBeGreaterThan(0);
    for (const veth of veths) expect(veth[1]).toBe('atipb-0a1b--switch');
  });
});

// Needs root and iproute2, as the lab does.
describe.runIf(process.getuid?.() === 0)('a batch run by ip', () => {
  const ns = 'atipb-test';
  afterAll(() => {
    spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
  });

  it('runs every line, and a failing line is named as the ip command it stands for, with what ip said', async () => {
    await runIpBatch({ namespace: undefined, lines: [['netns', 'add', ns]] });
    const failing = runIpBatch({
      namespace: ns,
      lines: [
        ['link', 'set', 'lo', 'up'],
        ['link', 'set', 'nosuch0', 'up'],
        ['link', 'add', 'never0', 'type', 'dummy'],
      ],
    });
    await expect(failing).rejects.toThrow(`setting up the lab failed: ip -n ${ns} link set nosuch0 up: Cannot find device "nosuch0"`);
    const links = spawnSync('ip', ['-n', ns, '-o', 'link'], { encoding: 'utf8' }).stdout;
    expect(links).toMatch(/lo: <LOOPBACK,UP/);
    // ip stops at the failing line: nothing after it ran.
    expect(links).not.toContain('never0');
  });
});
