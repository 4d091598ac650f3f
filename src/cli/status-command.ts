import { readFileSync } from 'node:fs';
import { type LedgerEntry, openEntries, summarizeResources } from '../cloud/ledger.js';
import { processRunning } from '../execute/process-groups.js';
import { formatDuration } from '../format/durations.js';
import { sessionMatcher } from '../session/session-paths.js';
import { type Session, SessionStore } from '../session/session-store.js';

export interface SessionSummary {
  id: string;
  tutorial: string;
  target: string;
  status: string;
  passed: number;
  steps: number;
  failedStep?: string;
  reason?: string;
  updatedAt: string;
  /** Background steps still recorded as running (a run that was killed). */
  background: string[];
  /**
   * Cloud resources the session's steps created that nothing has deleted since (its ledger):
   * what may still be running and costing money.
   */
  resources: Array<Pick<LedgerEntry, 'kind' | 'name' | 'location' | 'project' | 'step' | 'createdAt'>>;
}

/**
 * A session recorded as running whose runner is gone (SIGKILL, a crash: nothing could record its
 * end) was interrupted. A pid reused since by a process that started after the session last
 * changed is not its runner.
 */
export function shownStatus(session: Pick<Session, 'status' | 'pid' | 'updatedAt'>): Session['status'] {
  if (session.status !== 'running') return session.status;
  const pid = session.pid;
  if (pid === undefined || !processRunning(pid)) return 'interrupted';
  const started = processStartMs(pid);
  return started !== undefined && started > Date.parse(session.updatedAt) + 1000 ? 'interrupted' : 'running';
}

/** When a process started (ms since the epoch), from /proc: boot time plus its start in clock ticks. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** `alts-tutor status [id] [--json]`: sessions, newest first, with progress and the failed step. */
export function statusCommand(reference: string | undefined, options: { json: boolean }): number {
  const store = new SessionStore();
  const summaries: SessionSummary[] = [];
  // The sessions `cleanup` would name: `status alts` is not about alts-grpc's.
  for (const id of store.ids().reverse().filter(sessionMatcher(reference))) {
    try {
      const session = store.load(id);
      const failed = session.steps.find((step) => step.status === 'failed');
      summaries.push({
        id,
        tutorial: session.tutorial.id,
        target: session.target,
        status: shownStatus(session),
        passed: session.steps.filter((step) => step.status === 'passed').length,
        steps: session.steps.length,
        ...(failed && { failedStep: failed.name }),
        ...(failed?.reason !== undefined && { reason: failed.reason }),
        updatedAt: session.updatedAt,
        background: session.background.map((job) => job.step),
        resources: openEntries(session.resources),
      });
    } catch (error) {
      process.stderr.write(`alts-tutor: ${(error as Error).message}\n`);
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    return 0;
  }
  if (summaries.length === 0) {
    process.stdout.write('no sessions\n');
    return 0;
  }
  for (const summary of summaries) {
    const age = formatDuration(Date.now() - Date.parse(summary.updatedAt));
    const failed = summary.failedStep ? `, failed at ${summary.failedStep}` : '';
    process.stdout.write(
      `${summary.id}  ${summary.status.padEnd(11)} ${summary.passed}/${summary.steps} passed${failed} (target ${summary.target}, ${age} ago)\n`,
    );
    if (summary.resources.length > 0) {
      process.stdout.write(
        `  still in the cloud: ${summarizeResources(summary.resources)}; alts-tutor cleanup ${summary.id} deletes them\n`,
      );
    }
  }
  return 0;
}
