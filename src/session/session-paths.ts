import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$ALTS_TUTOR_HOME`, else `$XDG_STATE_HOME/alts-tutor`, else `~/.local/state/alts-tutor`. */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ALTS_TUTOR_HOME) return env.ALTS_TUTOR_HOME;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'alts-tutor');
}

/** `alts-grpc-20261123-142501-3f9a`: sortable by time, readable, unique. */
export function newSessionId(tutorialId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${tutorialId}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * `undefined` matches every session; a session id matches itself; a tutorial id matches the
 * ids of its sessions (`<tutorial>-YYYYMMDD-HHMMSS-xxxx`).
 */
export function sessionMatcher(reference: string | undefined): (session: string) => boolean {
  if (reference === undefined) return () => true;
  const ofTutorial = new RegExp(`^${reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{6}-[0-9a-f]{4}$`);
  return (session) => session === reference || ofTutorial.test(session);
}
