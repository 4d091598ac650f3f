import { spawnSync } from 'node:child_process';
import { findProgram } from '../execute/on-path.js';

/** How this process can install Debian packages: as root, through sudo, or not at all (and why). */
export type Installer = { kind: 'root' } | { kind: 'sudo' } | { kind: 'none'; why: 'no-apt' | 'not-root' };

/**
 * Root installs with apt-get; an ordinary user through sudo when sudo lets them without a password
 * (a password prompt cannot be answered inside a step); otherwise nobody here can.
 */
export function findInstaller(env: NodeJS.ProcessEnv, root = process.getuid?.() === 0): Installer {
  if (!hasApt(env)) return { kind: 'none', why: 'no-apt' };
  if (root) return { kind: 'root' };
  const sudo = findProgram('sudo', env.PATH);
  if (sudo && spawnSync(sudo, ['-n', 'true'], { env, stdio: 'ignore', timeout: 10_000 }).status === 0) return { kind: 'sudo' };
  return { kind: 'none', why: 'not-root' };
}

/** This is a Debian or Ubuntu machine, with apt-get to install packages. */
export function hasApt(env: NodeJS.ProcessEnv): boolean {
  return findProgram('apt-get', env.PATH) !== undefined || findProgram('apt-get', '/usr/bin:/bin') !== undefined;
}

/**
 * The shell command that installs `packages`: what the prepare step runs and `doctor` prints.
 * apt's lists are refreshed first: on a new machine they are empty, and install finds nothing.
 * The progress apt prints stays visible.
 */
export function installCommand(packages: readonly string[], via: 'root' | 'sudo'): string {
  const sudo = via === 'sudo' ? 'sudo ' : '';
  return `${sudo}apt-get update && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** The one line a person copies: as root as it is, else through sudo. */
export function copyPasteCommand(packages: readonly string[], root = process.getuid?.() === 0): string {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}
