import { readdirSync } from 'node:fs';
import { UserError } from '../errors.js';

/** Every name the lab gives a namespace starts with this, so that leftovers can be found. */
const DEFAULT_LAB_PREFIX = 'altslab-';

/** Where `ip netns` keeps its namespaces, and where `ip netns exec` finds per-namespace /etc files. */
export const NETNS_DIR = '/run/netns';
export const ETC_NETNS_DIR = '/etc/netns';

const PREFIX = /^[a-z][a-z0-9-]{0,19}$/;

/** The prefix of lab names: `ALTS_TUTOR_LAB_PREFIX` (tests use their own), else `altslab-`. */
export function labPrefix(env: NodeJS.ProcessEnv): string {
  const prefix = env.ALTS_TUTOR_LAB_PREFIX || DEFAULT_LAB_PREFIX;
  if (!PREFIX.test(prefix)) {
    throw new UserError(
      `ALTS_TUTOR_LAB_PREFIX "${prefix}" is not a lab name prefix`,
      'use up to 20 lowercase letters, digits and "-", starting with a letter',
    );
  }
  return prefix;
}

/** The namespace of the lab host whose `netns:` is `name`. */
export function hostNamespace(labId: string, name: string): string {
  return `${labId}-${name}`;
}

/**
 * The lab's own namespaces: a double dash, which no host's can have (a `netns` name starts with a
 * letter or digit).
 */
export function switchNamespace(labId: string): string {
  return `${labId}--switch`;
}

export function metadataNamespace(labId: string): string {
  return `${labId}--metadata`;
}

/** The lab ids that names in `names` belong to (`altslab-3f9a-client` → `altslab-3f9a`). */
export function labIdsIn(names: Iterable<string>, prefix: string): Set<string> {
  const pattern = new RegExp(`^(${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[0-9a-f]{4})-`);
  const ids = new Set<string>();
  for (const name of names) {
    const id = pattern.exec(name)?.[1];
    if (id) ids.add(id);
  }
  return ids;
}

/** The namespaces of a lab that exist now. */
export function labNamespaces(labId: string): string[] {
  return namesIn(NETNS_DIR)
    .filter((name) => name.startsWith(`${labId}-`))
    .sort();
}

export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
