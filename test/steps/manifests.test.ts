import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEnvoyConfigFile } from '../support/envoy-config.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import {
  isKubernetesManifest,
  type ManifestDocument,
  peerAuthenticationProblems,
  readManifest,
  wiringProblems,
} from '../support/kube-manifests.js';
import { STEPS_DIR, yamlFilesUnderSteps } from '../support/step-files.js';

const PROJECT = join(STEPS_DIR, '..');
const read = (file: string) => readFileSync(join(PROJECT, file), 'utf8');
const manifestFiles = yamlFilesUnderSteps().filter((file) => !isEnvoyConfigFile(file) && isKubernetesManifest(read(file)));
const appOne = read('steps/asm-mtls/app-1-permissive.yaml');

function documentsOf(text: string): ManifestDocument[] {
  const { documents, problems } = readManifest(text);
  expect(problems).toEqual([]);
  return documents;
}

/** What `kubectl … -o name` prints for a document: `deployment.apps/whereami`. */
function resourceName(document: ManifestDocument): string {
  const group = document.apiVersion.includes('/') ? `.${document.apiVersion.split('/')[0]}` : '';
  return `${document.kind.toLowerCase()}${group}/${String((document.object.metadata as { name: unknown }).name)}`;
}

function mutate(from: string, to: string, text = appOne): string {
  if (!text.includes(from)) throw new Error(`fixture lost "${from}"`);
  return text.replace(from, to);
}

/** A PeerAuthentication document from the real app-1 manifest with its spec replaced. */
function peerAuthentication(spec: string): ManifestDocument {
  const text = mutate('spec:\n  # No selector: the policy covers every workload in the namespace.\n  mtls:\n    mode: PERMISSIVE\n', spec);
  const document = documentsOf(text).find((item) => item.kind === 'PeerAuthentication');
  if (!document) throw new Error('no PeerAuthentication');
  return document;
}

let api: FakeKubeApi;
let scratch: string;

beforeAll(async () => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error('kubectl is not installed: these checks run its client-side dry run (apt-get install kubernetes-client)');
  }
  api = await FakeKubeApi.start();
  scratch = mkdtempSync(join(tmpdir(), 'alts-tutor-manifests-'));
});

afterAll(async () => {
  await api?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('YAML files under steps/', () => {
  it('are each an Envoy config (by name) or a Kubernetes manifest, so none goes unchecked', () => {
    const unchecked = yamlFilesUnderSteps().filter((file) => !isEnvoyConfigFile(file) && !isKubernetesManifest(read(file)));
    expect(unchecked).toEqual([]);
    expect(manifestFiles).toEqual(expect.arrayContaining(['steps/asm-mtls/app-1-permissive.yaml', 'steps/asm-mtls/app-2-strict.yaml']));
  });
});

describe.each(manifestFiles)('%s', (file) => {
  it('passes kubectl apply --dry-run=client, which maps every kind and writes nothing', async () => {
    const result = await api.dryRunApply(join(PROJECT, file));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(documentsOf(read(file)).map(resourceName));
    expect(api.requests.filter((request) => !request.startsWith('GET '))).toEqual([]);
  });

  it('has PeerAuthentications that match Istio’s API, and Services and Deployments that fit together', () => {
    const documents = documentsOf(read(file));
    expect(documents.filter((item) => item.kind === 'PeerAuthentication').flatMap(peerAuthenticationProblems)).toEqual([]);
    expect(wiringProblems(documents)).toEqual([]);
  });
});

describe('the asm-mtls manifests', () => {
  it('make app-1 permissive and app-2 strict, namespace-wide, with sidecar injection', () => {
    for (const [file, namespace, mode] of [
      ['steps/asm-mtls/app-1-permissive.yaml', 'app-1', 'PERMISSIVE'],
      ['steps/asm-mtls/app-2-strict.yaml', 'app-2', 'STRICT'],
    ] as const) {
      const documents = documentsOf(read(file));
      const policy = documents.find((item) => item.kind === 'PeerAuthentication')?.object;
      expect(policy).toMatchObject({ metadata: { namespace }, spec: { mtls: { mode } } });
      expect(policy?.spec).not.toHaveProperty('selector');
      expect(documents.find((item) => item.kind === 'Namespace')?.object).toMatchObject({
        metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } },
      });
    }
  });
});

describe('a broken manifest fails', () => {
  it.each([
    [
      'a removed API version',
      mutate('apiVersion: apps/v1\n', 'apiVersion: apps/v1beta1\n'),
      /no matches for kind "Deployment" in version "apps\/v1beta1"/,
    ],
    ['a misspelled kind', mutate('kind: Service\n', 'kind: Servcie\n'), /no matches for kind "Servcie"/],
    ['a document without a kind', mutate('kind: Namespace\n', ''), /'Kind' is missing/],
    ['invalid YAML', mutate('  replicas: 1\n', '  replicas: [1\n'), /error converting YAML to JSON/],
  ])('kubectl’s dry run: %s', async (_what, text, message) => {
    const file = join(scratch, 'broken.yaml');
    writeFileSync(file, text);
    const result = await api.dryRunApply(file);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['a mode Istio does not have', '  mtls:\n    mode: STRICTEST\n', /mtls\.mode: mtls\.mode is UNSET, DISABLE, PERMISSIVE or STRICT/],
    ['a misspelled field', '  mtls:\n    mdoe: STRICT\n', /spec\.mtls\.mdoe: unknown field/],
    ['portLevelMtls without a selector', '  portLevelMtls:\n    "8080":\n      mode: DISABLE\n', /portLevelMtls needs a selector/],
    [
      'a portLevelMtls key that is not a port',
      '  selector:\n    matchLabels: { app: whereami }\n  portLevelMtls:\n    http:\n      mode: DISABLE\n',
      /a portLevelMtls key is a port number/,
    ],
    ['a selector without matchLabels', '  selector: {}\n  mtls:\n    mode: STRICT\n', /spec\.selector\.matchLabels/],
    ['a selector with empty matchLabels', '  selector:\n    matchLabels: {}\n  mtls:\n    mode: STRICT\n', /matchLabels is empty/],
  ])('the PeerAuthentication schema: %s', (_what, spec, message) => {
    const problems = peerAuthenticationProblems(peerAuthentication(`spec:\n${spec}`));
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(message);
  });

  it('the PeerAuthentication schema accepts port-level settings for selected workloads', () => {
    const document = peerAuthentication(
      'spec:\n  selector:\n    matchLabels: { app: whereami }\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    "8080":\n      mode: PERMISSIVE\n',
    );
    expect(peerAuthenticationProblems(document)).toEqual([]);
  });

  it.each([
    [
      'a Deployment whose selector misses its pods',
      mutate('  selector:\n    matchLabels:\n      app: whereami\n', '  selector:\n    matchLabels:\n      app: where\n'),
      /Deployment whereami: spec\.selector/,
    ],
    [
      'a Service that selects no pod',
      mutate('  selector:\n    app: whereami\n', '  selector:\n    app: wherever\n'),
      /Service whereami: its selector picks no pod/,
    ],
    [
      'a Service sending to a port no container has',
      mutate('    targetPort: 8080\n', '    targetPort: 8081\n'),
      /targetPort 8081 is no container port/,
    ],
  ])('the wiring check: %s', (_what, text, message) => {
    expect(
      wiringProblems(documentsOf(text))
        .map((problem) => problem.message)
        .join('\n'),
    ).toMatch(message);
  });
});
