import * as v from 'valibot';
import { LineCounter, parseAllDocuments } from 'yaml';

/**
 * The Kubernetes manifests under `steps/`: read document by document, with the checks kubectl's
 * client-side dry run cannot make offline. PeerAuthentication is an Istio custom resource, which
 * kubectl only maps to a resource; its fields are checked here against Istio's API
 * (security.istio.io PeerAuthentication: selector.matchLabels, mtls.mode, portLevelMtls).
 */

export interface ManifestDocument {
  /** Line of the document's first content line. */
  line: number;
  object: Record<string, unknown>;
  apiVersion: string;
  kind: string;
}

export interface ManifestProblem {
  line: number;
  message: string;
}

/** The documents of a YAML file, or the YAML errors that stop it being read. */
export function readManifest(text: string): { documents: ManifestDocument[]; problems: ManifestProblem[] } {
  const lineCounter = new LineCounter();
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  for (const document of parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false })) {
    const line = lineCounter.linePos(document.contents?.range[0] ?? document.range[0]).line;
    if (document.errors.length > 0) {
      for (const error of document.errors)
        problems.push({ line: lineCounter.linePos(error.pos[0]).line, message: `YAML: ${error.message.split('\n')[0]}` });
      continue;
    }
    const object: unknown = document.toJS();
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || Array.isArray(object)) {
      problems.push({ line, message: 'a manifest document must be a mapping' });
      continue;
    }
    const record = object as Record<string, unknown>;
    const { apiVersion, kind } = record;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      problems.push({ line, message: 'a manifest document needs apiVersion and kind' });
      continue;
    }
    documents.push({ line, object: record, apiVersion, kind });
  }
  return { documents, problems };
}

/** True when every document of the file is a Kubernetes object (apiVersion and kind). */
export function isKubernetesManifest(text: string): boolean {
  const { documents, problems } = readManifest(text);
  return documents.length > 0 && problems.length === 0;
}

const dnsLabel = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a name is lowercase letters, digits and "-"'),
  v.maxLength(63),
);
const labelValue = v.pipe(v.string(), v.regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'not a valid label value'), v.maxLength(63));
const labels = v.record(
  v.pipe(v.string(), v.regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'not a valid label key')),
  labelValue,
);

const mutualTls = v.strictObject({
  mode: v.picklist(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'], 'mtls.mode is UNSET, DISABLE, PERMISSIVE or STRICT'),
});

/** security.istio.io/v1 (and v1beta1) PeerAuthentication, field by field. */
export const peerAuthenticationSchema = v.pipe(
  v.strictObject({
    apiVersion: v.picklist(['security.istio.io/v1', 'security.istio.io/v1beta1']),
    kind: v.literal('PeerAuthentication'),
    metadata: v.strictObject({
      name: dnsLabel,
      namespace: v.optional(dnsLabel),
      labels: v.optional(labels),
      annotations: v.optional(v.record(v.string(), v.string())),
    }),
    spec: v.strictObject({
      selector: v.optional(
        v.strictObject({
          matchLabels: v.pipe(
            labels,
            v.check((map) => Object.keys(map).length > 0, 'matchLabels is empty'),
          ),
        }),
      ),
      mtls: v.optional(mutualTls),
      portLevelMtls: v.optional(
        v.record(
          v.pipe(
            v.string(),
            v.regex(/^[1-9]\d{0,4}$/, 'a portLevelMtls key is a port number'),
            v.check((port) => Number(port) <= 65535, 'port out of range'),
          ),
          mutualTls,
        ),
      ),
    }),
  }),
  // Istio's validation: port-level settings only apply to the workloads a selector picks.
  v.check((policy) => policy.spec.portLevelMtls === undefined || policy.spec.selector !== undefined, 'portLevelMtls needs a selector'),
);

/** Problems of a PeerAuthentication document against Istio's API. */
export function peerAuthenticationProblems(document: ManifestDocument): ManifestProblem[] {
  const result = v.safeParse(peerAuthenticationSchema, document.object);
  if (result.success) return [];
  return result.issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
    const message = issue.type === 'strict_object' && issue.expected === 'never' ? 'unknown field' : issue.message;
    return {
      line: document.line,
      message: `PeerAuthentication ${String((document.object.metadata as { name?: unknown })?.name)}: ${path ? `${path}: ` : ''}${message}`,
    };
  });
}

interface Workload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort: number }>;
}

/**
 * What the API server would accept but what makes the sample not work, across the documents of
 * one file: a Deployment whose selector does not pick its own pods, a Service that selects no
 * pod of the file or sends to a port no container has.
 */
export function wiringProblems(documents: ManifestDocument[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const workloads: Workload[] = [];
  for (const document of documents) {
    if (document.kind !== 'Deployment') continue;
    const spec = record(document.object.spec);
    const template = record(spec.template);
    const podLabels = stringMap(record(template.metadata).labels);
    const selector = stringMap(record(spec.selector).matchLabels);
    if (Object.keys(selector).length === 0 || !Object.entries(selector).every(([key, value]) => podLabels[key] === value)) {
      problems.push({
        line: document.line,
        message: `Deployment ${nameOf(document)}: spec.selector.matchLabels does not match the pod template's labels`,
      });
    }
    const containers = Array.isArray(record(template.spec).containers) ? (record(template.spec).containers as unknown[]) : [];
    workloads.push({
      namespace: namespaceOf(document),
      name: nameOf(document),
      labels: podLabels,
      ports: containers.flatMap((container) =>
        Array.isArray(record(container).ports) ? (record(container).ports as Workload['ports']) : [],
      ),
    });
  }
  for (const document of documents) {
    if (document.kind !== 'Service') continue;
    const spec = record(document.object.spec);
    const selector = stringMap(spec.selector);
    const selected = workloads.filter(
      (workload) =>
        workload.namespace === namespaceOf(document) && Object.entries(selector).every(([key, value]) => workload.labels[key] === value),
    );
    if (Object.keys(selector).length === 0 || selected.length === 0) {
      problems.push({
        line: document.line,
        message: `Service ${nameOf(document)}: its selector picks no pod of a Deployment in this file`,
      });
      continue;
    }
    const ports = Array.isArray(spec.ports) ? (spec.ports as Array<{ port?: unknown; targetPort?: unknown }>) : [];
    for (const servicePort of ports) {
      const target = servicePort.targetPort ?? servicePort.port;
      const served = selected.some((workload) => workload.ports.some((port) => port.containerPort === target || port.name === target));
      if (!served)
        problems.push({
          line: document.line,
          message: `Service ${nameOf(document)}: targetPort ${String(target)} is no container port of the pods it selects`,
        });
    }
  }
  return problems;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function nameOf(document: ManifestDocument): string {
  return String(record(document.object.metadata).name);
}

function namespaceOf(document: ManifestDocument): string {
  return String(record(document.object.metadata).namespace ?? 'default');
}
