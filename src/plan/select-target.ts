import { UserError } from '../errors.js';
import type { Target, Tutorial } from '../format/tutorial.js';
import { findNeed } from '../needs/need-catalog.js';

/** The target of a tutorial that declares none: every step on this machine. */
export const LOCAL_TARGET: Target = { name: 'local', hosts: {}, variables: {} };

export interface TargetProbe {
  /** gcloud has an active account and project. */
  gcloudReady(): Promise<boolean>;
  /** gcloud is installed at all (a stock Debian or Ubuntu has none: it is no package of theirs). */
  gcloudInstalled(): boolean;
  /** What this machine lacks for the local lab, as a sentence; undefined when the lab can run here. */
  labMissing(): Promise<string | undefined>;
  /** Tells the person which target was picked for them, when that is not obvious (one line). */
  announce(line: string): void;
}

/**
 * `--target` when given; else the only target; else `gcp` when gcloud is set up, `lab` when it
 * can run here (SPEC section 4); else an error that lists the choices.
 */
export async function selectTarget(tutorial: Tutorial, requested: string | undefined, probe: TargetProbe): Promise<Target> {
  const targets = Object.values(tutorial.targets);
  const names = targets.map((target) => target.name);
  if (requested !== undefined) {
    if (targets.length === 0 && requested === 'local') return LOCAL_TARGET;
    const target = tutorial.targets[requested];
    if (!target) {
      throw new UserError(
        `${tutorial.id} has no target "${requested}"`,
        names.length > 0 ? `choose one of: ${names.join(', ')}` : 'it runs every step on this machine: leave out --target',
      );
    }
    return target;
  }
  const [only] = targets;
  if (!only) return LOCAL_TARGET;
  if (targets.length === 1) return only;
  if (tutorial.targets.gcp && (await probe.gcloudReady())) return tutorial.targets.gcp;
  const labMissing = tutorial.targets.lab && (await probe.labMissing());
  if (tutorial.targets.lab && !labMissing) {
    const why = !tutorial.targets.gcp ? 'No target chosen' : probe.gcloudInstalled() ? 'No gcloud account' : 'gcloud is not installed';
    probe.announce(`${why}: running in the local lab (--target lab)`);
    return tutorial.targets.lab;
  }
  const hints = [
    `choose one with --target (${names.join(', ')})`,
    ...(tutorial.targets.gcp ? [gcpHint(probe)] : []),
    ...(labMissing ? [`for lab: ${labMissing}`] : []),
  ];
  throw new UserError(`${tutorial.id} needs a target and none is ready here`, hints.join('; '));
}

function gcpHint(probe: TargetProbe): string {
  return probe.gcloudInstalled()
    ? 'for gcp, run `gcloud auth login` and `gcloud config set project PROJECT_ID`'
    : `for gcp: gcloud is not installed; get it from ${findNeed('gcloud')?.howToGet}`;
}
