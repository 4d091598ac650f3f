/** IPv4 addresses with a prefix length (`192.0.2.10/24`), as lab topologies write them. */
export interface Ipv4Cidr {
  /** The address as an unsigned 32-bit number. */
  address: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is not one (octets above 255, a prefix above 32). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR.exec(text.trim());
  if (!match) return undefined;
  const [octets, prefix] = [match.slice(1, 5).map(Number), Number(match[5])];
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { address, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The first address of the cidr's subnet. */
export function networkOf(cidr: Ipv4Cidr): number {
  return (cidr.address & mask(cidr.prefix)) >>> 0;
}

/** The last address of the cidr's subnet. */
export function broadcastOf(cidr: Ipv4Cidr): number {
  return (networkOf(cidr) | ~mask(cidr.prefix)) >>> 0;
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

/** `192.0.2.0/24` for `192.0.2.10/24`. */
export function subnetOf(cidr: Ipv4Cidr): string {
  return `${formatIpv4(networkOf(cidr))}/${cidr.prefix}`;
}

/** True when the two subnets share an address. */
export function subnetsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return networkOf(a) <= broadcastOf(b) && networkOf(b) <= broadcastOf(a);
}
