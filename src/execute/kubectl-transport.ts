import { UserError } from '../errors.js';
import type { RemoteTransport } from './remote-transport.js';

/**
 * `kubectl: "-n ns pod|deploy/x"`: the session is `kubectl exec -i`, each helper a second
 * `kubectl exec` with the same words. (For a deployment kubectl picks the pod; a helper that
 * lands on another pod finds no session there and says so.)
 */
export function kubectlTransport(host: string, selector: string): (controlDir: string) => RemoteTransport {
  const words = selector.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.includes('--')) {
    throw new UserError(
      `host ${host}: "${selector}" does not name a pod`,
      'write it as kubectl exec would take it: "-n NAMESPACE POD" or "deploy/NAME"',
    );
  }
  return () => ({
    sessionCommand: (remoteCommand) => ['kubectl', 'exec', '-i', ...words, '--', 'sh', '-c', remoteCommand],
    sideCommand: (argv) => ['kubectl', 'exec', ...words, '--', ...argv],
    hint: `check that \`kubectl exec ${words.join(' ')} -- true\` works`,
  });
}
