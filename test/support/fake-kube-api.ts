import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Just enough of a Kubernetes API server for `kubectl apply --dry-run=client` to run offline:
 * discovery (which kinds exist, in which group versions, namespaced or not) and a 404 for every
 * object kubectl looks up. kubectl needs discovery to map a manifest's apiVersion/kind to a
 * resource even in a client-side dry run; nothing is ever created. The kinds are those of the
 * Kubernetes and Istio releases the tutorials target; a removed version such as
 * `apps/v1beta1` is unknown here as it is on a current cluster.
 */
const RESOURCES: Record<string, Array<[plural: string, kind: string, namespaced: boolean]>> = {
  v1: [
    ['namespaces', 'Namespace', false],
    ['pods', 'Pod', true],
    ['services', 'Service', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true],
  ],
  'apps/v1': [
    ['deployments', 'Deployment', true],
    ['daemonsets', 'DaemonSet', true],
    ['statefulsets', 'StatefulSet', true],
    ['replicasets', 'ReplicaSet', true],
  ],
  'networking.k8s.io/v1': [['networkpolicies', 'NetworkPolicy', true]],
  'security.istio.io/v1': [
    ['peerauthentications', 'PeerAuthentication', true],
    ['authorizationpolicies', 'AuthorizationPolicy', true],
    ['requestauthentications', 'RequestAuthentication', true],
  ],
  'security.istio.io/v1beta1': [
    ['peerauthentications', 'PeerAuthentication', true],
    ['authorizationpolicies', 'AuthorizationPolicy', true],
    ['requestauthentications', 'RequestAuthentication', true],
  ],
};

function resourceList(groupVersion: string): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: (RESOURCES[groupVersion] ?? []).map(([plural, kind, namespaced]) => ({
      name: plural,
      singularName: kind.toLowerCase(),
      kind,
      namespaced,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

function groupList(): object {
  const groups = new Map<string, string[]>();
  for (const groupVersion of Object.keys(RESOURCES)) {
    const [group, version] = groupVersion.split('/');
    if (version === undefined || group === undefined) continue;
    groups.set(group, [...(groups.get(group) ?? []), version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

function discovery(path: string): object | undefined {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0-fake' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') return groupList();
  if (path === '/api/v1') return resourceList('v1');
  const group = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
  return group && group in RESOURCES ? resourceList(group) : undefined;
}

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class FakeKubeApi {
  /** Every request kubectl made, as `METHOD path`: a dry run must never write. */
  readonly requests: string[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'alts-tutor-kube-'));
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeKubeApi> {
    const server = createServer();
    const api = new FakeKubeApi(server);
    server.on('request', (request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      api.requests.push(`${request.method} ${path}`);
      const body = request.method === 'GET' ? discovery(path) : undefined;
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    writeFileSync(
      join(api.dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: fake, cluster: { server: "http://127.0.0.1:${port}" } }]`,
        'users: [{ name: fake, user: { token: fake } }]',
        'contexts: [{ name: fake, context: { cluster: fake, user: fake } }]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return api;
  }

  /**
   * `kubectl apply --dry-run=client --validate=false -o name -f <file>` against this server,
   * with a kubeconfig and discovery cache of its own (the user's are never read or written).
   * Asynchronous on purpose: this process serves kubectl's requests while it waits.
   */
  dryRunApply(file: string): Promise<KubectlResult> {
    const args = ['apply', '--dry-run=client', '--validate=false', '-o', 'name', '-f', file];
    const options = ['--kubeconfig', join(this.dir, 'kubeconfig'), '--cache-dir', join(this.dir, 'cache')];
    return new Promise((resolve) => {
      const child = execFile('kubectl', [...args, ...options], { timeout: 20_000 }, (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      });
      child.stdin?.end();
    });
  }

  async stop(): Promise<void> {
    // kubectl's connections may still be open (keep-alive): close them, or close() waits for them.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
