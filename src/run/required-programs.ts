import { UserError } from '../errors.js';
import { onPath } from '../execute/on-path.js';
import type { Plan } from '../plan/plan-steps.js';

/** Where to get the programs tutorials commonly need. */
const HOW_TO_GET: Readonly<Record<string, string>> = {
  gcloud: 'https://cloud.google.com/sdk/docs/install',
  go: 'apt-get install golang-go',
  kubectl: 'gcloud components install kubectl, or apt-get install kubernetes-client',
  docker: 'https://docs.docker.com/engine/install/',
  python3: 'apt-get install python3',
  iptables: 'apt-get install iptables',
  curl: 'apt-get install curl',
  ssh: 'apt-get install openssh-client',
};

/**
 * The programs a run needs on this machine (the target's `requires`, else the tutorial's) must be
 * on PATH before the first step: a missing one is named with where to get it, and nothing runs.
 */
export function checkRequiredPrograms(plan: Plan, env: NodeJS.ProcessEnv): void {
  const required = plan.target.requires ?? plan.tutorial.requires;
  const missing = required.filter((program) => !onPath(program, env.PATH));
  if (missing.length === 0) return;
  const named = missing.map((program) => (HOW_TO_GET[program] ? `${program} (${HOW_TO_GET[program]})` : program));
  throw new UserError(
    `${plan.tutorial.id} on target ${plan.target.name} needs ${missing.length === 1 ? 'a program' : 'programs'} not found on PATH: ${named.join(', ')}`,
    Object.keys(plan.tutorial.targets).length > 1
      ? `install ${missing.length === 1 ? 'it' : 'them'}, or choose another target (--target)`
      : `install ${missing.length === 1 ? 'it' : 'them'}, then run again`,
  );
}
