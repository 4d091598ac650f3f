import { basename } from 'node:path';
import * as v from 'valibot';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/**
 * An offline check of the Envoy bootstrap files under `steps/`: Envoy itself cannot be installed
 * here, so each file is held against the v3 fields it uses. Every object is strict (an unknown
 * key is an error), every extension needs a `typed_config` whose `@type` is one of the v3 types
 * below, v2 leftovers (`config:`, `hosts:`, `envoy.router`, …) get a message saying what v3 wants,
 * and the references Envoy resolves at start-up (route → cluster) must resolve.
 *
 * Which files are Envoy configs: YAML files under `steps/` whose name contains `envoy`
 * (`envoy.yaml`, `router-envoy.yaml`), or is `client.yaml` / `server.yaml` (the ALTS tutorial's
 * two proxies, named as in the seed).
 */
export function isEnvoyConfigFile(path: string): boolean {
  const name = basename(path);
  return /\.ya?ml$/.test(name) && (/envoy/i.test(name) || /^(client|server)\.ya?ml$/.test(name));
}

export interface ConfigProblem {
  line: number;
  message: string;
}

type PathKey = string | number;

const TYPE = {
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  originalDst: 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  originalSrc: 'type.googleapis.com/envoy.extensions.filters.listener.original_src.v3.OriginalSrc',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  httpInspector: 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector',
  alts: 'type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts',
  rawBuffer: 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer',
  fileLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  stdoutLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  stderrLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog',
} as const;

/** v2 keys current Envoy rejects, with what v3 takes instead. */
const V2_KEYS: Record<string, string> = {
  config: 'v2 `config:`; v3 takes `typed_config` with an `@type`',
  hosts: 'v2 cluster `hosts:`; v3 takes `load_assignment`',
  tls_context: 'v2 `tls_context:`; v3 takes a `transport_socket` with a TLS typed_config',
  use_original_dst: 'v2 listener `use_original_dst:`; v3 takes the listener filter envoy.filters.listener.original_dst',
  access_log_path: 'v2 admin `access_log_path:`; v3 takes `access_log` with a typed_config',
  host_rewrite: 'v2 route `host_rewrite:`; v3 takes `host_rewrite_literal`',
  deprecated_v1: 'v1 leftover `deprecated_v1:`',
};

/** Extension names of the v2 era; v3 names them envoy.filters.* and needs a typed_config. */
const V2_NAMES: Record<string, string> = {
  'envoy.router': 'envoy.filters.http.router',
  'envoy.http_connection_manager': 'envoy.filters.network.http_connection_manager',
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst',
  'envoy.listener.original_src': 'envoy.filters.listener.original_src',
  'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
  'envoy.file_access_log': 'envoy.access_loggers.file',
};

const duration = v.pipe(v.string(), v.regex(/^\d+(\.\d+)?s$/, 'a duration is seconds with an "s", e.g. "5s" or "0.25s"'));
const port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const name = v.pipe(v.string(), v.nonEmpty());

const socketAddress = v.strictObject({
  address: name,
  port_value: port,
  protocol: v.optional(v.picklist(['TCP', 'UDP'])),
  ipv4_compat: v.optional(v.boolean()),
});
const address = v.strictObject({ socket_address: socketAddress });

const logFormat = v.strictObject({
  text_format_source: v.optional(v.strictObject({ inline_string: v.string() })),
  json_format: v.optional(v.record(v.string(), v.unknown())),
  omit_empty_values: v.optional(v.boolean()),
});

const accessLog = v.strictObject({
  name,
  typed_config: v.variant(
    '@type',
    [
      v.strictObject({ '@type': v.literal(TYPE.fileLog), path: name, log_format: v.optional(logFormat) }),
      v.strictObject({ '@type': v.literal(TYPE.stdoutLog), log_format: v.optional(logFormat) }),
      v.strictObject({ '@type': v.literal(TYPE.stderrLog), log_format: v.optional(logFormat) }),
    ],
    'not an access logger @type this checker knows',
  ),
});

const serviceAccount = v.pipe(
  v.string(),
  v.regex(/^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/, 'a service account is NAME@PROJECT.iam.gserviceaccount.com'),
);

const alts = v.strictObject({
  '@type': v.literal(TYPE.alts),
  handshaker_service: v.pipe(v.string(), v.regex(/^[\w.-]+:\d+$/, 'handshaker_service is HOST:PORT, e.g. 169.254.169.254:8080')),
  // The proto allows an empty list (then any peer is accepted); these tutorials exist to show the check.
  peer_service_accounts: v.pipe(v.array(serviceAccount), v.nonEmpty('ALTS without peer_service_accounts accepts any peer')),
});

const transportSocket = v.strictObject({
  name,
  typed_config: v.variant(
    '@type',
    [alts, v.strictObject({ '@type': v.literal(TYPE.rawBuffer) })],
    'not a transport socket @type this checker knows',
  ),
});

const routeMatch = v.strictObject({
  prefix: v.optional(v.string()),
  path: v.optional(v.string()),
  safe_regex: v.optional(v.strictObject({ regex: v.string() })),
});

const routeAction = v.strictObject({
  cluster: v.optional(name),
  cluster_header: v.optional(name),
  host_rewrite_literal: v.optional(name),
  auto_host_rewrite: v.optional(v.boolean()),
  prefix_rewrite: v.optional(v.string()),
  timeout: v.optional(duration),
});

const route = v.strictObject({
  name: v.optional(v.string()),
  match: routeMatch,
  route: v.optional(routeAction),
  direct_response: v.optional(v.strictObject({ status: v.number(), body: v.optional(v.strictObject({ inline_string: v.string() })) })),
});

const routeConfig = v.strictObject({
  name: v.optional(v.string()),
  virtual_hosts: v.array(
    v.strictObject({
      name,
      domains: v.pipe(v.array(v.string()), v.nonEmpty()),
      routes: v.pipe(v.array(route), v.nonEmpty()),
    }),
  ),
});

const httpFilter = v.strictObject({
  name,
  typed_config: v.variant('@type', [v.strictObject({ '@type': v.literal(TYPE.router) })], 'not an HTTP filter @type this checker knows'),
});

const hcm = v.strictObject({
  '@type': v.literal(TYPE.hcm),
  stat_prefix: name,
  codec_type: v.optional(v.picklist(['AUTO', 'HTTP1', 'HTTP2', 'HTTP3'])),
  route_config: routeConfig,
  http_filters: v.pipe(v.array(httpFilter), v.nonEmpty()),
  access_log: v.optional(v.array(accessLog)),
  use_remote_address: v.optional(v.boolean()),
  generate_request_id: v.optional(v.boolean()),
  server_name: v.optional(v.string()),
  stream_idle_timeout: v.optional(duration),
  request_timeout: v.optional(duration),
  skip_xff_append: v.optional(v.boolean()),
  xff_num_trusted_hops: v.optional(v.number()),
});

const tcpProxy = v.strictObject({
  '@type': v.literal(TYPE.tcpProxy),
  stat_prefix: name,
  cluster: name,
  idle_timeout: v.optional(duration),
  access_log: v.optional(v.array(accessLog)),
  max_connect_attempts: v.optional(v.number()),
});

const networkFilter = v.strictObject({
  name,
  typed_config: v.variant('@type', [hcm, tcpProxy], 'not a network filter @type this checker knows'),
});

const listenerFilter = v.strictObject({
  name,
  typed_config: v.variant(
    '@type',
    [
      v.strictObject({ '@type': v.literal(TYPE.originalDst) }),
      v.strictObject({ '@type': v.literal(TYPE.originalSrc), bind_port: v.optional(v.boolean()), mark: v.optional(v.number()) }),
      v.strictObject({ '@type': v.literal(TYPE.tlsInspector) }),
      v.strictObject({ '@type': v.literal(TYPE.httpInspector) }),
    ],
    'not a listener filter @type this checker knows',
  ),
});

const filterChain = v.strictObject({
  name: v.optional(v.string()),
  filter_chain_match: v.optional(
    v.strictObject({
      destination_port: v.optional(port),
      server_names: v.optional(v.array(v.string())),
      transport_protocol: v.optional(v.string()),
      application_protocols: v.optional(v.array(v.string())),
    }),
  ),
  filters: v.pipe(v.array(networkFilter), v.nonEmpty()),
  transport_socket: v.optional(transportSocket),
});

const listener = v.strictObject({
  name,
  address,
  filter_chains: v.pipe(v.array(filterChain), v.nonEmpty()),
  listener_filters: v.optional(v.array(listenerFilter)),
  listener_filters_timeout: v.optional(duration),
  continue_on_listener_filters_timeout: v.optional(v.boolean()),
  transparent: v.optional(v.boolean()),
  freebind: v.optional(v.boolean()),
  per_connection_buffer_limit_bytes: v.optional(v.number()),
});

const loadAssignment = v.strictObject({
  cluster_name: name,
  endpoints: v.pipe(
    v.array(v.strictObject({ lb_endpoints: v.pipe(v.array(v.strictObject({ endpoint: v.strictObject({ address }) })), v.nonEmpty()) })),
    v.nonEmpty(),
  ),
});

const cluster = v.strictObject({
  name,
  connect_timeout: v.optional(duration),
  type: v.optional(v.picklist(['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'])),
  lb_policy: v.optional(v.picklist(['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED'])),
  dns_lookup_family: v.optional(v.picklist(['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL'])),
  load_assignment: v.optional(loadAssignment),
  transport_socket: v.optional(transportSocket),
  upstream_bind_config: v.optional(v.strictObject({ source_address: socketAddress, freebind: v.optional(v.boolean()) })),
  original_dst_lb_config: v.optional(v.strictObject({ use_http_header: v.optional(v.boolean()) })),
  cleanup_interval: v.optional(duration),
  per_connection_buffer_limit_bytes: v.optional(v.number()),
});

const bootstrap = v.strictObject({
  node: v.optional(v.strictObject({ id: v.optional(v.string()), cluster: v.optional(v.string()) })),
  admin: v.optional(v.strictObject({ address, access_log: v.optional(v.array(accessLog)) })),
  static_resources: v.strictObject({
    listeners: v.optional(v.array(listener)),
    clusters: v.optional(v.array(cluster)),
  }),
});

type Bootstrap = v.InferOutput<typeof bootstrap>;

/** Problems of one Envoy bootstrap file, each at its line; none means the file passes. */
export function checkEnvoyConfig(text: string): ConfigProblem[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  if (document.errors.length > 0) {
    return document.errors.map((error) => ({ line: lineAt(error.pos[0]), message: `YAML: ${error.message.split('\n')[0]}` }));
  }
  const data: unknown = document.toJS();
  const at = (path: PathKey[]) => nodeLine(document, path, lineAt);
  const problems: ConfigProblem[] = [];
  for (const { path, message } of v2Leftovers(data, [])) problems.push({ line: at(path), message });

  const result = v.safeParse(bootstrap, data);
  if (!result.success) {
    for (const issue of result.issues) {
      const path = (issue.path ?? []).map((item) => item.key as PathKey);
      const key = path.at(-1);
      // A v2 key was reported above, with what v3 wants instead.
      if (isUnknownKey(issue) && typeof key === 'string' && key in V2_KEYS) continue;
      problems.push({ line: at(path), message: `${path.join('.') || '(top)'}: ${describe(issue)}` });
    }
    return problems.sort((a, b) => a.line - b.line);
  }
  for (const { path, message } of referenceProblems(result.output)) problems.push({ line: at(path), message });
  return problems.sort((a, b) => a.line - b.line);
}

function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

function describe(issue: v.BaseIssue<unknown>): string {
  if (isUnknownKey(issue)) return 'not a field of this v3 message (or not one this checker knows)';
  if (issue.type === 'variant') return `${issue.message.replace(/^Invalid type: /, '')}: ${JSON.stringify(issue.input)}`;
  return issue.message;
}

/** v2 keys anywhere, and v2 extension names (with or without a typed_config). */
function v2Leftovers(value: unknown, path: PathKey[]): Array<{ path: PathKey[]; message: string }> {
  const found: Array<{ path: PathKey[]; message: string }> = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push(...v2Leftovers(item, [...path, index]));
    });
    return found;
  }
  if (typeof value !== 'object' || value === null) return found;
  const object = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(object)) {
    const hint = V2_KEYS[key];
    // `hosts` is only v2 inside a cluster; elsewhere the strict schema decides.
    if (hint && (key !== 'hosts' || path.at(-2) === 'clusters')) found.push({ path: [...path, key], message: hint });
    found.push(...v2Leftovers(child, [...path, key]));
  }
  const extensionName = object.name;
  if (typeof extensionName === 'string' && extensionName in V2_NAMES) {
    const withoutConfig = object.typed_config === undefined ? ' without a typed_config' : '';
    found.push({
      path: [...path, 'name'],
      message: `v2 extension name "${extensionName}"${withoutConfig}; v3 is "${V2_NAMES[extensionName]}" with a typed_config`,
    });
  }
  return found;
}

/** What Envoy checks when it starts, beyond the shapes: names resolve, cluster kinds are coherent. */
function referenceProblems(config: Bootstrap): Array<{ path: PathKey[]; message: string }> {
  const problems: Array<{ path: PathKey[]; message: string }> = [];
  const clusters = config.static_resources.clusters ?? [];
  const clusterNames = new Set<string>();
  clusters.forEach((cluster, index) => {
    const path: PathKey[] = ['static_resources', 'clusters', index];
    if (clusterNames.has(cluster.name)) problems.push({ path: [...path, 'name'], message: `cluster "${cluster.name}" is defined twice` });
    clusterNames.add(cluster.name);
    const type = cluster.type ?? 'STATIC';
    if (type === 'ORIGINAL_DST') {
      if (cluster.load_assignment)
        problems.push({ path: [...path, 'load_assignment'], message: 'an ORIGINAL_DST cluster takes no load_assignment' });
      if (cluster.lb_policy !== 'CLUSTER_PROVIDED')
        problems.push({ path: [...path, 'lb_policy'], message: 'an ORIGINAL_DST cluster needs lb_policy: CLUSTER_PROVIDED' });
      return;
    }
    if (type === 'EDS') return;
    if (!cluster.load_assignment) {
      problems.push({ path: [...path, 'name'], message: `cluster "${cluster.name}" (${type}) has no load_assignment with its endpoints` });
      return;
    }
    if (type === 'STATIC') {
      cluster.load_assignment.endpoints.forEach((locality, l) => {
        locality.lb_endpoints.forEach((endpoint, e) => {
          const host = endpoint.endpoint.address.socket_address.address;
          if (!/^[\d.]+$|:/.test(host))
            problems.push({
              path: [...path, 'load_assignment', 'endpoints', l, 'lb_endpoints', e],
              message: `a STATIC cluster needs IP addresses, not "${host}" (use STRICT_DNS or LOGICAL_DNS for names)`,
            });
        });
      });
    }
  });

  const needCluster = (cluster: string | undefined, path: PathKey[]) => {
    if (cluster !== undefined && !clusterNames.has(cluster)) problems.push({ path, message: `no cluster named "${cluster}"` });
  };
  (config.static_resources.listeners ?? []).forEach((listener, l) => {
    listener.filter_chains.forEach((chain, c) => {
      chain.filters.forEach((filter, f) => {
        const path: PathKey[] = ['static_resources', 'listeners', l, 'filter_chains', c, 'filters', f, 'typed_config'];
        const typed = filter.typed_config;
        if (typed['@type'] === TYPE.tcpProxy) {
          needCluster(typed.cluster, [...path, 'cluster']);
          return;
        }
        const filters = typed.http_filters;
        if (filters.at(-1)?.typed_config['@type'] !== TYPE.router)
          problems.push({ path: [...path, 'http_filters'], message: 'the last HTTP filter must be the router' });
        typed.route_config.virtual_hosts.forEach((host, h) => {
          host.routes.forEach((route, r) => {
            const routePath = [...path, 'route_config', 'virtual_hosts', h, 'routes', r];
            if (!route.route && !route.direct_response)
              problems.push({ path: routePath, message: 'a route needs `route:` or `direct_response:`' });
            needCluster(route.route?.cluster, [...routePath, 'route', 'cluster']);
          });
        });
      });
    });
  });
  return problems;
}

/** Line of the deepest node of `path` the document has (the key, for a mapping entry). */
function nodeLine(document: Document, path: PathKey[], lineAt: (offset: number) => number): number {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = document.getIn(path.slice(0, depth - 1), true);
    const key = path[depth - 1];
    const node = isMap(parent)
      ? parent.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(key))?.key
      : isSeq(parent)
        ? parent.items[Number(key)]
        : undefined;
    const range = (node as { range?: [number, number] } | undefined)?.range;
    if (range) return lineAt(range[0]);
  }
  return 1;
}
