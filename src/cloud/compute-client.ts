import { UserError } from '../errors.js';
import type { CloudCredentials } from './cloud-credentials.js';
import { CloudApiError, toCloudApiError } from './cloud-errors.js';
import type { CloudSettings } from './cloud-settings.js';
import { fetchGoogle, type GoogleRequest } from './google-http.js';

/** The Compute Engine v1 clients of @google-cloud/compute. */
type ComputeV1 = typeof import('@google-cloud/compute/build/src/v1/index.js');
type Instance = import('@google-cloud/compute').protos.google.cloud.compute.v1.IInstance;
type Operation = import('@google-cloud/compute').protos.google.cloud.compute.v1.IOperation;

let loading: Promise<ComputeV1> | undefined;

/**
 * @google-cloud/compute, loaded on first use: its import and protocol definitions cost about a
 * second, which `list`, `--help` and a local run must never pay. Only the v1 clients are
 * loaded: the package's main module also loads v1beta and v1small, twice the time.
 */
export function loadComputeLibrary(): Promise<ComputeV1> {
  loading ??= import('@google-cloud/compute/build/src/v1/index.js');
  return loading;
}

export interface ComputeInstance {
  name: string;
  zone: string;
  status: string;
  labels: Record<string, string>;
  machineType?: string;
  internalIp?: string;
  externalIp?: string;
}

export interface ComputeQuota {
  metric: string;
  limit: number;
  usage: number;
}

export interface ComputeFirewall {
  name: string;
  description: string;
}

/** What alts-tutor asks of Compute Engine, in one project. Errors are `CloudApiError`s. */
export interface ComputeApi {
  readonly project: string;
  /** The base URL requests go to (gcloud's `api_endpoint_overrides/compute`, or Google's). */
  readonly endpoint: string;
  /** The project, with its project-wide quotas (CPUS_ALL_REGIONS…). */
  getProject(): Promise<{ name: string; quotas: ComputeQuota[] }>;
  /** Undefined when the zone does not exist. */
  getZone(zone: string): Promise<{ name: string; status: string; region: string } | undefined>;
  getRegionQuotas(region: string): Promise<ComputeQuota[]>;
  /** Undefined when the machine type is not offered in the zone. */
  getMachineType(zone: string, type: string): Promise<{ guestCpus: number } | undefined>;
  /** Instances of one zone, or of every zone; `filter` is Compute's list filter. */
  listInstances(options: { zone?: string; filter?: string }): Promise<ComputeInstance[]>;
  /** Undefined when there is no such instance. */
  getInstance(zone: string, name: string): Promise<ComputeInstance | undefined>;
  /** Deletes and waits until Compute says it is done. */
  deleteInstance(zone: string, name: string): Promise<void>;
  listFirewalls(): Promise<ComputeFirewall[]>;
  getFirewall(name: string): Promise<ComputeFirewall | undefined>;
  deleteFirewall(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads are retried when Compute is briefly unavailable (as the library does), but for 20
 * seconds, not its ten minutes: an API that keeps failing is reported. Writes are not retried.
 */
const CALL_OPTIONS = {
  timeout: 60_000,
  retry: {
    retryCodes: [4, 14], // DEADLINE_EXCEEDED, UNAVAILABLE
    backoffSettings: {
      initialRetryDelayMillis: 250,
      retryDelayMultiplier: 2,
      maxRetryDelayMillis: 5_000,
      initialRpcTimeoutMillis: 30_000,
      rpcTimeoutMultiplier: 1,
      maxRpcTimeoutMillis: 30_000,
      totalTimeoutMillis: 20_000,
    },
  },
};
const WRITE_OPTIONS = { timeout: 60_000 };
/** How long a delete may take before the command gives up waiting (VMs take a minute or two). */
const OPERATION_TIMEOUT_MS = 10 * 60_000;

/**
 * Compute Engine for `settings.project`, at gcloud's endpoint and with gcloud's credentials:
 * `http://127.0.0.1:PORT/compute/v1/` as an override means plain HTTP to that port, and with
 * credentials disabled no `authorization` header is sent at all.
 */
export async function openCompute(settings: CloudSettings, credentials: CloudCredentials): Promise<ComputeApi> {
  const project = settings.project;
  if (!project) throw new CloudApiError('Compute', 'no project is set', undefined, undefined, 'run `gcloud config set project PROJECT_ID`');
  const compute = await loadComputeLibrary();
  const endpoint = settings.endpoints.compute;
  const base = new URL(endpoint);
  const protocol = base.protocol.replace(':', '');
  // The library puts the path (`/compute/v1/…`) after host and port itself; an override with a
  // different path gets its requests moved under it.
  const rewrite = (url: string) => {
    const parsed = new URL(url);
    if (parsed.pathname.startsWith('/compute/v1/')) parsed.pathname = `${base.pathname}${parsed.pathname.slice('/compute/v1/'.length)}`;
    return parsed.toString();
  };
  // google-gax sends every request through `auth.fetch` and asks nothing else of it.
  const auth = {
    getRequestHeaders: async () => new Headers(await credentials.headers()),
    fetch: (url: string, init: GoogleRequest) => fetchGoogle('Compute', rewrite(url), init, credentials),
  };
  const options = {
    apiEndpoint: base.hostname,
    port: base.port ? Number(base.port) : protocol === 'http' ? 80 : 443,
    protocol,
    fallback: true,
    auth,
  } as unknown as ConstructorParameters<ComputeV1['InstancesClient']>[0];

  // Each client parses its share of a large protocol description: made when first needed.
  const made = new Map<string, unknown>();
  function client<
    K extends
      | 'InstancesClient'
      | 'FirewallsClient'
      | 'ZonesClient'
      | 'RegionsClient'
      | 'ProjectsClient'
      | 'MachineTypesClient'
      | 'ZoneOperationsClient'
      | 'GlobalOperationsClient',
  >(name: K): InstanceType<ComputeV1[K]> {
    let existing = made.get(name) as InstanceType<ComputeV1[K]> | undefined;
    if (!existing) {
      existing = new compute[name](options) as InstanceType<ComputeV1[K]>;
      made.set(name, existing);
    }
    return existing;
  }

  const call = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      // No credentials to send (gcloud missing, logged out) is not the API's answer: said as it is.
      if (error instanceof UserError && !(error instanceof CloudApiError)) throw error;
      throw toCloudApiError('Compute', error);
    }
  };
  const orUndefined = async <T>(body: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call(body);
    } catch (error) {
      if (error instanceof CloudApiError && error.notFound) return undefined;
      throw error;
    }
  };

  async function waitForOperation(started: Operation | undefined, zone?: string): Promise<void> {
    let operation = started;
    const deadline = Date.now() + OPERATION_TIMEOUT_MS;
    // Polled with `get`, not `wait`: `wait` holds the request open for up to two minutes, past
    // the time limit every request has (google-http.ts).
    for (let delay = 500; operation && String(operation.status) !== 'DONE'; delay = Math.min(5_000, delay * 2)) {
      if (Date.now() > deadline)
        throw new CloudApiError('Compute', `operation ${operation.name} did not finish in ${OPERATION_TIMEOUT_MS / 60_000} minutes`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const name = operation.name ?? '';
      [operation] =
        zone !== undefined
          ? await client('ZoneOperationsClient').get({ project, zone, operation: name }, CALL_OPTIONS)
          : await client('GlobalOperationsClient').get({ project, operation: name }, CALL_OPTIONS);
    }
    const failures = operation?.error?.errors ?? [];
    if (failures.length > 0) {
      throw new CloudApiError(
        'Compute',
        failures.map((failure) => failure.message ?? failure.code ?? 'failed').join('; '),
        undefined,
        failures[0]?.code ?? undefined,
      );
    }
  }

  return {
    project,
    endpoint,
    getProject: () =>
      call(async () => {
        const [found] = await client('ProjectsClient').get({ project }, CALL_OPTIONS);
        return { name: found.name ?? project, quotas: (found.quotas ?? []).map(quotaOf) };
      }),
    getZone: (zone) =>
      orUndefined(async () => {
        const [found] = await client('ZonesClient').get({ project, zone }, CALL_OPTIONS);
        return { name: found.name ?? zone, status: String(found.status ?? 'UP'), region: lastSegment(found.region) ?? '' };
      }),
    getRegionQuotas: (region) =>
      call(async () => {
        const [found] = await client('RegionsClient').get({ project, region }, CALL_OPTIONS);
        return (found.quotas ?? []).map(quotaOf);
      }),
    getMachineType: (zone, type) =>
      orUndefined(async () => {
        const [found] = await client('MachineTypesClient').get({ project, zone, machineType: type }, CALL_OPTIONS);
        return { guestCpus: Number(found.guestCpus ?? 0) };
      }),
    listInstances: ({ zone, filter }) =>
      call(async () => {
        const found: ComputeInstance[] = [];
        const instances = client('InstancesClient');
        if (zone !== undefined) {
          for await (const instance of instances.listAsync(
            { project, zone, ...(filter !== undefined && { filter }) },
            { ...CALL_OPTIONS, autoPaginate: false },
          )) {
            found.push(instanceOf(instance));
          }
        } else {
          const pages = instances.aggregatedListAsync(
            { project, ...(filter !== undefined && { filter }) },
            { ...CALL_OPTIONS, autoPaginate: false },
          );
          for await (const [, scoped] of pages) for (const instance of scoped.instances ?? []) found.push(instanceOf(instance));
        }
        return found;
      }),
    getInstance: (zone, name) =>
      orUndefined(async () => {
        const [found] = await client('InstancesClient').get({ project, zone, instance: name }, CALL_OPTIONS);
        return instanceOf(found);
      }),
    deleteInstance: (zone, name) =>
      call(async () => {
        const [started] = await client('InstancesClient').delete({ project, zone, instance: name }, WRITE_OPTIONS);
        await waitForOperation(started.latestResponse as Operation, zone);
      }),
    listFirewalls: () =>
      call(async () => {
        const found: ComputeFirewall[] = [];
        for await (const rule of client('FirewallsClient').listAsync({ project }, { ...CALL_OPTIONS, autoPaginate: false })) {
          found.push({ name: rule.name ?? '', description: rule.description ?? '' });
        }
        return found;
      }),
    getFirewall: (name) =>
      orUndefined(async () => {
        const [rule] = await client('FirewallsClient').get({ project, firewall: name }, CALL_OPTIONS);
        return { name: rule.name ?? name, description: rule.description ?? '' };
      }),
    deleteFirewall: (name) =>
      call(async () => {
        const [started] = await client('FirewallsClient').delete({ project, firewall: name }, WRITE_OPTIONS);
        await waitForOperation(started.latestResponse as Operation);
      }),
    close: async () => {
      await Promise.all([...made.values()].map((one) => (one as { close(): Promise<void> }).close()));
    },
  };
}

function quotaOf(quota: { metric?: string | null; limit?: number | null; usage?: number | null }): ComputeQuota {
  return { metric: String(quota.metric ?? ''), limit: Number(quota.limit ?? 0), usage: Number(quota.usage ?? 0) };
}

function instanceOf(raw: Instance): ComputeInstance {
  const nic = raw.networkInterfaces?.[0];
  const externalIp = nic?.accessConfigs?.find((config) => config.natIP)?.natIP ?? undefined;
  const machineType = lastSegment(raw.machineType);
  return {
    name: raw.name ?? '',
    zone: lastSegment(raw.zone) ?? '',
    status: String(raw.status ?? 'UNKNOWN'),
    labels: { ...(raw.labels ?? {}) },
    ...(machineType !== undefined && { machineType }),
    ...(nic?.networkIP ? { internalIp: nic.networkIP } : {}),
    ...(externalIp ? { externalIp } : {}),
  };
}

/** `https://…/zones/us-central1-a` → `us-central1-a`. */
function lastSegment(url: string | null | undefined): string | undefined {
  return url ? url.split('/').pop() : undefined;
}
