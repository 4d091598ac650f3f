import { quoteShell } from './shell-prelude.js';

/**
 * How the runner reaches a remote host: the command of the session's one connection, and of the
 * short-lived helpers (stopping a step, following a background job) that run beside it.
 */
export interface RemoteTransport {
  /** argv of the local process that runs `remoteCommand` (a `sh` command line) on the host; its stdin and stdout are the shell's. */
  sessionCommand(remoteCommand: string): string[];
  /** argv of a local process that runs `argv` on the host beside the session (over the same connection where the transport can). */
  sideCommand(argv: readonly string[]): string[];
  /** What to try when the connection fails. */
  readonly hint: string;
}

/** A command line as a person would type it: words with spaces or quotes are quoted. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : quoteShell(word))).join(' ');
}

/** A word that ssh and gcloud take as one operand (a destination, an instance), never as an option. */
export function isSingleOperand(word: string): boolean {
  return word !== '' && !word.startsWith('-') && !/\s/.test(word);
}
