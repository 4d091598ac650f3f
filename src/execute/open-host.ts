import type { HostSpec } from '../format/tutorial.js';
import { gceTransport, resolveGcePlace } from './gce-transport.js';
import { kubectlTransport } from './kubectl-transport.js';
import { ShellSession } from './shell-session.js';
import { sshTransport } from './ssh-transport.js';

/** The local lab of a run, as hosts see it: how to start a shell inside a lab host. */
export interface LabHosts {
  /** The command that starts bash inside lab host `host` (set up first if need be). */
  shellCommand(host: string, namespace: string): Promise<readonly string[]>;
}

export interface HostContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Present when the run's target has lab hosts. */
  lab?: LabHosts;
  /** The run's variables (not the secret ones): a gce host takes its `ZONE` and `PROJECT_ID` from them. */
  variables?: Readonly<Record<string, string>>;
}

/** Starts the persistent shell of a host. */
export async function openHost(name: string, spec: HostSpec, context: HostContext): Promise<ShellSession> {
  const base = { host: name, cwd: context.cwd, env: context.env };
  switch (spec.kind) {
    case 'local':
      return ShellSession.start(base);
    case 'netns': {
      if (!context.lab) throw new Error(`BUG: host ${name} is a lab host but the run has no lab`);
      const command = await context.lab.shellCommand(name, spec.namespace);
      return ShellSession.start({ ...base, command });
    }
    case 'ssh':
      return ShellSession.start({ ...base, remote: sshTransport(name, spec.destination, context.env.ALTS_TUTOR_SSH_CONFIG) });
    case 'gce': {
      const place = await resolveGcePlace(name, spec.instance, context.variables ?? {}, context.env);
      return ShellSession.start({ ...base, remote: gceTransport(name, spec.instance, place) });
    }
    case 'kubectl':
      return ShellSession.start({ ...base, remote: kubectlTransport(name, spec.selector) });
  }
}
