import { type CloudResource, resourceChanges } from '../cloud/ledger.js';
import { DEFERRED_LOG_BYTES } from '../execute/output-recorder.js';
import type { StepResult } from '../run/events.js';
import type { Session, SessionStatus, SessionStore } from './session-store.js';

/** Records a run into its session as it goes: one journal line per change. */
export class SessionRecorder {
  constructor(
    private readonly store: SessionStore,
    readonly id: string,
  ) {}

  /** A step ended; `shell` is its host's state after it, when it passed and may have changed it. */
  stepEnded(result: StepResult, shell?: { host: string; state: string }): void {
    // A small output rides in the line itself: its log may still be being written (OutputRecorder's
    // deferSmallLog), and a kill now must not lose it. SessionStore.load writes such a log.
    const whole =
      result.outputBytes > 0 && result.outputBytes <= DEFERRED_LOG_BYTES && Buffer.byteLength(result.output) === result.outputBytes;
    this.store.append(this.id, {
      type: 'step',
      ...(shell && { shell }),
      ...(whole && result.logPath !== undefined && { output: result.output }),
      step: {
        name: result.name,
        status: result.status,
        ...(result.exitCode !== undefined && { exitCode: result.exitCode }),
        durationMs: Math.round(result.durationMs),
        ...(result.logPath !== undefined && { logPath: result.logPath }),
        ...(result.logCut !== undefined && { logCut: result.logCut }),
        ...(result.reason !== undefined && { reason: result.reason }),
        finishedAt: new Date().toISOString(),
      },
    });
    // The ledger: whatever gcloud says this step created or deleted, failed steps included (a
    // script may create a VM and then fail). The output is the tail kept in memory (256 KiB).
    for (const change of resourceChanges(result.output)) this.resourceChanged(change.change, change.resource, result.name);
  }

  /** A cloud resource was created or deleted, by a step or by `alts-tutor cleanup`. */
  resourceChanged(change: 'created' | 'deleted', resource: CloudResource, by: string): void {
    this.store.append(this.id, { type: 'resource', change, resource, step: by });
  }

  /** A variable changed during the run; a secret is recorded by name only. */
  variableSet(name: string, value: string | undefined): void {
    this.store.append(this.id, { type: 'variable', name, ...(value !== undefined && { value }) });
  }

  backgroundStarted(step: string, host: string, group: number): void {
    this.store.append(this.id, { type: 'background', job: { step, host, group } });
  }

  backgroundStopped(step: string): void {
    this.store.append(this.id, { type: 'background-stopped', step });
  }

  /** The run ended: its background steps are stopped and the journal is folded in. */
  finish(status: SessionStatus): Session {
    this.store.append(this.id, { type: 'status', status });
    const session = { ...this.store.load(this.id), background: [] };
    this.store.compact(session);
    return session;
  }
}
