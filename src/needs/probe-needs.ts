import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { findProgram, isExecutable } from '../execute/on-path.js';
import { goLibraryDir, type KernelFeature, type Need } from './need-catalog.js';

/** What this machine has of one need. */
export interface NeedStatus {
  found: boolean;
  /** The version found, as its program prints it (first line), or the package's. */
  version?: string;
  /** Why it is missing, when that is more than "not installed" (a kernel setting, a capability). */
  detail?: string;
}

/** The environment a probe reads: PATH, and whether it runs as root. */
export interface ProbeContext {
  env: NodeJS.ProcessEnv;
  root: boolean;
  /** Ask programs their version (doctor); a run's preflight only needs found or not. */
  versions?: boolean;
}

export function probeContext(env: NodeJS.ProcessEnv = process.env, versions = false): ProbeContext {
  return { env, root: process.getuid?.() === 0, versions };
}

/** Whether `need` is on this machine. */
export function probeNeed(need: Need, context: ProbeContext): NeedStatus {
  const { check } = need;
  switch (check.kind) {
    case 'program': {
      const path = findProgram(check.command, context.env.PATH) ?? check.paths?.find(isExecutable);
      if (!path) return { found: false };
      const version = context.versions && check.version ? programVersion(path, check.version, context.env) : undefined;
      return { found: true, ...(version && { version }) };
    }
    case 'go-library': {
      if (!existsSync(goLibraryDir(check.importPath))) return { found: false };
      const version = context.versions && need.package ? packageVersion(need.package) : undefined;
      return { found: true, ...(version && { version }) };
    }
    case 'kernel':
      return probeKernel(check.feature, context);
  }
}

function programVersion(path: string, args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const ran = spawnSync(path, args, { env, encoding: 'utf8', timeout: 10_000 });
  const text = `${ran.stdout ?? ''}\n${ran.stderr ?? ''}`;
  const line = text.split('\n').find((candidate) => /\d+\.\d+/.test(candidate));
  const version = line && /\d+(?:\.\d+)+[\w.~+-]*/.exec(line)?.[0];
  return version || undefined;
}

function packageVersion(pkg: string): string | undefined {
  const ran = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8', timeout: 10_000 });
  return ran.status === 0 && ran.stdout ? ran.stdout.trim() : undefined;
}

// Bits of the effective capability set (linux/capability.h).
const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

function probeKernel(feature: KernelFeature, context: ProbeContext): NeedStatus {
  const release = context.versions ? readSetting('/proc/sys/kernel/osrelease') : undefined;
  // A kernel need is there unless something is lacking, which `lacking` says in words.
  const unless = (lacking?: string): NeedStatus =>
    lacking === undefined ? { found: true, ...(release && { version: release }) } : { found: false, detail: lacking };
  if (process.platform !== 'linux') return { found: false, detail: `Linux namespaces; this machine runs ${process.platform}` };
  switch (feature) {
    case 'netns': {
      if (!existsSync('/proc/self/ns/net')) return unless('this kernel has no network namespaces (CONFIG_NET_NS)');
      if (!context.root) return unless();
      const capabilities = effectiveCapabilities();
      const lacking = [
        [CAP_NET_ADMIN, 'CAP_NET_ADMIN'],
        [CAP_SYS_ADMIN, 'CAP_SYS_ADMIN'],
      ].flatMap(([bit, name]) => ((capabilities >> BigInt(bit as number)) & 1n ? [] : [name as string]));
      return unless(
        lacking.length > 0 ? `this root lacks ${lacking.join(' and ')} (a container needs --privileged, or --cap-add for them)` : undefined,
      );
    }
    case 'userns':
      return unless(userNamespacesRefused(context.env));
    case 'tproxy':
      return probeTproxy(context);
  }
}

/** Why an ordinary user cannot make a user namespace with a network namespace in it; undefined when they can. */
function userNamespacesRefused(env: NodeJS.ProcessEnv): string | undefined {
  const settings = [
    [
      '/proc/sys/kernel/unprivileged_userns_clone',
      '0',
      'kernel.unprivileged_userns_clone is 0 (sysctl -w kernel.unprivileged_userns_clone=1)',
    ],
    [
      '/proc/sys/kernel/apparmor_restrict_unprivileged_userns',
      '1',
      'kernel.apparmor_restrict_unprivileged_userns is 1 (sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)',
    ],
    ['/proc/sys/user/max_user_namespaces', '0', 'user.max_user_namespaces is 0 (sysctl -w user.max_user_namespaces=10000)'],
  ].flatMap(([file, value, sentence]) => (readSetting(file as string) === value ? [sentence as string] : []));
  if (!findProgram('unshare', env.PATH)) return settings.length > 0 ? `this kernel refuses them: ${settings.join(', ')}` : undefined;
  const tried = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', '--', 'true'], {
    env,
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (tried.status === 0) return undefined;
  const said = (tried.stderr ?? '').trim().split('\n')[0];
  return `this kernel refuses them to an ordinary user: ${settings.length > 0 ? settings.join(', ') : said || 'unshare --user failed'}`;
}

/**
 * TPROXY is there when the kernel lists the target (built in, or its module loaded), or when the
 * module is installed for this kernel and iptables will load it on first use. Where neither can be
 * read (an ordinary user may not read the list; a container has no /lib/modules, and the host's
 * kernel loads modules for it), it is not known: the tutorial's own check step says.
 */
function probeTproxy(context: ProbeContext): NeedStatus {
  const targets = readSetting('/proc/net/ip_tables_targets');
  if (targets !== undefined && /^TPROXY$/m.test(targets)) return { found: true, ...(context.versions && { version: 'listed' }) };
  const release = readSetting('/proc/sys/kernel/osrelease') ?? '';
  const modules = `/lib/modules/${release}`;
  if (targets === undefined || !existsSync(modules)) return { found: true, ...(context.versions && { version: 'not known here' }) };
  if (/xt_TPROXY/.test(readSetting(`${modules}/modules.dep`) ?? '') || /xt_TPROXY/.test(readSetting(`${modules}/modules.builtin`) ?? '')) {
    return { found: true, ...(context.versions && { version: 'module' }) };
  }
  return {
    found: false,
    detail: `this kernel (${release}) has no TPROXY target: neither built in nor a module xt_TPROXY under ${modules}`,
  };
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
