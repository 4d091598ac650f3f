import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A local stand-in for the Google Cloud APIs a gcp tutorial touches: Compute Engine v1 (zones,
 * regions and their quotas, machine types, instances, firewall rules, zone and global
 * operations), Service Usage v1 (is an API enabled) and IAM v1 (service accounts). It answers
 * the real gcloud (pointed at it with CLOUDSDK_API_ENDPOINT_OVERRIDES_*) and alts-tutor alike,
 * over plain HTTP on 127.0.0.1, with Google's JSON error format, and records every request.
 *
 * The requests `gcloud compute instances create NAME --zone Z --labels=… --image-family=…
 * --image-project=…` makes (gcloud 528): GET zones/Z, GET projects/P (both only for warnings:
 * a 404 is tolerated), POST zones/Z/instances, then polls the operation it got (POST
 * operations/O/wait) and GETs the instance to print its table.
 */

export interface FakeRequest {
  method: string;
  /** Path without the query, e.g. `/compute/v1/projects/p/zones/z/instances/vm`. */
  path: string;
  query: Record<string, string>;
  body: string;
  /** The `authorization` header, when one was sent. */
  authorization?: string;
}

export interface FakeInstance {
  name: string;
  zone: string;
  status: string;
  labels: Record<string, string>;
  machineType: string;
  networkIP: string;
  natIP?: string;
  /** Statuses still to come: each GET of the instance moves one step along. */
  upcoming: string[];
}

export interface FakeQuota {
  metric: string;
  limit: number;
  usage: number;
}

export interface FakeComputeOptions {
  project?: string;
  /** Zone → its region and status. */
  zones?: Record<string, { region: string; status?: 'UP' | 'DOWN' }>;
  /** Region → quotas (defaults: CPUS 24, INSTANCES 100, IN_USE_ADDRESSES 8, nothing used). */
  quotas?: Record<string, FakeQuota[]>;
  /** Machine type → vCPUs. */
  machineTypes?: Record<string, number>;
  /** Services answered as disabled (`compute.googleapis.com`, `iam.googleapis.com`). */
  disabledServices?: string[];
  /** What a new instance goes through, one status per GET (default PROVISIONING, STAGING, RUNNING). */
  boot?: string[];
  /** External address given to new instances (default 127.0.0.1, where a test's sshd listens). */
  natIP?: string;
}

export interface FakeFailure {
  method?: string;
  path: RegExp;
  status: number;
  message: string;
  /** google.rpc.ErrorInfo reason, e.g. SERVICE_DISABLED. */
  reason?: string;
  /** How many requests fail (default 1). */
  times?: number;
}

export interface FakeCompute {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The environment that points gcloud and alts-tutor at this fake, without credentials. */
  env(configDir: string): NodeJS.ProcessEnv;
  readonly requests: FakeRequest[];
  readonly instances: Map<string, FakeInstance>;
  readonly firewalls: Map<string, { name: string; description: string }>;
  readonly serviceAccounts: Map<string, { email: string; description: string; displayName: string }>;
  readonly project: string;
  /** Adds an instance as if created earlier (by anyone: labels decide whose it is). */
  addInstance(instance: Partial<FakeInstance> & { name: string; zone: string }): void;
  /** The next matching request(s) get this error instead of an answer. */
  fail(failure: FakeFailure): void;
  /** Operations on resources whose URL matches `target` end DONE with this error (the resource stays). */
  failOperations(target: RegExp, code: string, message: string): void;
  close(): Promise<void>;
}

const DEFAULT_ZONES: Record<string, { region: string; status?: 'UP' | 'DOWN' }> = {
  'us-central1-a': { region: 'us-central1' },
  'us-central1-b': { region: 'us-central1' },
  'europe-west1-b': { region: 'europe-west1' },
};
const DEFAULT_QUOTAS: FakeQuota[] = [
  { metric: 'CPUS', limit: 24, usage: 0 },
  { metric: 'INSTANCES', limit: 100, usage: 0 },
  { metric: 'IN_USE_ADDRESSES', limit: 8, usage: 0 },
];
const DEFAULT_MACHINE_TYPES: Record<string, number> = { 'n1-standard-1': 1, 'n1-standard-2': 2, 'e2-medium': 2, 'e2-standard-4': 4 };

const GRPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The per-error `reason` Google's older APIs give beside the status. */
const LEGACY_REASONS: Record<number, string> = { 400: 'invalid', 401: 'required', 403: 'forbidden', 404: 'notFound', 409: 'alreadyExists' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
    readonly service?: string,
  ) {
    super(message);
  }
}

export async function startFakeCompute(options: FakeComputeOptions = {}): Promise<FakeCompute> {
  const project = options.project ?? 'test-project';
  const zones = options.zones ?? DEFAULT_ZONES;
  const machineTypes = options.machineTypes ?? DEFAULT_MACHINE_TYPES;
  const disabled = new Set(options.disabledServices ?? []);
  const boot = options.boot ?? ['PROVISIONING', 'STAGING', 'RUNNING'];
  const requests: FakeRequest[] = [];
  const instances = new Map<string, FakeInstance>();
  const firewalls = new Map<string, { name: string; description: string }>();
  const serviceAccounts = new Map<string, { email: string; description: string; displayName: string }>();
  const operations = new Map<string, { name: string; zone?: string; targetLink: string; operationType: string }>();
  const failures: FakeFailure[] = [];
  const operationFailures: Array<{ target: RegExp; code: string; message: string }> = [];
  let base = '';
  let addressCount = 0;

  const key = (zone: string, name: string) => `${zone}/${name}`;
  const computeBase = () => `${base}/compute/v1/projects/${project}`;

  function instanceJson(instance: FakeInstance) {
    return {
      kind: 'compute#instance',
      id: String(Math.abs(hash(instance.name))),
      name: instance.name,
      zone: `${computeBase()}/zones/${instance.zone}`,
      machineType: `${computeBase()}/zones/${instance.zone}/machineTypes/${instance.machineType}`,
      status: instance.status,
      labels: instance.labels,
      selfLink: `${computeBase()}/zones/${instance.zone}/instances/${instance.name}`,
      networkInterfaces: [
        {
          name: 'nic0',
          networkIP: instance.networkIP,
          ...(instance.natIP !== undefined && { accessConfigs: [{ name: 'external-nat', type: 'ONE_TO_ONE_NAT', natIP: instance.natIP }] }),
        },
      ],
    };
  }

  function operation(operationType: string, targetLink: string, zone?: string, undo?: () => void) {
    const name = `operation-${Date.now()}-${randomBytes(4).toString('hex')}`;
    if (operationFailures.some((failure) => failure.target.test(targetLink))) undo?.();
    operations.set(name, { name, targetLink, operationType, ...(zone !== undefined && { zone }) });
    return operationJson(name, 'RUNNING');
  }

  function operationJson(name: string, status: string) {
    const op = operations.get(name);
    if (!op) throw new HttpError(404, `The resource 'projects/${project}/operations/${name}' was not found`);
    const scope = op.zone !== undefined ? `zones/${op.zone}` : 'global';
    return {
      kind: 'compute#operation',
      id: String(Math.abs(hash(name))),
      name,
      operationType: op.operationType,
      targetLink: op.targetLink,
      status,
      progress: status === 'DONE' ? 100 : 0,
      ...(status === 'DONE' &&
        operationFailures.some((failure) => failure.target.test(op.targetLink)) && {
          error: {
            errors: operationFailures
              .filter((failure) => failure.target.test(op.targetLink))
              .map(({ code, message }) => ({ code, message })),
          },
        }),
      selfLink: `${computeBase()}/${scope}/operations/${name}`,
      ...(op.zone !== undefined && { zone: `${computeBase()}/zones/${op.zone}` }),
    };
  }

  function requireService(service: string) {
    if (disabled.has(service)) {
      throw new HttpError(
        403,
        `${service === 'compute.googleapis.com' ? 'Compute Engine API' : 'Identity and Access Management (IAM) API'} has not been used in project ${project} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${service}/overview?project=${project} then retry.`,
        'SERVICE_DISABLED',
        service,
      );
    }
  }

  function requireProject(name: string | undefined) {
    if (name !== project) throw new HttpError(404, `The resource 'projects/${name}' was not found`);
  }

  function requireZone(zone: string | undefined): string {
    if (zone === undefined || !zones[zone]) throw new HttpError(404, `Invalid value for field 'zone': '${zone}'. Unknown zone.`);
    return zone;
  }

  function matchesFilter(instance: FakeInstance, filter: string | undefined): boolean {
    if (filter === undefined || filter === '') return true;
    const has = /^labels\.([a-z0-9_-]+):\*$/.exec(filter);
    if (has?.[1] !== undefined) return has[1] in instance.labels;
    const equals = /^labels\.([a-z0-9_-]+)\s*=\s*"?([a-z0-9_-]*)"?$/.exec(filter);
    if (equals?.[1] !== undefined) return instance.labels[equals[1]] === equals[2];
    throw new HttpError(400, `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`);
  }

  async function route(method: string, path: string, query: Record<string, string>, body: string): Promise<[number, unknown]> {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [api, version, ...rest] = segments;
    if (api === 'compute' && version === 'v1') return compute(method, rest, query, body);
    if (api === 'serviceusage' && version === 'v1') return serviceUsage(method, rest);
    if (api === 'iam' && version === 'v1') return iam(method, rest, query, body);
    throw new HttpError(404, `no such API: ${path}`);
  }

  function compute(method: string, parts: string[], query: Record<string, string>, body: string): [number, unknown] {
    if (parts[0] !== 'projects') throw new HttpError(404, `unknown path ${parts.join('/')}`);
    requireService('compute.googleapis.com');
    requireProject(parts[1]);
    const tail = parts.slice(2).join('/');
    for (const [routeMethod, pattern, handler] of computeRoutes) {
      const match = pattern.exec(tail);
      if (routeMethod === method && match) return handler(match.slice(1), query, body);
    }
    throw new HttpError(404, `the fake Compute API does not serve ${method} ${parts.join('/')}`);
  }

  type Handler = (names: string[], query: Record<string, string>, body: string) => [number, unknown];
  const NAME = '([^/]+)';
  const computeRoutes: Array<[string, RegExp, Handler]> = [
    [
      'GET',
      /^$/,
      () => [
        200,
        {
          kind: 'compute#project',
          name: project,
          id: '1234567890',
          defaultServiceAccount: `1234567890-compute@developer.gserviceaccount.com`,
          quotas: [{ metric: 'FIREWALLS', limit: 200, usage: firewalls.size }],
        },
      ],
    ],
    [
      'GET',
      /^zones$/,
      () => [
        200,
        { kind: 'compute#zoneList', items: Object.entries(zones).map(([name, zone]) => ({ name, status: zone.status ?? 'UP' })) },
      ],
    ],
    [
      'GET',
      new RegExp(`^zones/${NAME}$`),
      ([zone = '']) => {
        const info = zones[requireZone(zone)];
        return [
          200,
          {
            kind: 'compute#zone',
            name: zone,
            status: info?.status ?? 'UP',
            region: `${computeBase()}/regions/${info?.region}`,
            selfLink: `${computeBase()}/zones/${zone}`,
          },
        ];
      },
    ],
    [
      'GET',
      new RegExp(`^regions/${NAME}$`),
      ([region = '']) => {
        if (!Object.values(zones).some((zone) => zone.region === region))
          throw new HttpError(404, `The resource 'projects/${project}/regions/${region}' was not found`);
        return [200, { kind: 'compute#region', name: region, status: 'UP', quotas: options.quotas?.[region] ?? DEFAULT_QUOTAS }];
      },
    ],
    [
      'GET',
      new RegExp(`^zones/${NAME}/machineTypes/${NAME}$`),
      ([zone = '', type = '']) => {
        requireZone(zone);
        const cpus = machineTypes[type];
        if (cpus === undefined)
          throw new HttpError(404, `The resource 'projects/${project}/zones/${zone}/machineTypes/${type}' was not found`);
        return [200, { kind: 'compute#machineType', name: type, guestCpus: cpus, zone }];
      },
    ],
    [
      'POST',
      new RegExp(`^zones/${NAME}/instances$`),
      ([zone = ''], _query, body) => {
        requireZone(zone);
        const resource = JSON.parse(body) as { name: string; labels?: Record<string, string>; machineType?: string };
        if (instances.has(key(zone, resource.name))) {
          throw new HttpError(409, `The resource 'projects/${project}/zones/${zone}/instances/${resource.name}' already exists`);
        }
        const [first = 'RUNNING', ...upcoming] = boot;
        addressCount++;
        instances.set(key(zone, resource.name), {
          name: resource.name,
          zone,
          status: first,
          labels: resource.labels ?? {},
          machineType: (resource.machineType ?? 'n1-standard-1').split('/').pop() ?? 'n1-standard-1',
          networkIP: `10.128.0.${addressCount + 1}`,
          natIP: options.natIP ?? '127.0.0.1',
          upcoming,
        });
        return [200, operation('insert', `${computeBase()}/zones/${zone}/instances/${resource.name}`, zone)];
      },
    ],
    [
      'GET',
      new RegExp(`^zones/${NAME}/instances$`),
      ([zone = ''], query) => {
        requireZone(zone);
        const items = [...instances.values()].filter((instance) => instance.zone === zone && matchesFilter(instance, query.filter));
        return [200, { kind: 'compute#instanceList', items: items.map(instanceJson) }];
      },
    ],
    [
      'GET',
      /^aggregated\/instances$/,
      (_names, query) => {
        const items: Record<string, unknown> = {};
        for (const zone of Object.keys(zones)) {
          const found = [...instances.values()].filter((instance) => instance.zone === zone && matchesFilter(instance, query.filter));
          items[`zones/${zone}`] =
            found.length > 0
              ? { instances: found.map(instanceJson) }
              : { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope' } };
        }
        return [200, { kind: 'compute#instanceAggregatedList', items }];
      },
    ],
    [
      'GET',
      new RegExp(`^zones/${NAME}/instances/${NAME}$`),
      ([zone = '', name = '']) => {
        const instance = instances.get(key(zone, name));
        if (!instance) throw new HttpError(404, `The resource 'projects/${project}/zones/${zone}/instances/${name}' was not found`);
        const json = instanceJson(instance);
        const next = instance.upcoming.shift();
        if (next !== undefined) instance.status = next;
        return [200, json];
      },
    ],
    [
      'DELETE',
      new RegExp(`^zones/${NAME}/instances/${NAME}$`),
      ([zone = '', name = '']) => {
        const instance = instances.get(key(zone, name));
        if (!instance) throw new HttpError(404, `The resource 'projects/${project}/zones/${zone}/instances/${name}' was not found`);
        instances.delete(key(zone, name));
        return [
          200,
          operation('delete', `${computeBase()}/zones/${zone}/instances/${name}`, zone, () => instances.set(key(zone, name), instance)),
        ];
      },
    ],
    // An operation is RUNNING when it starts and DONE once anyone asks about it.
    ['GET', new RegExp(`^zones/${NAME}/operations/${NAME}$`), ([, name = '']) => [200, operationJson(name, 'DONE')]],
    ['POST', new RegExp(`^zones/${NAME}/operations/${NAME}/wait$`), ([, name = '']) => [200, operationJson(name, 'DONE')]],
    ['GET', new RegExp(`^global/operations/${NAME}$`), ([name = '']) => [200, operationJson(name, 'DONE')]],
    ['POST', new RegExp(`^global/operations/${NAME}/wait$`), ([name = '']) => [200, operationJson(name, 'DONE')]],
    ['GET', /^global\/firewalls$/, () => [200, { kind: 'compute#firewallList', items: [...firewalls.values()].map(firewallJson) }]],
    [
      'POST',
      /^global\/firewalls$/,
      (_names, _query, body) => {
        const resource = JSON.parse(body) as { name: string; description?: string };
        if (firewalls.has(resource.name))
          throw new HttpError(409, `The resource 'projects/${project}/global/firewalls/${resource.name}' already exists`);
        firewalls.set(resource.name, { name: resource.name, description: resource.description ?? '' });
        return [200, operation('insert', `${computeBase()}/global/firewalls/${resource.name}`)];
      },
    ],
    [
      'GET',
      new RegExp(`^global/firewalls/${NAME}$`),
      ([name = '']) => {
        const rule = firewalls.get(name);
        if (!rule) throw new HttpError(404, `The resource 'projects/${project}/global/firewalls/${name}' was not found`);
        return [200, firewallJson(rule)];
      },
    ],
    [
      'DELETE',
      new RegExp(`^global/firewalls/${NAME}$`),
      ([name = '']) => {
        if (!firewalls.delete(name)) throw new HttpError(404, `The resource 'projects/${project}/global/firewalls/${name}' was not found`);
        return [200, operation('delete', `${computeBase()}/global/firewalls/${name}`)];
      },
    ],
  ];

  function firewallJson(rule: { name: string; description: string }) {
    return {
      kind: 'compute#firewall',
      name: rule.name,
      description: rule.description,
      network: `${computeBase()}/global/networks/default`,
      direction: 'INGRESS',
      selfLink: `${computeBase()}/global/firewalls/${rule.name}`,
    };
  }

  function serviceUsage(method: string, parts: string[]): [number, unknown] {
    // GET projects/P/services/S
    const [kind, projectName, collection, service] = parts;
    if (method !== 'GET' || kind !== 'projects' || collection !== 'services' || service === undefined) {
      throw new HttpError(404, `the fake Service Usage API does not serve ${method} ${parts.join('/')}`);
    }
    requireProject(projectName);
    return [200, { name: `projects/1234567890/services/${service}`, state: disabled.has(service) ? 'DISABLED' : 'ENABLED' }];
  }

  function iam(method: string, parts: string[], _query: Record<string, string>, body: string): [number, unknown] {
    requireService('iam.googleapis.com');
    const [kind, projectName, collection, email] = parts;
    if (kind !== 'projects' || collection !== 'serviceAccounts')
      throw new HttpError(404, `the fake IAM API does not serve ${parts.join('/')}`);
    if (method === 'POST' && email === undefined) {
      requireProject(projectName);
      const request = JSON.parse(body) as { accountId: string; serviceAccount?: { displayName?: string; description?: string } };
      const address = `${request.accountId}@${project}.iam.gserviceaccount.com`;
      if (serviceAccounts.has(address))
        throw new HttpError(409, `Service account ${request.accountId} already exists within project projects/${project}.`);
      const account = {
        email: address,
        description: request.serviceAccount?.description ?? '',
        displayName: request.serviceAccount?.displayName ?? '',
      };
      serviceAccounts.set(address, account);
      return [200, { name: `projects/${project}/serviceAccounts/${address}`, projectId: project, ...account }];
    }
    if (method === 'GET' && email === undefined) {
      requireProject(projectName);
      return [
        200,
        {
          accounts: [...serviceAccounts.values()].map((account) => ({
            name: `projects/${project}/serviceAccounts/${account.email}`,
            ...account,
          })),
        },
      ];
    }
    if (method === 'DELETE' && email !== undefined) {
      if (!serviceAccounts.delete(email)) throw new HttpError(404, `Service account projects/-/serviceAccounts/${email} not found.`);
      return [200, {}];
    }
    throw new HttpError(404, `the fake IAM API does not serve ${method} ${parts.join('/')}`);
  }

  function errorBody(error: HttpError) {
    return {
      error: {
        code: error.status,
        message: error.message,
        errors: [
          {
            message: error.message,
            domain: 'global',
            reason: error.reason === 'SERVICE_DISABLED' ? 'accessNotConfigured' : (LEGACY_REASONS[error.status] ?? 'backendError'),
          },
        ],
        status: GRPC_STATUS[error.status] ?? 'UNKNOWN',
        ...(error.reason !== undefined && {
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: error.reason,
              domain: 'googleapis.com',
              metadata: { ...(error.service !== undefined && { service: error.service }), consumer: `projects/${project}` },
            },
          ],
        }),
      },
    };
  }

  /**
   * gcloud sends the requests of one command on several resources (`instances create a b`,
   * `instances delete a b`) as one multipart/mixed batch; each part is an HTTP request, answered
   * by a part with the same Content-ID, prefixed `response-`.
   */
  function answerBatch(contentType: string, body: string, response: ServerResponse) {
    const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
    if (!boundary) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify(errorBody(new HttpError(400, 'batch request without a boundary'))));
      return;
    }
    const parts = body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'));
    const answers = parts.map(async (part) => {
      const [outerHeaders = '', inner = ''] = splitOnce(part.replace(/^\r?\n/, ''), /\r?\n\r?\n/);
      const contentId = /^content-id:\s*<(.*)>\s*$/im.exec(outerHeaders)?.[1] ?? '';
      const [head = '', innerBody = ''] = splitOnce(inner, /\r?\n\r?\n/);
      const [requestLine = ''] = head.split(/\r?\n/);
      const [method = 'GET', target = '/'] = requestLine.split(' ');
      const url = new URL(target, base);
      const query = Object.fromEntries(url.searchParams);
      const partBody = innerBody.replace(/\r?\n$/, '');
      requests.push({ method, path: url.pathname, query, body: partBody });
      let status = 200;
      let payload: unknown;
      try {
        [status, payload] = await route(method, url.pathname, query, partBody);
      } catch (error) {
        const failure = error instanceof HttpError ? error : new HttpError(500, String(error));
        status = failure.status;
        payload = errorBody(failure);
      }
      return [
        'Content-Type: application/http',
        `Content-ID: <response-${contentId}>`,
        '',
        `HTTP/1.1 ${status} ${status < 300 ? 'OK' : 'Error'}`,
        'Content-Type: application/json; charset=UTF-8',
        '',
        JSON.stringify(payload),
      ].join('\r\n');
    });
    void Promise.all(answers).then((texts) => {
      const replyBoundary = `batch_${randomBytes(8).toString('hex')}`;
      response.writeHead(200, { 'content-type': `multipart/mixed; boundary=${replyBoundary}` });
      response.end(`${texts.map((text) => `--${replyBoundary}\r\n${text}\r\n`).join('')}--${replyBoundary}--\r\n`);
    });
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', base);
      const query = Object.fromEntries(url.searchParams);
      const body = Buffer.concat(chunks).toString('utf8');
      const method = request.method ?? 'GET';
      requests.push({
        method,
        path: url.pathname,
        query,
        body,
        ...(request.headers.authorization !== undefined && { authorization: request.headers.authorization }),
      });
      const send = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        response.end(JSON.stringify(payload));
      };
      const failure = failures.find((candidate) => (candidate.method ?? method) === method && candidate.path.test(url.pathname));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
        const error = new HttpError(failure.status, failure.message, failure.reason);
        send(failure.status, errorBody(error));
        return;
      }
      if (method === 'POST' && url.pathname === '/batch/compute/v1') {
        answerBatch(request.headers['content-type'] ?? '', body, response);
        return;
      }
      route(method, url.pathname, query, body).then(
        ([status, payload]) => send(status, payload),
        (error: unknown) => {
          if (error instanceof HttpError) send(error.status, errorBody(error));
          else send(500, errorBody(new HttpError(500, String(error))));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    project,
    requests,
    instances,
    firewalls,
    serviceAccounts,
    env: (configDir) => ({
      CLOUDSDK_CONFIG: configDir,
      CLOUDSDK_CORE_PROJECT: project,
      CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${base}/compute/v1/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_SERVICEUSAGE: `${base}/serviceusage/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: `${base}/iam/`,
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
      CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    }),
    addInstance(instance) {
      instances.set(key(instance.zone, instance.name), {
        status: 'RUNNING',
        labels: {},
        machineType: 'n1-standard-1',
        networkIP: '10.128.0.99',
        upcoming: [],
        ...instance,
      });
    },
    fail(failure) {
      failures.push(failure);
    },
    failOperations(target, code, message) {
      operationFailures.push({ target, code, message });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function splitOnce(text: string, separator: RegExp): [string, string] {
  const match = separator.exec(text);
  if (!match) return [text, ''];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return value;
}
