import { labNeeds, needOf } from '../needs/need-catalog.js';
import { probeContext, probeNeed } from '../needs/probe-needs.js';

/** How this machine makes a lab: root's named namespaces, or a user namespace of an ordinary user. */
export type LabMode = 'netns' | 'userns';

/**
 * How the lab can run here, or what of the kernel's this machine lacks for it, as a sentence a
 * person can act on. The lab's programs (ip, unshare, …) are not asked here: a run installs
 * what is missing in its prepare step (src/needs/machine-setup.ts), so the lab stays the default
 * target of a machine that has only to install them.
 */
export function labSupport(env: NodeJS.ProcessEnv = process.env): { mode: LabMode } | { missing: string } {
  const context = probeContext(env);
  const lacking = labNeeds(context.root)
    .map(needOf)
    .filter((need) => need.check.kind === 'kernel')
    .flatMap((need) => {
      const status = probeNeed(need, context);
      return status.found ? [] : [`${need.id === 'userns' ? 'root, or user namespaces' : need.about}: ${status.detail ?? 'not available'}`];
    });
  if (lacking.length > 0) {
    const asRoot = context.root ? '' : ' (run alts-tutor as root, for example with sudo)';
    return { missing: `the local lab cannot run here: it needs ${lacking.join('; and ')}${asRoot}` };
  }
  return { mode: context.root ? 'netns' : 'userns' };
}

/** What this machine lacks for the lab; undefined when the lab can run here. */
export function labMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const support = labSupport(env);
  return 'missing' in support ? support.missing : undefined;
}
