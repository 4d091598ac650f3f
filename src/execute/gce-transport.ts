import { execFile } from 'node:child_process';
import { UserError } from '../errors.js';
import { isSingleOperand, type RemoteTransport } from './remote-transport.js';
import { controlPathOption, MASTER_OPTIONS, multiplexedCommand } from './ssh-transport.js';

/** Where a GCE instance is: its zone, and its project when the run names one (else gcloud's own). */
export interface GcePlace {
  zone: string;
  project?: string;
}

/**
 * The zone and project of the run: the `ZONE` and `PROJECT_ID` variables, else gcloud's
 * environment (`CLOUDSDK_COMPUTE_ZONE`, `CLOUDSDK_CORE_PROJECT`), else for the zone gcloud's
 * configuration. gcloud would prompt for a missing zone, and a session has no one to answer.
 */
export async function resolveGcePlace(
  host: string,
  instance: string,
  variables: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): Promise<GcePlace> {
  const zone = variables.ZONE || env.CLOUDSDK_COMPUTE_ZONE || (await gcloudConfigValue('compute/zone', env));
  if (!zone) {
    throw new UserError(
      `host ${host} is the GCE instance ${instance}, but no zone is known`,
      'set the ZONE variable (--var ZONE=us-central1-a), or CLOUDSDK_COMPUTE_ZONE, or `gcloud config set compute/zone ZONE`',
    );
  }
  const project = variables.PROJECT_ID || env.CLOUDSDK_CORE_PROJECT;
  return project ? { zone, project } : { zone };
}

function gcloudConfigValue(property: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    execFile('gcloud', ['config', 'get-value', property], { env, timeout: 30_000 }, (error, stdout) => {
      resolve(error ? '' : stdout.trim());
    });
  });
}

/**
 * `gce: <instance>`: the session is `gcloud compute ssh` (which finds the address, user and key)
 * with the ssh options of a control master; helpers then need no gcloud (slow to start): plain
 * ssh over the control socket.
 */
export function gceTransport(host: string, instance: string, place: GcePlace): (controlDir: string) => RemoteTransport {
  if (!isSingleOperand(instance)) {
    throw new UserError(`host ${host}: "${instance}" is not a GCE instance name`);
  }
  const where = [`--zone=${place.zone}`, ...(place.project ? [`--project=${place.project}`] : [])];
  return (controlDir) => {
    const controlPath = controlPathOption(controlDir);
    // gcloud splits each --ssh-flag at whitespace.
    if (/\s/.test(controlPath))
      throw new UserError(`the private directory ${controlDir} has a space in its path, which gcloud cannot pass to ssh`);
    const sshFlags = ['-T', ...[...MASTER_OPTIONS, controlPath].map((option) => `-o${option}`)];
    return {
      sessionCommand: (remoteCommand) => [
        'gcloud',
        'compute',
        'ssh',
        instance,
        ...where,
        '--quiet',
        ...sshFlags.map((flag) => `--ssh-flag=${flag}`),
        `--command=${remoteCommand}`,
      ],
      sideCommand: (argv) => multiplexedCommand(controlPath, instance, argv),
      hint: `check that \`gcloud compute ssh ${instance} ${where.join(' ')} --command=true\` works`,
    };
  };
}
