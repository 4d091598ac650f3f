import { readdirSync, readFileSync } from 'node:fs';

/** Process groups of the direct children of `pid`, read from /proc. */
export function childProcessGroups(pid: number): Set<number> {
  const groups = new Set<number>();
  for (const child of childPids(pid)) {
    const group = processGroupOf(child);
    if (group !== undefined) groups.add(group);
  }
  return groups;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: scan every process for its parent.
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((candidate) => statFields(candidate)?.[1] === String(pid));
  }
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, …]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True while a process runs; a zombie (killed, never reaped) does not count. */
export function processRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

export function processGroupOf(pid: number): number | undefined {
  const group = statFields(pid)?.[2];
  return group === undefined ? undefined : Number(group);
}

/** Signals a whole process group; false when it no longer exists. */
export function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while a process of the group is running. Zombies do not count: where PID 1 does not reap
 * orphans (containers), a killed group's zombies would otherwise look alive forever.
 */
export function groupAlive(group: number): boolean {
  if (!signalGroup(group, 0)) return false;
  return readdirSync('/proc').some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const fields = statFields(Number(name));
    return fields !== undefined && Number(fields[2]) === group && fields[0] !== 'Z';
  });
}

/** SIGTERM to each group, then SIGKILL to whatever is left after `graceMs`. */
export async function terminateGroups(groups: Iterable<number>, graceMs = 2000): Promise<void> {
  const alive = [...groups].filter((group) => signalGroup(group, 'SIGTERM'));
  const deadline = Date.now() + graceMs;
  while (alive.some(groupAlive) && Date.now() < deadline) await sleep(25);
  for (const group of alive) signalGroup(group, 'SIGKILL');
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A wait that does not keep the process alive by itself: for bounding another wait. */
export function graceTimer(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds).unref());
}
