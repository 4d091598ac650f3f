import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { formatDuration } from '../format/durations.js';
import type { ConcreteReadiness } from '../format/tutorial.js';
import { treeListensOn } from './port-owners.js';
import { sleep } from './process-groups.js';
import { type PortHolder, parsePortHolders, portHoldersScript } from './remote-port-holders.js';

/** `note`: the step passed, but something about it is worth saying (it ended at once). */
export type ReadinessResult = { ready: true; note?: string } | { ready: false; reason: string };

/**
 * A background step with no \`ready\` is watched this long: ending in it with a non-zero status (a
 * typo, a port in use, a missing file) fails the step instead of passing unnoticed. Ending with 0
 * passes, with a note: the job did its work at once, nothing is left running.
 */
export const EARLY_EXIT_MS = 1000;

export interface ReadinessWatch {
  /** The background step's output so far. */
  output(): string;
  /** Resolves when the background step ends. */
  ended: Promise<number | undefined>;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Checks a port or URL from the host the step runs on. Without it they are checked from this
   * machine, which cannot see into a lab namespace or a remote VM.
   */
  probe?: (readiness: NetworkReadiness) => Promise<boolean>;
  /**
   * The job's process group, when its processes are processes of this machine (a local or lab
   * host): a port is ready only when one of them listens on it (port-owners.ts), not when somebody
   * else's server answers. Remote hosts are probed by connecting (see docs/format.md).
   */
  group?: number;
}

export type NetworkReadiness = Extract<ConcreteReadiness, { kind: 'port' | 'http' }>;

const POLL_MS = 50;

/** Waits until a background step is ready, ends, times out, or the run is interrupted. */
export async function waitUntilReady(readiness: ConcreteReadiness | undefined, watch: ReadinessWatch): Promise<ReadinessResult> {
  let endedWith: { status: number | undefined } | undefined;
  void watch.ended.then((status) => {
    endedWith = { status };
  });
  if (readiness === undefined) return watchEarlyExit(watch);
  const deadline = Date.now() + watch.timeoutMs;
  for (;;) {
    if (await isReady(readiness, watch)) return { ready: true };
    if (endedWith) {
      const how = endedWith.status === undefined ? 'was killed' : `exited with status ${endedWith.status}`;
      return { ready: false, reason: `the background step ${how} before it was ready` };
    }
    if (watch.signal?.aborted) return { ready: false, reason: 'interrupted' };
    if (Date.now() >= deadline) {
      return { ready: false, reason: `not ready after ${formatDuration(watch.timeoutMs)} (${describeReadiness(readiness)})` };
    }
    await sleep(POLL_MS);
  }
}

/** With no readiness: ready unless the job ends badly within its first second. */
async function watchEarlyExit(watch: ReadinessWatch): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const aborted = new Promise<'aborted'>((resolve) => watch.signal?.addEventListener('abort', () => resolve('aborted'), { once: true }));
  const waited = new Promise<'waited'>((resolve) => {
    timer = setTimeout(() => resolve('waited'), Math.min(EARLY_EXIT_MS, watch.timeoutMs));
  });
  const ended = watch.ended.then((status) => ({ status }));
  const first = await Promise.race([ended, waited, aborted]);
  clearTimeout(timer);
  if (first === 'waited') return { ready: true };
  if (first === 'aborted') return { ready: false, reason: 'interrupted' };
  if (first.status === 0) return { ready: true, note: 'the background step exited with status 0 at once: nothing is left running' };
  const how = first.status === undefined ? 'was killed' : `exited with status ${first.status}`;
  return { ready: false, reason: `the background step ${how} within its first second${outputTail(watch.output())}` };
}

/** The last lines of a job's output, for a failure's reason. */
function outputTail(output: string): string {
  const lines = output.trimEnd().split('\n').slice(-5).join('\n').slice(-800);
  return lines === '' ? ' (it printed nothing)' : `; its output ended with:\n${lines}`;
}

async function isReady(readiness: ConcreteReadiness | undefined, watch: ReadinessWatch): Promise<boolean> {
  switch (readiness?.kind) {
    case undefined:
      return true;
    case 'output':
      return readiness.pattern.test(watch.output());
    case 'port':
      if (watch.group !== undefined) return treeListensOn(watch.group, readiness.port);
      if (watch.probe) return watch.probe(readiness);
      return (await portOpen(readiness.port, '127.0.0.1')) || portOpen(readiness.port, '::1');
    case 'http':
      return watch.probe ? watch.probe(readiness) : httpOk(readiness.url);
  }
}

type ProbeShell = {
  capture(body: string, timeoutMs?: number): Promise<{ exitCode: number; stdout: string }>;
  setVariable(name: string, value: string, secret: boolean): Promise<void>;
};

/**
 * A probe run by the host's own shell. A port is ready when a process of the job's tree
 * (`group`, the job's process group on that host) listens on it, as the host's /proc tells;
 * where it cannot tell, when bash's /dev/tcp connects. A URL is asked with curl (given to the
 * shell as a variable's value, never as shell text).
 */
export function shellProbe(shell: ProbeShell, group?: number): (readiness: NetworkReadiness) => Promise<boolean> {
  let urlGiven: string | undefined;
  return async (readiness) => {
    if (readiness.kind === 'port') {
      const holders = group === undefined ? undefined : await remoteHolders(shell, readiness.port, group);
      return holders ? holders.some((holder) => holder.own) : connects(shell, readiness.port);
    }
    // Once per wait, not once per poll: the URL does not change while the step gets ready.
    if (urlGiven !== readiness.url) {
      await shell.setVariable('__alts_ready_url', readiness.url, false);
      urlGiven = readiness.url;
    }
    const { exitCode } = await shell.capture('curl -fsS -o /dev/null --max-time 1 -- "$__alts_ready_url"', 5000);
    return exitCode === 0;
  };
}

/**
 * Who listens on `port` of a remote host before a step starts, as "pid 1234 (python3)";
 * undefined when nobody does.
 */
export async function remotePortUser(shell: ProbeShell, port: number): Promise<string | undefined> {
  const holders = await remoteHolders(shell, port, 0);
  if (holders === undefined) return (await connects(shell, port)) ? 'another process' : undefined;
  const first = holders[0];
  return first && `pid ${first.pid} (${first.name})`;
}

async function remoteHolders(shell: ProbeShell, port: number, group: number): Promise<PortHolder[] | undefined> {
  const { exitCode, stdout } = await shell.capture(portHoldersScript(port, group), 5000);
  return parsePortHolders(exitCode, stdout);
}

async function connects(shell: ProbeShell, port: number): Promise<boolean> {
  const { exitCode } = await shell.capture(`exec 3<>/dev/tcp/127.0.0.1/${port} || exec 3<>/dev/tcp/::1/${port}`, 5000);
  return exitCode === 0;
}

export function describeReadiness(readiness: ConcreteReadiness | undefined): string {
  switch (readiness?.kind) {
    case undefined:
      return 'started';
    case 'output':
      return `output matching /${readiness.pattern.source}/`;
    case 'port':
      return `port ${readiness.port} accepting connections`;
    case 'http':
      return `${readiness.url} answering 2xx`;
  }
}

function portOpen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: 500 });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const send = url.startsWith('https:') ? httpsRequest : request;
    const req = send(url, { method: 'GET', timeout: 1000 }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
