import { readdirSync, statSync } from 'node:fs';
import { processRunning, sleep } from '../execute/process-groups.js';

/**
 * The processes whose namespace of `kind` is one of those the files `handles` refer to
 * (`/run/netns/<ns>`, `/proc/<pid>/ns/user`): what `ip netns pids` finds, for any kind.
 */
export function processesIn(kind: 'net' | 'user', handles: string[]): number[] {
  const wanted = new Set(handles.map(namespaceIdentity).filter((identity) => identity !== undefined));
  if (wanted.size === 0) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid && wanted.has(namespaceIdentity(`/proc/${pid}/ns/${kind}`) ?? ''));
}

/** Device and inode of a namespace handle: equal for every handle of one namespace. */
export function namespaceIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/** SIGKILL to each process, now. */
export function killNow(pids: number[]): void {
  for (const pid of pids) signal(pid, 'SIGKILL');
}

/** SIGTERM to each process, and SIGKILL to those still running after `graceMs`. */
export async function terminate(pids: number[], graceMs: number): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(processRunning) && Date.now() < deadline) await sleep(25);
  killNow(pids.filter(processRunning));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
