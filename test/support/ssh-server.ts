import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './processes.js';

/**
 * A real OpenSSH server for the remote-host tests, inside a network namespace of its own
 * (`atssh-…`), reached from this namespace over a veth pair with TEST-NET-2 addresses. Keys,
 * host key and known hosts are throwaway files in a temporary directory; a client uses them
 * through the ssh_config file `clientConfig`.
 */
export interface SshServer {
  /** The server's address (198.51.100.x). */
  readonly address: string;
  readonly namespace: string;
  /** The namespace as `readlink /proc/PID/ns/net` shows it for a process inside (`net:[inode]`). */
  readonly netns: string;
  /** An ssh_config for clients: the user key, the known hosts, and `Host` aliases given to `startSshServer`. */
  readonly clientConfig: string;
  /** Connections the server accepted (authenticated), from its log. */
  acceptedConnections(): number;
  /** Live processes in the server's namespace other than the listening sshd, with their command lines. */
  processesInside(): { pid: number; command: string }[];
  stop(): Promise<void>;
}

const PREFIX = 'atssh';

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A /30 of 198.51.100.128/25 that no route of this namespace covers yet. */
function freeSubnet(): number {
  const routes = run('ip', '-4', 'route', 'show');
  for (let attempt = 0; attempt < 64; attempt++) {
    const base = 128 + 4 * Math.floor(Math.random() * 31);
    if (!routes.includes(`198.51.100.${base}/`) && !routes.includes('198.51.100.0/24') && !routes.includes('198.51.100.128/25'))
      return base;
  }
  throw new Error('no free /30 in 198.51.100.128/25');
}

/**
 * Gives `device` the first address of a free /30 and returns the /30's base. Test files run in
 * parallel: one that picked the same /30 at the same moment is seen once both addresses are
 * there, and the later one (or both) tries another.
 */
function claimSubnet(device: string): number {
  for (let attempt = 0; attempt < 16; attempt++) {
    const base = freeSubnet();
    const address = `198.51.100.${base + 1}/30`;
    run('ip', 'addr', 'add', address, 'dev', device);
    if (run('ip', '-4', '-o', 'addr', 'show', 'to', `198.51.100.${base}/30`).trim().split('\n').length === 1) return base;
    run('ip', 'addr', 'del', address, 'dev', device);
  }
  throw new Error('no free /30 in 198.51.100.128/25');
}

/** Starts sshd in a fresh namespace. `aliases` become `Host` names of the client config. */
export async function startSshServer(aliases: readonly string[] = []): Promise<SshServer> {
  const id = randomBytes(3).toString('hex');
  const namespace = `${PREFIX}-${id}`;
  const outside = `${PREFIX}${id}a`;
  const inside = `${PREFIX}${id}b`;
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}-`));
  let sshd: ChildProcess | undefined;
  const cleanup = async () => {
    if (sshd?.pid && isAlive(sshd.pid)) {
      sshd.kill('SIGTERM');
      await new Promise((resolve) => sshd?.once('exit', resolve));
    }
    for (const pid of namespacePids(namespace)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    try {
      run('ip', 'netns', 'del', namespace);
    } catch {
      // Never made, or gone.
    }
    try {
      run('ip', 'link', 'del', outside);
    } catch {
      // Went with the namespace.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('ip', 'netns', 'add', namespace);
    run('ip', 'link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    run('ip', 'link', 'set', inside, 'netns', namespace);
    const base = claimSubnet(outside);
    const address = `198.51.100.${base + 2}`;
    run('ip', 'link', 'set', outside, 'up');
    run('ip', 'netns', 'exec', namespace, 'ip', 'addr', 'add', `${address}/30`, 'dev', inside);
    run('ip', 'netns', 'exec', namespace, 'ip', 'link', 'set', inside, 'up');
    run('ip', 'netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');

    run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key'));
    run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')), { mode: 0o600 });
    writeFileSync(join(dir, 'known_hosts'), `${address} ${readFileSync(join(dir, 'host_key.pub'), 'utf8')}`);
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `ListenAddress ${address}:22`,
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PidFile none',
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UseDNS no',
        'PrintMotd no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    const clientConfig = join(dir, 'ssh_config');
    writeFileSync(
      clientConfig,
      [
        ...aliases.flatMap((alias) => [`Host ${alias}`, `  HostName ${address}`, '  User root']),
        'Host *',
        `  IdentityFile ${join(dir, 'user_key')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    // sshd refuses to start without its privilege separation directory (a fixed path).
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const log = join(dir, 'sshd.log');
    sshd = spawn('ip', ['netns', 'exec', namespace, '/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', openSync(log, 'a')],
    });
    const listening = await waitUntil(() => readFileSync(log, 'utf8').includes('Server listening'), 10_000);
    if (!listening) throw new Error(`sshd did not start: ${readFileSync(log, 'utf8')}`);
    const sshdPid = sshd.pid ?? 0;
    return {
      address,
      namespace,
      netns: `net:[${statSync(`/run/netns/${namespace}`).ino}]`,
      clientConfig,
      acceptedConnections: () =>
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('Accepted publickey')).length,
      processesInside: () =>
        namespacePids(namespace)
          .filter((pid) => pid !== sshdPid && isAlive(pid))
          .map((pid) => ({ pid, command: commandLine(pid) }))
          .filter((entry) => entry.command !== ''),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function namespacePids(namespace: string): number[] {
  try {
    return run('ip', 'netns', 'pids', namespace).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}
