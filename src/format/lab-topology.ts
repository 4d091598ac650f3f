import { broadcastOf, formatIpv4, type Ipv4Cidr, networkOf, parseCidr, subnetOf, subnetsOverlap } from './ipv4-cidr.js';
import type { HostSpec, LabNetwork, LabTopology } from './tutorial.js';

/** Where the metadata host answers, as on GCP. */
export const METADATA_ADDRESS = '169.254.169.254';

/** The lab keys of a target as the front matter's schema has checked their shapes. */
export interface LabKeys {
  networks?: Record<string, Record<string, string>>;
  routes?: Record<string, string[]>;
  metadata?: { service_accounts?: Record<string, string> };
}

/** A topology problem at a key, given as a path below the target (`['networks', 'front', 'client']`). */
export class TopologyError extends Error {
  constructor(
    message: string,
    readonly keys: string[],
  ) {
    super(message);
  }
}

const DEFAULT_NETWORK = { name: 'lab', first: parseCidr('192.0.2.10/24') as Ipv4Cidr };

/**
 * The topology of a target: undefined when it has no lab hosts. Without `networks`, every lab
 * host is on one network, `lab`, 192.0.2.0/24, from .10 up in declaration order.
 */
export function labTopology(hosts: Record<string, HostSpec>, keys: LabKeys): LabTopology | undefined {
  const labKey = (['networks', 'routes', 'metadata'] as const).find((key) => keys[key] !== undefined);
  const entries = Object.entries(hosts);
  const other = entries.find(([, spec]) => spec.kind !== 'netns');
  if (labKey && other) {
    throw new TopologyError(`only a target whose hosts are all netns hosts has ${labKey} (host ${other[0]} is ${other[1].kind})`, [labKey]);
  }
  const labHosts = entries.flatMap(([name, spec]) => (spec.kind === 'netns' ? [{ name, namespace: spec.namespace }] : []));
  if (labHosts.length === 0) {
    if (labKey) throw new TopologyError(`${labKey} needs netns hosts`, [labKey]);
    return undefined;
  }
  const seen = new Map<string, string>();
  for (const host of labHosts) {
    const first = seen.get(host.namespace);
    if (first) throw new TopologyError(`hosts ${first} and ${host.name} are both netns ${host.namespace}`, ['hosts', host.name]);
    seen.set(host.namespace, host.name);
  }
  const names = labHosts.map((host) => host.name);
  const networks = keys.networks ? checkNetworks(keys.networks, names) : [defaultNetwork(names)];
  const routes: Record<string, string[][]> = {};
  for (const [host, list] of Object.entries(keys.routes ?? {})) {
    requireHost(host, names, ['routes', host]);
    routes[host] = list.map((route, index) => {
      const words = route.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0)
        throw new TopologyError('a route is the arguments of `ip route add`, like "default via 192.0.2.1"', [
          'routes',
          host,
          String(index),
        ]);
      return words;
    });
  }
  const topology: LabTopology = { hosts: labHosts, networks, routes };
  if (keys.metadata) {
    const accounts = keys.metadata.service_accounts ?? {};
    // The emulator identifies hosts by their accounts: without one it could not hand any out.
    if (Object.keys(accounts).length === 0) {
      throw new TopologyError('metadata needs service_accounts: each lab host that uses ALTS, with its service account', ['metadata']);
    }
    for (const [host, account] of Object.entries(accounts)) {
      const at = ['metadata', 'service_accounts', host];
      requireHost(host, names, at);
      // The handshaker emulator refuses such an account when the lab starts it: say so here, at the line.
      if (/\s/.test(account)) throw new TopologyError(`the service account "${account}" contains white space`, at);
    }
    for (const network of networks) {
      for (const member of network.members) {
        if (member.address.startsWith(`${METADATA_ADDRESS}/`)) {
          throw new TopologyError(`${METADATA_ADDRESS} is the metadata host's address`, ['networks', network.name, member.host]);
        }
      }
    }
    topology.metadata = { serviceAccounts: { ...accounts } };
  }
  return topology;
}

function defaultNetwork(hosts: string[]): LabNetwork {
  const { name, first } = DEFAULT_NETWORK;
  const room = broadcastOf(first) - first.address;
  if (hosts.length > room) {
    const problem = `the default network ${subnetOf(first)} has room for ${room} hosts, not ${hosts.length}: declare networks`;
    throw new TopologyError(problem, ['hosts']);
  }
  return {
    name,
    subnet: subnetOf(first),
    members: hosts.map((host, index) => ({ host, address: `${formatIpv4(first.address + index)}/${first.prefix}` })),
  };
}

function checkNetworks(declared: Record<string, Record<string, string>>, hosts: string[]): LabNetwork[] {
  const owners = new Map<number, string>();
  const subnets: Array<{ name: string; cidr: Ipv4Cidr }> = [];
  const networks: LabNetwork[] = [];
  for (const [name, members] of Object.entries(declared)) {
    let subnet: Ipv4Cidr | undefined;
    const network: LabNetwork = { name, subnet: '', members: [] };
    for (const [host, text] of Object.entries(members)) {
      const at = ['networks', name, host];
      requireHost(host, hosts, at);
      const cidr = parseCidr(text);
      if (!cidr || cidr.prefix < 8 || cidr.prefix > 30) {
        throw new TopologyError(`"${text}" is not an IPv4 address with a prefix length from /8 to /30, like 192.0.2.10/24`, at);
      }
      if (cidr.address === networkOf(cidr) || cidr.address === broadcastOf(cidr)) {
        throw new TopologyError(`${text} is the ${cidr.address === networkOf(cidr) ? 'network' : 'broadcast'} address of its subnet`, at);
      }
      if (subnet && (subnet.prefix !== cidr.prefix || networkOf(subnet) !== networkOf(cidr))) {
        throw new TopologyError(`${text} is not in network ${name} (${subnetOf(subnet)})`, at);
      }
      const owner = owners.get(cidr.address);
      if (owner) throw new TopologyError(`${formatIpv4(cidr.address)} is already the address of ${owner}`, at);
      owners.set(cidr.address, host);
      subnet ??= cidr;
      network.members.push({ host, address: `${formatIpv4(cidr.address)}/${cidr.prefix}` });
    }
    if (!subnet) throw new TopologyError(`network ${name} has no hosts`, ['networks', name]);
    // The metadata host reaches every network by its subnet: two networks must not overlap.
    const overlapping = subnets.find((other) => subnetsOverlap(other.cidr, subnet));
    if (overlapping)
      throw new TopologyError(
        `network ${name} (${subnetOf(subnet)}) overlaps network ${overlapping.name} (${subnetOf(overlapping.cidr)})`,
        ['networks', name],
      );
    subnets.push({ name, cidr: subnet });
    network.subnet = subnetOf(subnet);
    networks.push(network);
  }
  const alone = hosts.find((host) => !networks.some((network) => network.members.some((member) => member.host === host)));
  if (alone) throw new TopologyError(`host ${alone} is on no network`, ['networks']);
  return networks;
}

function requireHost(host: string, hosts: string[], at: string[]): void {
  if (!hosts.includes(host)) throw new TopologyError(`unknown host "${host}" (lab hosts: ${hosts.join(', ')})`, at);
}
