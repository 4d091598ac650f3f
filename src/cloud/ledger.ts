/**
 * The resource ledger: which step of a session created which cloud resource, and whether it is
 * still there. Pure data and pure functions; the session stores the entries
 * (src/session/session-store.ts) and `SessionRecorder` feeds them from each step's output.
 */

/** A cloud resource, named as the API names it. */
export interface CloudResource {
  /** The API's collection: `instances`, `firewalls`, `disks`, `clusters`…, or `serviceAccounts`. */
  kind: string;
  name: string;
  project?: string;
  /** Zone, region or location of a zonal or regional resource. */
  location?: string;
}

/** A resource a session's step created, and what became of it. */
export interface LedgerEntry extends CloudResource {
  /** The step whose output announced it. */
  step: string;
  createdAt: string;
  /** When it was seen deleted (by a step, or by `alts-tutor cleanup`), and by what. */
  deletedAt?: string;
  deletedBy?: string;
}

export interface ResourceChange {
  change: 'created' | 'deleted';
  resource: CloudResource;
}

/** The label tutorials put on what they create (`--labels alts-tutor-session=$ALTS_TUTOR_SESSION`). */
export const SESSION_LABEL = 'alts-tutor-session';

// gcloud's own lines on stderr (log.CreatedResource / log.DeletedResource), one per resource:
//   Created [https://compute.googleapis.com/compute/v1/projects/p/zones/z/instances/vm].
//   Created service account [alts-server].
//   deleted service account [alts-server@p.iam.gserviceaccount.com]
// A progress tracker's dots may come first on the line (`Creating firewall...` then `..Created [`).
const URL_LINE = /^\.*(Created|Deleted) \[(https?:\/\/[^\]\s]+)\]\.?\s*$/gim;
const ACCOUNT_LINE = /^(created|deleted) service account \[([^\]\s]+)\]\.?\s*$/gim;

/**
 * The resources a step's output says gcloud created or deleted, in order. What gcloud prints
 * is the one record that ties a resource to the step that made it, whatever the tutorial
 * named it and whether or not the resource can carry a label (firewall rules and service
 * accounts cannot).
 */
export function resourceChanges(output: string): ResourceChange[] {
  // Most steps print neither word: no regular expression runs for them.
  if (!/created|deleted/i.test(output)) return [];
  const found: Array<ResourceChange & { at: number }> = [];
  for (const match of output.matchAll(URL_LINE)) {
    const resource = resourceFromUrl(match[2] ?? '');
    if (resource) found.push({ change: changeOf(match[1]), resource, at: match.index });
  }
  for (const match of output.matchAll(ACCOUNT_LINE)) {
    found.push({ change: changeOf(match[1]), resource: serviceAccount(match[2] ?? ''), at: match.index });
  }
  return found.sort((a, b) => a.at - b.at).map(({ change, resource }) => ({ change, resource }));
}

function changeOf(word: string | undefined): 'created' | 'deleted' {
  return word?.toLowerCase() === 'created' ? 'created' : 'deleted';
}

/**
 * `…/projects/P/zones/Z/instances/N`, `…/projects/P/global/firewalls/N`,
 * `…/projects/P/regions/R/addresses/N`, `…/projects/P/locations/L/clusters/N` (GKE) → the resource.
 */
export function resourceFromUrl(url: string): CloudResource | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /\/projects\/([^/]+)\/(?:(?:zones|regions|locations)\/([^/]+)\/|global\/)?([A-Za-z]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const [, project, location, kind, name] = match;
  if (project === undefined || kind === undefined || name === undefined) return undefined;
  return { kind, name: decodeURIComponent(name), project, ...(location !== undefined && { location }) };
}

/** `alts-server` or `alts-server@p.iam.gserviceaccount.com` → the account id, and the project when the address names it. */
function serviceAccount(text: string): CloudResource {
  const [id = text, domain] = text.split('@');
  const project = /^([^.]+)\.iam\.gserviceaccount\.com$/.exec(domain ?? '')?.[1];
  return { kind: 'serviceAccounts', name: id, ...(project !== undefined && { project }) };
}

/** The same resource: kind and name agree, and project and location wherever both are known. */
export function sameResource(a: CloudResource, b: CloudResource): boolean {
  const agree = (x: string | undefined, y: string | undefined) => x === undefined || y === undefined || x === y;
  return a.kind === b.kind && a.name === b.name && agree(a.project, b.project) && agree(a.location, b.location);
}

/** The ledger after one change: a creation adds an entry, a deletion closes the open entry it matches. */
export function applyResourceChange(ledger: readonly LedgerEntry[], change: ResourceChange, step: string, at: string): LedgerEntry[] {
  if (change.change === 'created') {
    // Created again (a retried step, a resumed session): one open entry, the latest.
    const others = ledger.filter((entry) => entry.deletedAt !== undefined || !sameResource(entry, change.resource));
    return [...others, { ...change.resource, step, createdAt: at }];
  }
  return ledger.map((entry) =>
    entry.deletedAt === undefined && sameResource(entry, change.resource) ? { ...entry, deletedAt: at, deletedBy: step } : entry,
  );
}

/** Entries whose resource no step or cleanup has deleted: what may still be running and costing money. */
export function openEntries(ledger: readonly LedgerEntry[] | undefined): LedgerEntry[] {
  return (ledger ?? []).filter((entry) => entry.deletedAt === undefined);
}

const KIND_NAMES: Record<string, [one: string, many: string]> = {
  instances: ['VM', 'VMs'],
  firewalls: ['firewall rule', 'firewall rules'],
  serviceAccounts: ['service account', 'service accounts'],
  disks: ['disk', 'disks'],
  addresses: ['address', 'addresses'],
  clusters: ['GKE cluster', 'GKE clusters'],
  networks: ['network', 'networks'],
  subnetworks: ['subnetwork', 'subnetworks'],
};

/** `instances` → `VM`, `firewalls` → `firewall rule`; other kinds keep the API's word. */
export function kindName(kind: string, count = 1): string {
  const names = KIND_NAMES[kind];
  if (names) return count === 1 ? names[0] : names[1];
  return count === 1 ? kind.replace(/s$/, '') : kind;
}

/** `2 VMs (alts-server, alts-client), 1 firewall rule (allow-ssh)`, or '' when the list is empty. */
export function summarizeResources(resources: readonly CloudResource[]): string {
  return [...namesByKind(resources)]
    .map(([kind, names]) => `${names.length} ${kindName(kind, names.length)} (${names.join(', ')})`)
    .join(', ');
}

/** `2 VMs, 1 firewall rule`: the same, without the names, for a line that has little room. */
export function countResources(resources: readonly CloudResource[]): string {
  return [...namesByKind(resources)].map(([kind, names]) => `${names.length} ${kindName(kind, names.length)}`).join(', ');
}

/** The names of each kind, kinds in the order they first appear. */
function namesByKind(resources: readonly CloudResource[]): Map<string, string[]> {
  const byKind = new Map<string, string[]>();
  for (const resource of resources) byKind.set(resource.kind, [...(byKind.get(resource.kind) ?? []), resource.name]);
  return byKind;
}
