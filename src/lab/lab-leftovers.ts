import type { RemovedLab } from './lab-backend.js';
import { removeDeadNetnsLabs } from './lab-netns.js';
import { LabRegistry } from './lab-registry.js';
import { removeDeadUsernsLabs } from './lab-userns.js';

/**
 * Removes what the labs of runs that are gone left behind (a crash, a SIGKILL): their
 * processes, namespaces (and veths with them), /etc/netns directories and owner records, found
 * by the name prefix. The lab of a runner that is still running is left alone.
 */
export function removeDeadLabs(prefix: string, env: NodeJS.ProcessEnv): RemovedLab[] {
  const registry = LabRegistry.forThisUser(env);
  return process.getuid?.() === 0 ? removeDeadNetnsLabs(prefix, registry) : removeDeadUsernsLabs(prefix, registry);
}

/** One line per lab removed, for `cleanup`. */
export function describeRemovedLabs(removed: RemovedLab[]): string {
  return removed
    .map((lab) => {
      const what = lab.namespaces.length > 0 ? `namespaces ${lab.namespaces.join(', ')}` : 'what was left of it';
      const processes = lab.processes > 0 ? ` and ${lab.processes} process${lab.processes === 1 ? '' : 'es'}` : '';
      return `removed lab ${lab.id} of a run that is gone: ${what}${processes}\n`;
    })
    .join('');
}
