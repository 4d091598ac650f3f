import { type LedgerEntry, openEntries, summarizeResources } from '../cloud/ledger.js';
import { formatDuration } from '../format/durations.js';
import { sessionMatcher } from '../session/session-paths.js';
import { SessionStore } from '../session/session-store.js';

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
        status: session.status,
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
