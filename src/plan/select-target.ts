import { UserError } from '../errors.js';
import type { Target, Tutorial } from '../format/tutorial.js';

/** The target of a tutorial that declares none: every step on this machine. */
export const LOCAL_TARGET: Target = { name: 'local', hosts: {}, variables: {} };

export interface TargetProbe {
  /** gcloud has an active account and project. */
  gcloudReady(): Promise<boolean>;
  /** Network namespaces can be made here (root, or user namespaces). */
  labReady(): Promise<boolean>;
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
  if (tutorial.targets.lab && (await probe.labReady())) return tutorial.targets.lab;
  throw new UserError(
    `${tutorial.id} needs a target and none is ready here`,
    `choose one with --target (${names.join(', ')})${tutorial.targets.gcp ? '; for gcp, run `gcloud auth login` and `gcloud config set project PROJECT_ID`' : ''}`,
  );
}
