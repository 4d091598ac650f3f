import { CloudApiError } from './cloud-errors.js';
import type { ComputeApi } from './compute-client.js';
import type { IamApi, ServiceAccount } from './iam-client.js';
import { type CloudResource, kindName, type LedgerEntry, SESSION_LABEL, sameResource } from './ledger.js';

/** A cloud resource alts-tutor made, found by its label, its description or a session's ledger. */
export interface TutorResource extends CloudResource {
  /** The session it belongs to. */
  session: string;
  foundBy: 'label' | 'description' | 'ledger';
  /** An instance's status (RUNNING, TERMINATED…). */
  status?: string;
  /** The step that created it, from the ledger. */
  step?: string;
  /** False for kinds alts-tutor does not delete (a GKE cluster, a disk): the person is told how. */
  deletable: boolean;
}

/** A session's ledger entry that is still open, with the session it is in. */
export type OpenLedgerEntry = LedgerEntry & { session: string };

export interface FindOptions {
  compute: ComputeApi;
  iam: IamApi;
  /** Which sessions' resources: see `sessionMatcher`. */
  sessions: (session: string) => boolean;
  /** Only instances of this zone (firewall rules and service accounts are global). */
  zone?: string;
  /** Open ledger entries of the sessions concerned. */
  ledger: readonly OpenLedgerEntry[];
}

export interface FoundResources {
  resources: TutorResource[];
  /** Ledger entries whose resource no longer exists (deleted by hand, or by a step whose output was not seen). */
  gone: OpenLedgerEntry[];
  /** What could not be looked at (the IAM API off limits, say); the rest was. */
  warnings: string[];
}

const DELETABLE = new Set(['instances', 'firewalls', 'serviceAccounts']);
/** `alts-tutor-session=<id>` in a description: firewall rules and service accounts have no labels. */
const DESCRIPTION_MARK = new RegExp(`${SESSION_LABEL}=([a-z0-9][a-z0-9_-]*)`);

/**
 * Every resource of the sessions concerned: instances by their `alts-tutor-session` label,
 * firewall rules and service accounts by `alts-tutor-session=<id>` in their description, and
 * whatever the sessions' ledgers name that still exists (service accounts made with only a
 * display name, say). Nothing is deleted here.
 */
export async function findTutorResources(options: FindOptions): Promise<FoundResources> {
  const { compute, iam, sessions, zone } = options;
  const resources: TutorResource[] = [];
  const warnings: string[] = [];
  const project = compute.project;

  const instances = await compute.listInstances({ ...(zone !== undefined && { zone }), filter: `labels.${SESSION_LABEL}:*` });
  for (const instance of instances) {
    const session = instance.labels[SESSION_LABEL];
    if (session === undefined || !sessions(session)) continue;
    resources.push({
      kind: 'instances',
      name: instance.name,
      project,
      location: instance.zone,
      session,
      foundBy: 'label',
      status: instance.status,
      deletable: true,
    });
  }
  for (const rule of await compute.listFirewalls()) {
    const session = markedSession(rule.description);
    if (session !== undefined && sessions(session)) {
      resources.push({ kind: 'firewalls', name: rule.name, project, session, foundBy: 'description', deletable: true });
    }
  }
  let accounts: ServiceAccount[] | undefined;
  try {
    accounts = await iam.listServiceAccounts();
  } catch (error) {
    warnings.push(`service accounts were not checked: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const account of accounts ?? []) {
    const session = markedSession(account.description);
    if (session !== undefined && sessions(session)) {
      resources.push({
        kind: 'serviceAccounts',
        name: accountId(account.email),
        project,
        session,
        foundBy: 'description',
        deletable: true,
      });
    }
  }

  const gone: OpenLedgerEntry[] = [];
  for (const entry of options.ledger) {
    const known = resources.find((resource) => resource.session === entry.session && sameResource(resource, entry));
    if (known) {
      known.step ??= entry.step;
      continue;
    }
    const fromLedger = {
      kind: entry.kind,
      name: entry.name,
      project: entry.project ?? project,
      session: entry.session,
      step: entry.step,
      foundBy: 'ledger' as const,
    };
    if (entry.project !== undefined && entry.project !== project) {
      resources.push({ ...fromLedger, ...(entry.location !== undefined && { location: entry.location }), deletable: false });
      continue;
    }
    // A resource of that name that another session has labelled or marked since is not this
    // entry's any more (deleted by hand, made again by another run): it is gone, and left alone.
    const ours = (session: string | undefined) => session === undefined || session === entry.session;
    if (entry.kind === 'instances') {
      if (entry.location === undefined || (zone !== undefined && entry.location !== zone)) continue;
      const instance = await compute.getInstance(entry.location, entry.name);
      if (instance && ours(instance.labels[SESSION_LABEL])) {
        resources.push({ ...fromLedger, location: entry.location, status: instance.status, deletable: true });
      } else gone.push(entry);
    } else if (entry.kind === 'firewalls') {
      const rule = await compute.getFirewall(entry.name);
      if (rule && ours(markedSession(rule.description))) resources.push({ ...fromLedger, deletable: true });
      else gone.push(entry);
    } else if (entry.kind === 'serviceAccounts') {
      if (!accounts) continue;
      const account = accounts.find((candidate) => accountId(candidate.email) === entry.name);
      if (account && ours(markedSession(account.description))) resources.push({ ...fromLedger, deletable: true });
      else gone.push(entry);
    } else {
      // Kinds alts-tutor does not delete: listed with the command that does, unchecked.
      resources.push({ ...fromLedger, ...(entry.location !== undefined && { location: entry.location }), deletable: false });
    }
  }
  return { resources, gone, warnings };
}

export interface DeleteOutcome {
  resource: TutorResource;
  error?: Error;
}

/**
 * Deletes what `findTutorResources` found: instances first (all at once; each takes about a
 * minute), then firewall rules, then service accounts (the VMs ran as them). A failure is
 * reported and the rest goes on. Resources alts-tutor does not delete are skipped.
 */
export async function deleteTutorResources(
  resources: readonly TutorResource[],
  apis: { compute: ComputeApi; iam: IamApi },
  onOutcome: (outcome: DeleteOutcome) => void,
): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = [];
  const remove = async (resource: TutorResource, body: () => Promise<void>) => {
    try {
      await body();
      outcomes.push({ resource });
      onOutcome({ resource });
    } catch (error) {
      // Gone already is what was wanted.
      const gone = error instanceof CloudApiError && error.notFound;
      const outcome = gone ? { resource } : { resource, error: error instanceof Error ? error : new Error(String(error)) };
      outcomes.push(outcome);
      onOutcome(outcome);
    }
  };
  const of = (kind: string) => resources.filter((resource) => resource.deletable && resource.kind === kind);
  await Promise.all(of('instances').map((vm) => remove(vm, () => apis.compute.deleteInstance(vm.location ?? '', vm.name))));
  await Promise.all(of('firewalls').map((rule) => remove(rule, () => apis.compute.deleteFirewall(rule.name))));
  await Promise.all(
    of('serviceAccounts').map((account) =>
      remove(account, () =>
        apis.iam.deleteServiceAccount(`${account.name}@${account.project ?? apis.compute.project}.iam.gserviceaccount.com`),
      ),
    ),
  );
  return outcomes;
}

/**
 * One aligned line per resource: kind, name, zone, status, session, the step that created it,
 * and for what alts-tutor does not delete, how to. `notes` add a word to a resource's line.
 */
export function resourceTable(resources: readonly TutorResource[], notes: ReadonlyMap<TutorResource, string> = new Map()): string[] {
  const rows = resources.map((resource) => [
    kindName(resource.kind),
    resource.name,
    resource.location ?? '',
    resource.status ?? '',
    `session ${resource.session}`,
    [
      resource.step !== undefined ? `(created by step ${resource.step})` : '',
      resource.deletable ? '' : `— not deleted by alts-tutor: ${manualDelete(resource)}`,
      notes.get(resource) ?? '',
    ]
      .filter(Boolean)
      .join(' '),
  ]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell))
      .join('  ')
      .replace(/ +$/, ''),
  );
}

/** The gcloud command that deletes a resource alts-tutor leaves alone. */
function manualDelete(resource: TutorResource): string {
  const project = resource.project !== undefined ? ` --project ${resource.project}` : '';
  if (resource.kind === 'clusters')
    return `gcloud container clusters delete ${resource.name} --location ${resource.location ?? 'LOCATION'}${project}`;
  // Zones end in a letter (us-central1-a), regions in a digit (us-central1).
  const scope =
    resource.location === undefined
      ? ''
      : /-[a-z]$/.test(resource.location)
        ? ` --zone ${resource.location}`
        : ` --region ${resource.location}`;
  if (DELETABLE.has(resource.kind))
    return `it is in project ${resource.project}; run alts-tutor cleanup with CLOUDSDK_CORE_PROJECT=${resource.project}`;
  return `gcloud compute ${resource.kind} delete ${resource.name}${scope}${project}`;
}

/** The session `alts-tutor-session=<id>` in a description names, if any. */
function markedSession(description: string): string | undefined {
  return DESCRIPTION_MARK.exec(description)?.[1];
}

function accountId(email: string): string {
  return email.split('@')[0] ?? email;
}
