import { UserError } from '../errors.js';
import { onPath } from '../execute/on-path.js';
import type { Plan } from '../plan/plan-steps.js';
import { type CloudCredentials, credentialsFor } from './cloud-credentials.js';
import { CloudApiError } from './cloud-errors.js';
import { type CloudSettings, readCloudSettings } from './cloud-settings.js';
import { type ComputeApi, type ComputeQuota, openCompute } from './compute-client.js';
import { googleJson } from './google-http.js';

export type CheckState = 'ok' | 'failed' | 'warning' | 'skipped';

export interface PreflightCheck {
  title: string;
  state: CheckState;
  detail: string;
  /** What to run to fix it. */
  fix?: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
  /** The project and zone the checks used. */
  project?: string;
  zone?: string;
}

export interface PreflightInput {
  env: NodeJS.ProcessEnv;
  /** The tutorial's `PROJECT_ID` and `ZONE`, when it has them: they win over gcloud's configuration. */
  project?: string;
  zone?: string;
  /** VMs the tutorial creates, and their machine type (gcloud's default: n1-standard-1). */
  vms: number;
  machineType?: string;
}

/** gcloud's machine type when `instances create` is given none. */
export const GCLOUD_DEFAULT_MACHINE_TYPE = 'n1-standard-1';

/**
 * What a `gcp` run needs, checked before its first step, so that it does not fail half-way for
 * a reason knowable up front: gcloud installed and logged in, a project, the Compute Engine and
 * IAM APIs enabled, a zone that exists, and quota for the tutorial's VMs. Every failure says
 * what to run to fix it. Checks that depend on a failed one are skipped, not failed again.
 */
export async function preflightGcp(input: PreflightInput): Promise<PreflightReport> {
  const checks: PreflightCheck[] = [];
  const add = (check: PreflightCheck) => checks.push(check);
  const skip = (title: string, because: string) => add({ title, state: 'skipped', detail: `needs ${because}` });
  const done = (extra: { project?: string; zone?: string } = {}): PreflightReport => ({
    ok: !checks.some((check) => check.state === 'failed'),
    checks,
    ...extra,
  });

  if (!onPath('gcloud', input.env.PATH)) {
    add({
      title: 'gcloud',
      state: 'failed',
      detail: 'not installed (not on PATH)',
      fix: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install',
    });
    for (const title of ['credentials', 'project', 'Compute Engine API', 'IAM API', 'zone', 'quota']) skip(title, 'gcloud');
    return done();
  }
  add({ title: 'gcloud', state: 'ok', detail: 'installed' });

  const settings = await readCloudSettings(input.env);
  // One token for all the checks: each `gcloud auth print-access-token` takes about a second.
  const credentials = credentialsFor(settings, input.env);
  const credentialsOk = await checkCredentials(settings, credentials, add);
  const project = input.project || settings.project;
  if (project) add({ title: 'project', state: 'ok', detail: project });
  else
    add({
      title: 'project',
      state: 'failed',
      detail: 'none is set',
      fix: 'gcloud config set project PROJECT_ID   (or --var PROJECT_ID=…)',
    });
  const zone = input.zone || settings.zone;
  if (!credentialsOk || !project) {
    for (const title of ['Compute Engine API', 'IAM API', 'zone', 'quota']) skip(title, !credentialsOk ? 'credentials' : 'a project');
    return done({ ...(project && { project }), ...(zone && { zone }) });
  }

  const withProject = { ...settings, project };
  let api: ComputeApi;
  try {
    api = await openCompute(withProject, credentials);
  } catch (error) {
    add(failedCall('Compute Engine API', error, project));
    for (const title of ['IAM API', 'zone', 'quota']) skip(title, 'the Compute Engine API');
    return done({ project, ...(zone && { zone }) });
  }
  try {
    let projectQuotas: ComputeQuota[] = [];
    try {
      projectQuotas = (await api.getProject()).quotas;
      add({ title: 'Compute Engine API', state: 'ok', detail: `enabled in ${project}` });
    } catch (error) {
      add(failedCall('Compute Engine API', error, project));
      add(await checkIam(withProject, credentials));
      skip('zone', 'the Compute Engine API');
      skip('quota', 'the Compute Engine API');
      return done({ project, ...(zone && { zone }) });
    }
    const [iam, zoneChecks] = await Promise.all([checkIam(withProject, credentials), checkZoneAndQuota(api, zone, input, projectQuotas)]);
    add(iam);
    for (const check of zoneChecks) add(check);
    return done({ project, ...(zone && { zone }) });
  } finally {
    await api.close();
  }
}

async function checkCredentials(
  settings: CloudSettings,
  credentials: CloudCredentials,
  add: (check: PreflightCheck) => void,
): Promise<boolean> {
  if (settings.credentialsDisabled) {
    add({ title: 'credentials', state: 'ok', detail: 'disabled (auth/disable_credentials): requests carry none' });
    return true;
  }
  if (!settings.account) {
    add({ title: 'credentials', state: 'failed', detail: 'gcloud has no active account', fix: 'gcloud auth login' });
    return false;
  }
  try {
    await credentials.headers();
    add({ title: 'credentials', state: 'ok', detail: settings.account });
    return true;
  } catch (error) {
    add({ title: 'credentials', state: 'failed', detail: `${settings.account}: ${(error as Error).message}`, fix: 'gcloud auth login' });
    return false;
  }
}

/** IAM is asked of Service Usage: listing service accounts would need more permissions than reading this. */
async function checkIam(settings: CloudSettings & { project: string }, credentials: CloudCredentials): Promise<PreflightCheck> {
  const title = 'IAM API';
  const fix = `gcloud services enable iam.googleapis.com --project ${settings.project}`;
  try {
    const url = `${settings.endpoints.serviceusage}v1/projects/${encodeURIComponent(settings.project)}/services/iam.googleapis.com`;
    const service = await googleJson<{ state?: string }>('Service Usage', url, {}, credentials);
    if (service.state === 'ENABLED') return { title, state: 'ok', detail: `enabled in ${settings.project}` };
    return { title, state: 'failed', detail: `not enabled in ${settings.project} (${service.state ?? 'state unknown'})`, fix };
  } catch (error) {
    // Service Usage itself may be off limits to this account; the run may still work.
    return { title, state: 'warning', detail: `could not check: ${(error as Error).message}`, fix };
  }
}

async function checkZoneAndQuota(
  api: ComputeApi,
  zone: string | undefined,
  input: PreflightInput,
  projectQuotas: ComputeQuota[],
): Promise<PreflightCheck[]> {
  const project = api.project;
  if (!zone) {
    return [
      {
        title: 'zone',
        state: 'failed',
        detail: 'none is set',
        fix: 'gcloud config set compute/zone ZONE   (or --var ZONE=us-central1-a; gcloud compute zones list shows them)',
      },
      { title: 'quota', state: 'skipped', detail: 'needs a zone' },
    ];
  }
  let found: Awaited<ReturnType<ComputeApi['getZone']>>;
  try {
    found = await api.getZone(zone);
  } catch (error) {
    return [failedCall('zone', error, project), { title: 'quota', state: 'skipped', detail: 'needs a zone' }];
  }
  if (!found) {
    return [
      {
        title: 'zone',
        state: 'failed',
        detail: `${zone} does not exist`,
        fix: `gcloud compute zones list   (then --var ZONE=<one of them>)`,
      },
      { title: 'quota', state: 'skipped', detail: 'needs a zone' },
    ];
  }
  if (found.status !== 'UP') {
    return [
      {
        title: 'zone',
        state: 'failed',
        detail: `${zone} is ${found.status}`,
        fix: 'choose another zone: gcloud compute zones list --filter=status=UP',
      },
      { title: 'quota', state: 'skipped', detail: 'needs a zone that is up' },
    ];
  }
  const zoneCheck: PreflightCheck = { title: 'zone', state: 'ok', detail: `${zone} (region ${found.region})` };
  if (input.vms === 0) return [zoneCheck, { title: 'quota', state: 'ok', detail: 'the tutorial creates no VM' }];
  try {
    return [zoneCheck, await checkQuota(api, zone, found.region, input, projectQuotas)];
  } catch (error) {
    return [zoneCheck, failedCall('quota', error, project)];
  }
}

async function checkQuota(
  api: ComputeApi,
  zone: string,
  region: string,
  input: PreflightInput,
  projectQuotas: ComputeQuota[],
): Promise<PreflightCheck> {
  const machineType = input.machineType ?? GCLOUD_DEFAULT_MACHINE_TYPE;
  const type = await api.getMachineType(zone, machineType);
  if (!type) {
    return {
      title: 'quota',
      state: 'failed',
      detail: `machine type ${machineType} is not offered in ${zone}`,
      fix: `gcloud compute machine-types list --zones ${zone}`,
    };
  }
  const cpus = type.guestCpus * input.vms;
  const family = machineType.split('-')[0]?.toUpperCase();
  // Each VM gets an external address (gcloud's default) and counts as an instance.
  const needs = new Map<string, number>([
    ['CPUS', cpus],
    [`${family}_CPUS`, cpus],
    ['INSTANCES', input.vms],
    ['IN_USE_ADDRESSES', input.vms],
  ]);
  const regionQuotas = await api.getRegionQuotas(region);
  const short: string[] = [];
  const check = (quotas: ComputeQuota[], where: string, metric: string, need: number) => {
    const quota = quotas.find((candidate) => candidate.metric === metric);
    if (quota && quota.limit - quota.usage < need)
      short.push(`${metric} in ${where}: ${Math.max(0, quota.limit - quota.usage)} free of ${quota.limit}, ${need} needed`);
  };
  for (const [metric, need] of needs) check(regionQuotas, region, metric, need);
  check(projectQuotas, 'all regions', 'CPUS_ALL_REGIONS', cpus);
  const vms = `${input.vms} VM${input.vms === 1 ? '' : 's'} of ${machineType} (${cpus} vCPU${cpus === 1 ? '' : 's'})`;
  if (short.length === 0) return { title: 'quota', state: 'ok', detail: `room for ${vms} in ${region}` };
  return {
    title: 'quota',
    state: 'failed',
    detail: `not enough for ${vms}: ${short.join('; ')}`,
    fix: `delete VMs you no longer need (gcloud compute instances list; alts-tutor cleanup), or ask for more: https://console.cloud.google.com/iam-admin/quotas?project=${api.project}`,
  };
}

/** An API call that failed, as a check: a disabled API, a missing project, no permission, or the API unreachable. */
function failedCall(title: string, error: unknown, project: string): PreflightCheck {
  if (!(error instanceof CloudApiError)) {
    return { title, state: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  if (error.serviceDisabled) {
    return {
      title,
      state: 'failed',
      detail: `Compute Engine API is not enabled in ${project}`,
      fix: `gcloud services enable compute.googleapis.com --project ${project}`,
    };
  }
  if (error.notFound)
    return {
      title,
      state: 'failed',
      detail: `project ${project} was not found: ${error.detail}`,
      fix: 'gcloud projects list   (then gcloud config set project PROJECT_ID)',
    };
  if (error.status === 'PERMISSION_DENIED') {
    return {
      title,
      state: 'failed',
      detail: error.message,
      fix: `ask for roles/compute.instanceAdmin.v1 on ${project}, or use another account: gcloud auth login`,
    };
  }
  if (error.status === 'UNAUTHENTICATED') return { title, state: 'failed', detail: error.message, fix: 'gcloud auth login' };
  return { title, state: 'failed', detail: error.message, ...(error.hint !== undefined && { fix: error.hint }) };
}

const MARKS: Record<CheckState, string> = { ok: '✓', failed: '✗', warning: '!', skipped: '-' };

/** The checks, one per line, each failure with its fix under it. */
export function formatPreflight(report: PreflightReport): string {
  const width = Math.max(...report.checks.map((check) => check.title.length));
  return report.checks
    .map((check) => {
      const line = `  ${MARKS[check.state]} ${check.title.padEnd(width)}  ${check.state === 'skipped' ? `skipped: ${check.detail}` : check.detail}`;
      return check.fix !== undefined && check.state !== 'ok' && check.state !== 'skipped' ? `${line}\n      fix: ${check.fix}` : line;
    })
    .join('\n');
}

/** One line for a preflight that passed (`preflight: project p, zone z, …: ready`), warnings after it. */
export function preflightSummary(report: PreflightReport): string {
  const quota = report.checks.find((check) => check.title === 'quota' && check.state === 'ok')?.detail;
  const where = [report.project && `project ${report.project}`, report.zone && `zone ${report.zone}`, quota].filter(Boolean).join(', ');
  const warnings = report.checks.filter((check) => check.state === 'warning').map((check) => `\n  ! ${check.title}: ${check.detail}`);
  return `preflight: ${where}: ready${warnings.join('')}`;
}

/** A failed preflight: the run stops before its first step, exit 2, with every problem and its fix. */
export class PreflightError extends UserError {
  constructor(readonly report: PreflightReport) {
    const failed = report.checks.filter((check) => check.state === 'failed').length;
    super(`the gcp target is not ready (${failed} problem${failed === 1 ? '' : 's'}); no step was run:\n${formatPreflight(report)}`);
  }
}

/**
 * The VMs a plan creates: the names its steps give `gcloud compute instances create` (or its
 * `gce:` hosts, if more), and the first `--machine-type` given, `$VARIABLE`s resolved.
 */
export function plannedVms(plan: Plan, variables: Readonly<Record<string, string>> = {}): { vms: number; machineType?: string } {
  let names = 0;
  let machineType: string | undefined;
  for (const step of [...plan.steps, ...plan.teardown]) {
    const text = step.command.replace(/\\\n/g, ' ');
    for (const match of text.matchAll(/gcloud\s+(?:\S+\s+)*?compute\s+instances\s+create\s+([^\n;&|]*)/g)) {
      const words = (match[1] ?? '').trim().split(/\s+/);
      const firstFlag = words.findIndex((word) => word.startsWith('-'));
      names += (firstFlag === -1 ? words : words.slice(0, firstFlag)).filter(Boolean).length;
      const type = /--machine-type(?:=|\s+)("?)(\S+?)\1(?:\s|$)/.exec(match[1] ?? '')?.[2];
      if (machineType === undefined && type !== undefined) machineType = expandVariables(type, variables);
    }
  }
  const hosts = Object.values(plan.target.hosts).filter((host) => host.kind === 'gce').length;
  return { vms: Math.max(names, hosts), ...(machineType !== undefined && !machineType.includes('$') && { machineType }) };
}

/** `$TYPE`/`${TYPE}` → its value; unknown names stay as written. */
function expandVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => variables[name] ?? whole);
}
