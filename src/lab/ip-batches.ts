import { execFile } from 'node:child_process';
import { UserError } from '../errors.js';

/** Commands for one `ip -batch` process: `namespace` is its `-n`, or undefined for the machine's. */
export interface IpBatch {
  namespace: string | undefined;
  /** The commands' arguments without the `-n <ns>` (a batch line cannot carry options). */
  lines: string[][];
}

/**
 * Groups a lab's `ip` commands (layOutLab's order) into batches, one `ip` process each instead of
 * one per command: first those of the machine's namespace (`netns add`), then one batch per
 * namespace in the order each first appears, each keeping its commands' order. That order is
 * safe because the only command that reaches into another namespace is the veth made in the
 * switch namespace (`peer … netns <host>`), and the switch namespace appears first. The host
 * batches after it do not depend on each other and may run at once.
 */
export function ipBatches(commands: readonly (readonly string[])[]): { machine: IpBatch; namespaces: IpBatch[] } {
  const machine: IpBatch = { namespace: undefined, lines: [] };
  const byNamespace = new Map<string, IpBatch>();
  for (const command of commands) {
    if (command[0] !== '-n') {
      machine.lines.push([...command]);
      continue;
    }
    const namespace = command[1] as string;
    const batch = byNamespace.get(namespace) ?? { namespace, lines: [] };
    byNamespace.set(namespace, batch);
    batch.lines.push(command.slice(2));
  }
  return { machine, namespaces: [...byNamespace.values()] };
}

/** The argv of the `ip` command a batch line stands for, as an error names it. */
export function shownCommand(batch: IpBatch, line: readonly string[]): string[] {
  return ['ip', ...(batch.namespace === undefined ? [] : ['-n', batch.namespace]), ...line];
}

/**
 * Runs a batch as `ip [-n ns] -batch -`; `ip` stops at the first command that fails and says
 * which (`Command failed -:N`), and the error names that command and what `ip` said about it.
 */
export function runIpBatch(batch: IpBatch): Promise<void> {
  if (batch.lines.length === 0) return Promise.resolve();
  const args = [...(batch.namespace === undefined ? [] : ['-n', batch.namespace]), '-batch', '-'];
  let input: string;
  try {
    input = batch.lines.map((line) => `${line.map(quoteBatchWord).join(' ')}\n`).join('');
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const child = execFile('ip', args, { timeout: 15_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const failedLine = Number(/Command failed -:(\d+)/.exec(stderr)?.[1] ?? 0);
      const line = batch.lines[failedLine - 1];
      const said = stderr.replace(/Command failed -:\d+\s*/g, '').trim() || error.message;
      const shown = line ? shownCommand(batch, line) : ['ip', ...args];
      reject(new UserError(`setting up the lab failed: ${shown.join(' ')}: ${said}`, 'check the networks and routes of the lab target'));
    });
    child.stdin?.end(input);
  });
}

/**
 * ip's batch reader splits a line on blanks, honours double quotes and ends it at `#`. A lab's
 * words (names, addresses, route words) hold none of these; one that did is quoted, not split.
 */
function quoteBatchWord(word: string): string {
  if (word.includes('"')) throw new UserError(`the lab cannot pass ${word} to ip: it holds a double quote`);
  return /[\s#]/.test(word) ? `"${word}"` : word;
}
