import { METADATA_ADDRESS } from '../format/lab-topology.js';
import type { LabTopology } from '../format/tutorial.js';
import { hostNamespace, metadataNamespace, switchNamespace } from './lab-names.js';

/** A lab as it is built: namespaces, the `ip` commands that wire them, and each host's files. */
export interface LabLayout {
  id: string;
  /** Every namespace, in the order they are made. */
  namespaces: string[];
  /** Lab host name → its namespace. */
  hostNamespaces: Map<string, string>;
  /** The arguments of each `ip` command that wires the lab, in order. */
  commands: string[][];
  /** The /etc/hosts every lab namespace sees (`/etc/netns/<ns>/hosts`). */
  hostsFile: string;
  metadata?: {
    namespace: string;
    /** Source address → service account, for the handshaker emulator. */
    accounts: Record<string, string>;
  };
}

/**
 * Lays out a topology. Every network is a bridge in one switch namespace; each host's
 * interface on it (`eth0`, `eth1`, … in the order of the networks) is one end of a veth pair
 * whose other end is a port of that bridge. The veths are made inside the namespaces, so the
 * machine's own interfaces never change, and they go when the namespaces go. The metadata
 * host, when there is one, joins every network and answers at 169.254.169.254 on its loopback;
 * each host reaches it on-link through its first interface.
 */
export function layOutLab(topology: LabTopology, id: string): LabLayout {
  const switchNs = switchNamespace(id);
  const metadataNs = topology.metadata ? metadataNamespace(id) : undefined;
  const hostNamespaces = new Map(topology.hosts.map((host) => [host.name, hostNamespace(id, host.namespace)]));
  const namespaces = [switchNs, ...(metadataNs ? [metadataNs] : []), ...hostNamespaces.values()];
  const commands: string[][] = namespaces.map((ns) => ['netns', 'add', ns]);
  for (const ns of namespaces) commands.push(['-n', ns, 'link', 'set', 'lo', 'up']);

  const interfaces = new Map<string, number>();
  const firstInterface = new Map<string, string>();
  const firstAddress = new Map<string, string>();
  const accounts: Record<string, string> = {};
  topology.networks.forEach((network, netIndex) => {
    const bridge = `br${netIndex}`;
    commands.push(['-n', switchNs, 'link', 'add', bridge, 'type', 'bridge'], ['-n', switchNs, 'link', 'set', bridge, 'up']);
    const plug = (port: string, ns: string, device: string) => {
      commands.push(
        ['-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', device, 'netns', ns],
        ['-n', switchNs, 'link', 'set', port, 'master', bridge, 'up'],
      );
    };
    network.members.forEach((member, memberIndex) => {
      const ns = hostNamespaces.get(member.host) as string;
      const index = interfaces.get(member.host) ?? 0;
      interfaces.set(member.host, index + 1);
      const device = `eth${index}`;
      plug(`n${netIndex}h${memberIndex}`, ns, device);
      commands.push(['-n', ns, 'addr', 'add', member.address, 'dev', device], ['-n', ns, 'link', 'set', device, 'up']);
      if (!firstInterface.has(member.host)) firstInterface.set(member.host, device);
      const address = member.address.split('/')[0] as string;
      if (!firstAddress.has(member.host)) firstAddress.set(member.host, address);
      const account = topology.metadata?.serviceAccounts[member.host];
      if (account !== undefined) accounts[address] = account;
    });
    if (metadataNs) {
      const device = `eth${netIndex}`;
      plug(`n${netIndex}md`, metadataNs, device);
      commands.push(['-n', metadataNs, 'link', 'set', device, 'up'], ['-n', metadataNs, 'route', 'add', network.subnet, 'dev', device]);
    }
  });
  if (metadataNs) {
    commands.push(['-n', metadataNs, 'addr', 'add', `${METADATA_ADDRESS}/32`, 'dev', 'lo']);
    for (const [host, ns] of hostNamespaces) {
      commands.push(['-n', ns, 'route', 'add', `${METADATA_ADDRESS}/32`, 'dev', firstInterface.get(host) as string]);
    }
  }
  for (const [host, routes] of Object.entries(topology.routes)) {
    for (const route of routes) commands.push(['-n', hostNamespaces.get(host) as string, 'route', 'add', ...route]);
  }
  return {
    id,
    namespaces,
    hostNamespaces,
    commands,
    hostsFile: hostsFile(topology, firstAddress),
    ...(metadataNs && { metadata: { namespace: metadataNs, accounts } }),
  };
}

/** Every lab host by its first address, and the metadata server by its GCP name. */
function hostsFile(topology: LabTopology, firstAddress: Map<string, string>): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const host of topology.hosts) lines.push(`${firstAddress.get(host.name)}\t${host.name}`);
  if (topology.metadata) lines.push(`${METADATA_ADDRESS}\tmetadata.google.internal metadata`);
  return `${lines.join('\n')}\n`;
}
