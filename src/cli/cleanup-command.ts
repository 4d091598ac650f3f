import { existsSync } from 'node:fs';
import {
  type DeleteOutcome,
  deleteTutorResources,
  findTutorResources,
  type OpenLedgerEntry,
  resourceTable,
} from '../cloud/cloud-cleanup.js';
import { credentialsFor } from '../cloud/cloud-credentials.js';
import { readCloudSettings } from '../cloud/cloud-settings.js';
import { openCompute } from '../cloud/compute-client.js';
import { openIam } from '../cloud/iam-client.js';
import { type CloudResource, kindName, openEntries, SESSION_LABEL } from '../cloud/ledger.js';
import { EXIT, UserError } from '../errors.js';
import { processRunning } from '../execute/process-groups.js';
import { loadTutorial } from '../format/catalog.js';
import { describeTeardown, findSession, removeLabLeftovers } from '../run/resume-session.js';
import { lockSession } from '../session/session-lock.js';
import { sessionMatcher } from '../session/session-paths.js';
import { SessionRecorder } from '../session/session-recorder.js';
import { type Session, SessionStore } from '../session/session-store.js';
import { sessionCommand } from './run-command.js';
import { confirm, isInteractive } from './terminal.js';

export interface CleanupCommandOptions {
  vars: string[];
  yes: boolean;
  ci: boolean;
  reporter: 'pretty' | 'plain' | 'json' | undefined;
  /** Only instances of this zone. */
  zone?: string;
  /** List what would go; run and delete nothing. */
  dryRun: boolean;
}

/**
 * `alts-tutor cleanup [session|id] [--zone Z] [--dry-run]`: everything a run may have left.
 * 1. The session's teardown steps, with its variables (the session named, the latest of the
 *    tutorial named, or the latest of all); the labs of dead runs go with them.
 * 2. Cloud resources labelled `alts-tutor-session=<id>` (instances), marked so in their
 *    description (firewall rules, service accounts), or named by the session's ledger: of that
 *    session, of that tutorial's sessions, or of every session when none is named. They are
 *    listed, then deleted after consent (`--yes`, or a question on a terminal).
 */
export async function cleanupCommand(reference: string | undefined, options: CleanupCommandOptions): Promise<number> {
  const env = process.env;
  const write = (text: string) => process.stdout.write(text);
  const store = new SessionStore(env);
  const session = localSession(store, reference);

  let status: number = EXIT.ok;
  if (options.dryRun) {
    if (session) write(dryRunTeardown(session));
  } else if (session) {
    // The tutorial's own teardown, and the labs of dead runs (src/run/resume-session.ts).
    status = await sessionCommand('cleanup', session.id, {
      vars: options.vars,
      yes: options.yes,
      ci: options.ci,
      reporter: options.reporter,
    });
    // Ctrl-C during the teardown stops the whole cleanup: nothing is deleted after it.
    if (status === EXIT.interrupted) return EXIT.interrupted;
  } else {
    // No session to tear down, but what dead runs left of their labs goes all the same.
    removeLabLeftovers({ env, write });
  }

  const scope = cloudScope(store, reference, session);
  if (!scope.look) return status;
  const cloud = await cleanupCloud(scope, options, { env, write, store });
  return Math.max(status, cloud);
}

/** The session named, else the latest of the tutorial named, else (nothing named) the latest; undefined when there is none here. */
function localSession(store: SessionStore, reference: string | undefined): Session | undefined {
  if (!store.ids().some(sessionMatcher(reference))) return undefined;
  return findSession(store, reference, () => true);
}

/** `--dry-run`: the teardown steps that `cleanup` would run, without running them. */
function dryRunTeardown(session: Session): string {
  if (!existsSync(session.tutorial.file))
    return `session ${session.id}: its tutorial is gone (${session.tutorial.file}); no teardown steps to run\n`;
  return `${describeTeardown(session, loadTutorial(session.tutorial.file), true)}\n`;
}

interface CloudScope {
  /** Look in the cloud at all. */
  look: boolean;
  /** A missing project is an error (a session id that is only in the cloud), not a note. */
  required: boolean;
  /** Whose resources, in words. */
  what: string;
  sessions: (session: string) => boolean;
  ledger: OpenLedgerEntry[];
}

/**
 * Whose resources to look for. A session (or tutorial) that ran only here, on no cloud, and
 * whose steps created nothing is not worth the Compute API's second of loading.
 */
function cloudScope(store: SessionStore, reference: string | undefined, session: Session | undefined): CloudScope {
  const sessions = sessionMatcher(reference);
  const concerned = readableSessions(store, sessions);
  const ledger = concerned.flatMap((found) => openEntries(found.resources).map((entry) => ({ ...entry, session: found.id })));
  if (reference === undefined) return { look: true, required: false, what: 'every session', sessions, ledger };
  const what = session?.id === reference ? `session ${reference}` : `the sessions of ${reference}`;
  if (!session) return { look: true, required: true, what: `session ${reference}`, sessions, ledger };
  const cloudy = concerned.some((found) => found.target === 'gcp') || ledger.length > 0;
  return { look: cloudy, required: false, what, sessions, ledger };
}

async function cleanupCloud(
  scope: CloudScope,
  options: CleanupCommandOptions,
  context: { env: NodeJS.ProcessEnv; write: (text: string) => void; store: SessionStore },
): Promise<number> {
  const { env, write, store } = context;
  const settings = await readCloudSettings(env);
  const project = settings.project;
  if (!project) {
    if (scope.required) {
      throw new UserError(
        `no ${scope.what} here, and no cloud project to look for its resources in`,
        'alts-tutor status lists the sessions; gcloud config set project PROJECT_ID',
      );
    }
    write('cloud: not checked, no gcloud project is set (gcloud config set project PROJECT_ID)\n');
    return EXIT.ok;
  }
  write(
    `looking for alts-tutor resources of ${scope.what} in project ${project}${options.zone !== undefined ? ` (VMs in ${options.zone} only)` : ''}\n`,
  );
  const credentials = credentialsFor(settings, env);
  const compute = await openCompute({ ...settings, project }, credentials);
  try {
    const iam = openIam({ ...settings, project }, credentials);
    const found = await findTutorResources({
      compute,
      iam,
      sessions: scope.sessions,
      ledger: scope.ledger,
      ...(options.zone !== undefined && { zone: options.zone }),
    });
    for (const warning of found.warnings) write(`note: ${warning}\n`);
    if (!options.dryRun) {
      for (const entry of found.gone) recordDeleted(store, entry.session, entry, 'gone (seen by alts-tutor cleanup)');
    }
    const running = runningSessions(store);
    const busy = found.resources.filter((resource) => running.has(resource.session));
    const candidates = found.resources.filter((resource) => !running.has(resource.session));
    if (found.resources.length === 0) {
      write(`no alts-tutor resources left (label ${SESSION_LABEL})\n`);
      return EXIT.ok;
    }
    const notes = new Map(
      busy.map((resource) => [resource, `— left alone: its session is running (pid ${running.get(resource.session)})`]),
    );
    for (const line of resourceTable([...candidates, ...busy], notes)) write(`  ${line}\n`);
    const deletable = candidates.filter((resource) => resource.deletable);
    if (deletable.length === 0) return EXIT.ok;
    const count = `${deletable.length} resource${deletable.length === 1 ? '' : 's'}`;
    if (options.dryRun) {
      write(`dry run: nothing was deleted (${count} would be)\n`);
      return EXIT.ok;
    }
    if (!(await consent(options, `Delete ${count}?`))) {
      write('nothing was deleted\n');
      return EXIT.ok;
    }
    const outcomes = await deleteTutorResources(deletable, { compute, iam }, (outcome) => write(`${describeOutcome(outcome)}\n`));
    for (const outcome of outcomes)
      if (!outcome.error) recordDeleted(store, outcome.resource.session, outcome.resource, 'alts-tutor cleanup');
    const failed = outcomes.filter((outcome) => outcome.error).length;
    write(failed === 0 ? `deleted ${count}\n` : `${failed} of ${count} could not be deleted (see above)\n`);
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await compute.close();
  }
}

async function consent(options: CleanupCommandOptions, question: string): Promise<boolean> {
  if (options.yes || options.ci) return true;
  if (isInteractive()) return confirm(question);
  throw new UserError(
    'nothing was deleted: deleting needs consent',
    'add --yes to delete the resources listed above (--dry-run only lists them)',
  );
}

function describeOutcome(outcome: DeleteOutcome): string {
  const { resource, error } = outcome;
  const where = resource.location !== undefined ? ` (${resource.location})` : '';
  return error
    ? `✗ ${kindName(resource.kind)} ${resource.name}${where}: ${error.message}`
    : `✓ deleted ${kindName(resource.kind)} ${resource.name}${where}`;
}

/** Sessions whose runner is alive now, with its pid: their resources are in use. */
function runningSessions(store: SessionStore): Map<string, number> {
  const running = new Map<string, number>();
  for (const session of readableSessions(store)) {
    if (session.status === 'running' && session.pid !== undefined && session.pid !== process.pid && processRunning(session.pid))
      running.set(session.id, session.pid);
  }
  return running;
}

/** The sessions here that `wanted` picks and can be read; an unreadable one has no ledger and no runner to protect. */
function readableSessions(store: SessionStore, wanted: (id: string) => boolean = () => true): Session[] {
  return store
    .ids()
    .filter(wanted)
    .flatMap((id) => {
      try {
        return [store.load(id)];
      } catch {
        return [];
      }
    });
}

/** The ledger of a session here learns that a resource is gone; sessions from elsewhere have none. */
function recordDeleted(store: SessionStore, sessionId: string, resource: CloudResource, by: string): void {
  if (!store.ids().includes(sessionId)) return;
  const { kind, name, project, location } = resource;
  let unlock: (() => void) | undefined;
  try {
    unlock = lockSession(store.dir(sessionId), sessionId);
    new SessionRecorder(store, sessionId).resourceChanged(
      'deleted',
      { kind, name, ...(project !== undefined && { project }), ...(location !== undefined && { location }) },
      by,
    );
  } catch {
    // Its runner started meanwhile: the resource is gone all the same, and that run will see it.
  } finally {
    unlock?.();
  }
}
