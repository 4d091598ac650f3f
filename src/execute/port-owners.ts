import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Who listens on a TCP port, from /proc: for `ready=port:N`, which must be satisfied by the
 * background step's own processes, never by a server somebody else runs. Sockets are per network
 * namespace (a lab host is one), so the table read is the one of a process in the right namespace:
 * /proc/PID/net/tcp{,6}. A socket belongs to the processes whose /proc/PID/fd links to its inode.
 */

const LISTEN = '0A';

/** Inodes of the sockets listening on `port` in the network namespace of process `pid`. */
export function listeningInodes(pid: number, port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  return inodes;
}

interface Holders {
  pids: number[];
  /** Some candidate's descriptors could not be read (another user's process, e.g. under sudo). */
  hidden: boolean;
}

/** The processes among `candidates` that hold one of `inodes`. */
function holdersOf(inodes: ReadonlySet<string>, candidates: Iterable<number>): Holders {
  const holders: Holders = { pids: [], hidden: false };
  if (inodes.size === 0) return holders;
  for (const pid of candidates) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') holders.hidden = true;
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return link.startsWith('socket:[') && inodes.has(link.slice(8, -1));
      } catch {
        return false;
      }
    });
    if (holds) holders.pids.push(pid);
  }
  return holders;
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** [ppid, pgrp] of a process, or undefined once it is gone. */
function parentAndGroup(pid: number): [number, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[1]), Number(fields[2])];
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Who listens on `port` in the network namespace of process `pid` (a host's shell), as
 * "pid 1234 (python3)"; undefined when nobody does.
 */
export function portUser(pid: number, port: number): string | undefined {
  const inodes = listeningInodes(pid, port);
  if (inodes.size === 0) return undefined;
  const { pids } = holdersOf(inodes, allPids());
  const first = pids[0];
  return first === undefined ? 'a process this user cannot inspect' : `pid ${first} (${commandName(first)})`;
}

/**
 * The processes of a background step: those of its process group and their descendants (a
 * server started under sudo, or one that made a session of its own, is still the step's).
 */
export function processTree(group: number): number[] {
  const parents = new Map<number, number>();
  const tree = new Set<number>();
  for (const pid of allPids()) {
    const found = parentAndGroup(pid);
    if (!found) continue;
    parents.set(pid, found[0]);
    if (found[1] === group) tree.add(pid);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/**
 * Whether a process of the step's tree listens on `port`, in any network namespace its processes
 * are in. A listener whose holder cannot be seen counts when a process of the tree cannot be
 * inspected either (a server under sudo): the port was free when the step started.
 */
export function treeListensOn(group: number, port: number): boolean {
  const tree = processTree(group);
  const namespaces = new Map<string, number>();
  for (const pid of tree) {
    try {
      const namespace = readlinkSync(`/proc/${pid}/ns/net`);
      if (!namespaces.has(namespace)) namespaces.set(namespace, pid);
    } catch {
      // Gone, or not ours to read: its descriptors are not readable either.
    }
  }
  if (namespaces.size === 0 && tree[0] !== undefined) namespaces.set('', tree[0]);
  const inodes = new Set<string>();
  for (const pid of namespaces.values()) for (const inode of listeningInodes(pid, port)) inodes.add(inode);
  if (inodes.size === 0) return false;
  const holders = holdersOf(inodes, tree);
  if (holders.pids.length > 0) return true;
  return holders.hidden && holdersOf(inodes, allPids()).pids.length === 0;
}
