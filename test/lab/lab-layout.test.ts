import { describe, expect, it } from 'vitest';
import { layOutLab } from '../../src/lab/lab-layout.js';
import { topologyOf } from './helpers.js';

const LONG = 'a-host-name-of-forty-characters-exactly';

describe('the layout of a lab', () => {
  const layout = layOutLab(
    topologyOf(`
targets:
  lab:
    hosts: { client: { netns: client }, router: { netns: router }, ${LONG}: { netns: ${LONG} } }
    networks:
      front: { client: 192.0.2.10/24, router: 192.0.2.1/24 }
      back: { router: 198.51.100.1/24, ${LONG}: 198.51.100.10/24 }
    routes: { client: ["default via 192.0.2.1"] }
    metadata: { service_accounts: { client: c@p.iam.gserviceaccount.com, router: r@p.iam.gserviceaccount.com } }
`),
    'altslab-0a1b',
  );

  it('names its namespaces after the lab and the hosts, its own with a double dash', () => {
    expect(layout.namespaces).toEqual([
      'altslab-0a1b--switch',
      'altslab-0a1b--metadata',
      'altslab-0a1b-client',
      'altslab-0a1b-router',
      `altslab-0a1b-${LONG}`,
    ]);
  });

  it('gives interfaces names of at most 15 characters, whatever the host names', () => {
    const names = layout.commands.flatMap((args) => {
      const at = args.indexOf('add');
      return args[at - 1] === 'link' ? [args[at + 1], args[args.indexOf('name') + 1]] : [];
    });
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name?.length, name).toBeLessThanOrEqual(15);
  });

  it('makes every namespace before it wires any of them', () => {
    const firstOther = layout.commands.findIndex((args) => args[0] !== 'netns');
    expect(layout.commands.slice(firstOther).some((args) => args[0] === 'netns')).toBe(false);
    expect(layout.commands.slice(0, firstOther)).toHaveLength(layout.namespaces.length);
  });

  it('routes each host to the metadata address through its first interface, before its own routes', () => {
    const routes = layout.commands.filter((args) => args[2] === 'route').map((args) => args.join(' '));
    expect(routes).toEqual([
      '-n altslab-0a1b--metadata route add 192.0.2.0/24 dev eth0',
      '-n altslab-0a1b--metadata route add 198.51.100.0/24 dev eth1',
      '-n altslab-0a1b-client route add 169.254.169.254/32 dev eth0',
      '-n altslab-0a1b-router route add 169.254.169.254/32 dev eth0',
      `-n altslab-0a1b-${LONG} route add 169.254.169.254/32 dev eth0`,
      '-n altslab-0a1b-client route add default via 192.0.2.1',
    ]);
  });

  it('names every host by its first address, and the metadata server by its GCE name', () => {
    expect(layout.hostsFile).toBe(
      [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        '192.0.2.10\tclient',
        '192.0.2.1\trouter',
        `198.51.100.10\t${LONG}`,
        '169.254.169.254\tmetadata.google.internal metadata',
        '',
      ].join('\n'),
    );
  });

  it('gives the handshaker the service account of every address of a host that has one', () => {
    expect(layout.metadata).toEqual({
      namespace: 'altslab-0a1b--metadata',
      accounts: {
        '192.0.2.10': 'c@p.iam.gserviceaccount.com',
        '192.0.2.1': 'r@p.iam.gserviceaccount.com',
        '198.51.100.1': 'r@p.iam.gserviceaccount.com',
      },
    });
  });
});
