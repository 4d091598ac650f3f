import { connect } from 'node:net';
import { UserError } from '../errors.js';
import { credentialsFor } from './cloud-credentials.js';
import { readCloudSettings } from './cloud-settings.js';
import { type ComputeApi, type ComputeInstance, openCompute } from './compute-client.js';

export interface ReadinessProgress {
  instance: string;
  /** `status`: waiting for RUNNING; `ssh`: RUNNING, waiting for sshd to answer. */
  phase: 'status' | 'ssh';
  /** The instance's status as last seen. */
  status: string;
  attempt: number;
  elapsedMs: number;
  /** Wait before the next try. */
  nextDelayMs: number;
  /** Why the last ssh probe failed (refused, no banner yet). */
  detail?: string;
}

export interface WaitForInstanceOptions {
  api: Pick<ComputeApi, 'getInstance'>;
  zone: string;
  name: string;
  /** Give up after this long (default 5 minutes: a VM usually boots in under one). */
  timeoutMs?: number;
  /** First wait between tries, doubled each time up to `maxDelayMs` (defaults 1 s and 10 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The port sshd listens on (22). */
  sshPort?: number;
  onProgress?: (progress: ReadinessProgress) => void;
  signal?: AbortSignal;
}

/** Statuses from which an instance does not become RUNNING by waiting. */
const STOPPED = new Set(['STOPPING', 'STOPPED', 'TERMINATED', 'SUSPENDING', 'SUSPENDED']);

/**
 * Waits until a VM is RUNNING and its sshd answers (an `SSH-` banner on port 22 of its
 * external address, else its internal one), polling with a doubling delay, bounded in time,
 * reporting progress. This is what a step on a `gce:` host needs before `gcloud compute ssh`:
 * a VM just created is PROVISIONING, then STAGING, then RUNNING some seconds before sshd
 * listens. Resolves with the instance; fails with what to do when it is stopped, missing, or
 * not ready in time.
 */
export async function waitForInstance(options: WaitForInstanceOptions): Promise<ComputeInstance & { address: string }> {
  const { api, zone, name } = options;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const started = Date.now();
  let delay = options.initialDelayMs ?? 1_000;
  let lastStatus = 'unknown';
  let lastDetail: string | undefined;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const instance = await api.getInstance(zone, name);
    if (!instance) {
      throw new UserError(
        `instance ${name} does not exist in zone ${zone}`,
        `a step before this one creates it; \`gcloud compute instances list\` shows what there is`,
      );
    }
    lastStatus = instance.status;
    if (STOPPED.has(instance.status)) {
      throw new UserError(`instance ${name} is ${instance.status}`, `start it: gcloud compute instances start ${name} --zone ${zone}`);
    }
    let phase: ReadinessProgress['phase'] = 'status';
    if (instance.status === 'RUNNING') {
      phase = 'ssh';
      const address = instance.externalIp ?? instance.internalIp;
      if (address !== undefined) {
        const answer = await sshBanner(address, options.sshPort ?? 22, Math.min(5_000, Math.max(1_000, delay)), options.signal);
        if (answer.ok) return { ...instance, address };
        lastDetail = answer.detail;
      } else {
        lastDetail = 'it has no network address';
      }
    }
    const elapsedMs = Date.now() - started;
    if (elapsedMs + delay > timeoutMs) {
      throw new UserError(
        `instance ${name} was not ready after ${Math.round(elapsedMs / 1000)}s: ${phase === 'ssh' ? `RUNNING, but ssh does not answer (${lastDetail})` : `still ${lastStatus}`}`,
        `see its boot log: gcloud compute instances get-serial-port-output ${name} --zone ${zone}`,
      );
    }
    options.onProgress?.({
      instance: name,
      phase,
      status: lastStatus,
      attempt,
      elapsedMs,
      nextDelayMs: delay,
      ...(phase === 'ssh' && lastDetail !== undefined && { detail: lastDetail }),
    });
    await sleep(delay, options.signal);
    delay = Math.min(maxDelayMs, delay * 2);
  }
}

/**
 * `waitForInstance` for a `gce:` host, configured as gcloud is (project and endpoint from the
 * environment or gcloud's configuration; `project` — the run's PROJECT_ID — wins). This is the
 * call a gce host makes before its first `gcloud compute ssh`.
 */
export async function waitForGceInstance(
  options: Omit<WaitForInstanceOptions, 'api' | 'name'> & { env: NodeJS.ProcessEnv; instance: string; project?: string },
): Promise<ComputeInstance & { address: string }> {
  const { env, instance, project, ...waiting } = options;
  const found = await readCloudSettings(env);
  const settings = { ...found, ...(project ? { project } : {}) };
  const api = await openCompute(settings, credentialsFor(settings, env));
  try {
    return await waitForInstance({ ...waiting, api, name: instance });
  } finally {
    await api.close();
  }
}

/** One line, as `waitForInstance` progress is shown: `alts-server: STAGING (try 2, 3s, next in 4s)`. */
export function describeProgress(progress: ReadinessProgress): string {
  const what = progress.phase === 'ssh' ? `RUNNING, waiting for ssh${progress.detail ? ` (${progress.detail})` : ''}` : progress.status;
  return `${progress.instance}: ${what} (try ${progress.attempt}, ${Math.round(progress.elapsedMs / 1000)}s, next in ${Math.round(progress.nextDelayMs / 1000)}s)`;
}

/**
 * True when something at `host:port` speaks SSH: it sends its `SSH-2.0-…` banner first. An
 * open port is not enough (a VM's port 22 may be answered before sshd runs, or by a proxy).
 */
export function sshBanner(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: boolean; detail?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const done = (result: { ok: boolean; detail?: string }) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done({ ok: false, detail: 'stopped' });
    const timer = setTimeout(() => done({ ok: false, detail: received ? 'no SSH banner' : 'no answer' }), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) done(/^SSH-\d/m.test(received) ? { ok: true } : { ok: false, detail: 'no SSH banner' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, detail: error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message) }),
    );
    socket.on('end', () => done({ ok: false, detail: 'closed without a banner' }));
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Aborted already (during the ssh probe, say): its abort event has fired and will not again.
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
