import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { onPath } from '../execute/on-path.js';

/** How this machine makes a lab: root's named namespaces, or a user namespace of an ordinary user. */
export type LabMode = 'netns' | 'userns';

/** The programs the lab runs, and the package each comes from. */
const PROGRAMS: Array<[string, string]> = [
  ['ip', 'iproute2'],
  ['unshare', 'util-linux'],
  ['mount', 'mount'],
  ['hostname', 'hostname'],
];
const USERNS_PROGRAMS: Array<[string, string]> = [['nsenter', 'util-linux']];

// Bits of the effective capability set (linux/capability.h).
const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

/**
 * How the lab can run here, or what this machine lacks for it, as a sentence a person can act
 * on. The lab makes network namespaces, veth pairs and mounts: as root with CAP_NET_ADMIN and
 * CAP_SYS_ADMIN, or as an ordinary user inside a user namespace where the kernel allows them.
 */
export function labSupport(env: NodeJS.ProcessEnv = process.env): { mode: LabMode } | { missing: string } {
  if (process.platform !== 'linux')
    return { missing: `the local lab needs Linux network namespaces; this machine runs ${process.platform}` };
  const root = process.getuid?.() === 0;
  const programs = [...PROGRAMS, ...(root ? [] : USERNS_PROGRAMS)].filter(([program]) => !onPath(program, env.PATH ?? ''));
  const missing: string[] = [];
  if (programs.length > 0) missing.push(`the programs ${programs.map(([program, pkg]) => `${program} (package ${pkg})`).join(', ')}`);
  if (root) {
    const capabilities = effectiveCapabilities();
    const lacking = [
      [CAP_NET_ADMIN, 'CAP_NET_ADMIN'],
      [CAP_SYS_ADMIN, 'CAP_SYS_ADMIN'],
    ].flatMap(([bit, name]) => ((capabilities >> BigInt(bit as number)) & 1n ? [] : [name as string]));
    if (lacking.length > 0) {
      missing.push(
        `the capabilities ${lacking.join(' and ')}, which this root lacks (a container needs --privileged, or --cap-add for them)`,
      );
    }
  } else if (programs.length === 0) {
    const userns = userNamespacesRefused(env);
    if (userns) missing.push(`root, or user namespaces, which ${userns} (run alts-tutor as root, for example with sudo)`);
  }
  if (missing.length > 0) return { missing: `the local lab cannot run here: it needs ${missing.join('; and ')}` };
  return { mode: root ? 'netns' : 'userns' };
}

/** What this machine lacks for the lab; undefined when the lab can run here. */
export function labMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const support = labSupport(env);
  return 'missing' in support ? support.missing : undefined;
}

/** Why an ordinary user cannot make a user namespace with a network namespace in it; undefined when they can. */
function userNamespacesRefused(env: NodeJS.ProcessEnv): string | undefined {
  const tried = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', '--', 'true'], {
    env,
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (tried.status === 0) return undefined;
  const settings = [
    ['/proc/sys/kernel/unprivileged_userns_clone', '0', 'kernel.unprivileged_userns_clone is 0'],
    ['/proc/sys/kernel/apparmor_restrict_unprivileged_userns', '1', 'kernel.apparmor_restrict_unprivileged_userns is 1'],
    ['/proc/sys/user/max_user_namespaces', '0', 'user.max_user_namespaces is 0'],
  ].flatMap(([file, value, sentence]) => (readSetting(file as string) === value ? [sentence as string] : []));
  const said = (tried.stderr ?? '').trim().split('\n')[0];
  return `this kernel refuses to an ordinary user (${settings.length > 0 ? settings.join(', ') : said || 'unshare --user failed'})`;
}

function readSetting(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function effectiveCapabilities(): bigint {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return hex ? BigInt(`0x${hex}`) : 0n;
  } catch {
    return 0n;
  }
}
