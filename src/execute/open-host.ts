import { UserError } from '../errors.js';
import type { HostSpec } from '../format/tutorial.js';
import { ShellSession } from './shell-session.js';

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
}

/** Starts the persistent shell of a host. */
export async function openHost(name: string, spec: HostSpec, context: HostContext): Promise<ShellSession> {
  switch (spec.kind) {
    case 'local':
      return ShellSession.start({ host: name, cwd: context.cwd, env: context.env });
    case 'netns': {
      if (!context.lab) throw new Error(`BUG: host ${name} is a lab host but the run has no lab`);
      const command = await context.lab.shellCommand(name, spec.namespace);
      return ShellSession.start({ host: name, cwd: context.cwd, env: context.env, command });
    }
    default:
      throw new UserError(`host ${name} is a ${spec.kind} host, which this version cannot run yet`, 'run a target whose hosts are local');
  }
}
