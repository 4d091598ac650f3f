import { join } from 'node:path';
import { UserError } from '../errors.js';
import { isSingleOperand, type RemoteTransport } from './remote-transport.js';
import { quoteShell } from './shell-prelude.js';

/**
 * Options of the connection that carries the session: no prompts (there is no one to answer
 * them), a control socket so that helpers share the connection, a dead peer noticed.
 */
export const MASTER_OPTIONS: readonly string[] = [
  'BatchMode=yes',
  'ControlMaster=yes',
  'ControlPersist=no',
  'ServerAliveInterval=15',
  'ServerAliveCountMax=4',
  'ConnectTimeout=30',
];

/** `ControlPath=…` for a control socket in `controlDir` (ssh expands `%` tokens in it). */
export function controlPathOption(controlDir: string): string {
  return `ControlPath=${join(controlDir, 'ssh').replaceAll('%', '%%')}`;
}

/**
 * A helper over the session's connection: ssh as a client of its control socket. Should the
 * connection be gone, `ProxyCommand=false` makes ssh fail instead of opening a second one.
 */
export function multiplexedCommand(
  controlPath: string,
  destination: string,
  argv: readonly string[],
  extra: readonly string[] = [],
): string[] {
  const options = ['BatchMode=yes', 'ControlMaster=no', controlPath, 'ProxyCommand=false'].flatMap((option) => ['-o', option]);
  return ['ssh', ...extra, '-T', ...options, destination, argv.map(quoteShell).join(' ')];
}

/**
 * `ssh: user@host`: `ssh -T` with BatchMode; `configFile` (from `ALTS_TUTOR_SSH_CONFIG`) is an
 * ssh_config for these hosts (keys, port, known hosts), passed as `-F`.
 */
export function sshTransport(host: string, destination: string, configFile?: string): (controlDir: string) => RemoteTransport {
  if (!isSingleOperand(destination)) {
    throw new UserError(
      `host ${host}: "${destination}" is not an ssh destination`,
      'write it as user@host (or host, or ssh://user@host:port)',
    );
  }
  const config = configFile ? ['-F', configFile] : [];
  return (controlDir) => {
    const controlPath = controlPathOption(controlDir);
    return {
      sessionCommand: (remoteCommand) => [
        'ssh',
        ...config,
        '-T',
        ...[...MASTER_OPTIONS, controlPath].flatMap((option) => ['-o', option]),
        destination,
        remoteCommand,
      ],
      sideCommand: (argv) => multiplexedCommand(controlPath, destination, argv, config),
      hint: `check that \`ssh ${destination} true\` logs in without a prompt (a key or an agent: alts-tutor runs ssh with BatchMode=yes)`,
    };
  };
}
