import { UserError } from '../errors.js';
import type { HostSpec } from '../format/tutorial.js';
import { ShellSession } from './shell-session.js';

export interface HostContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Starts the persistent shell of a host. Only `local` hosts exist so far. */
export async function openHost(name: string, spec: HostSpec, context: HostContext): Promise<ShellSession> {
  if (spec.kind !== 'local') {
    throw new UserError(`host ${name} is a ${spec.kind} host, which this version cannot run yet`, 'run a target whose hosts are local');
  }
  return ShellSession.start({ host: name, cwd: context.cwd, env: context.env });
}
