import { execFile } from 'node:child_process';
import { UserError } from '../errors.js';
import type { LabLayout } from './lab-layout.js';

/** What removing a lab took away, for `cleanup` to report. */
export interface RemovedLab {
  id: string;
  namespaces: string[];
  processes: number;
}

/**
 * How a lab's namespaces are made, entered and removed: by root with `ip netns`, or by an
 * ordinary user inside a user namespace.
 */
export interface LabBackend {
  readonly id: string;
  /** Makes every namespace of the layout and wires them. */
  build(layout: LabLayout): Promise<void>;
  /** The command that runs `program` in namespace `ns` as lab host `host` sees it (hosts file, DMI). */
  hostCommand(ns: string, host: string, program: readonly string[]): string[];
  /** The command that runs `program` in namespace `ns`, as it is (the handshaker emulator). */
  plainCommand(ns: string, program: readonly string[]): string[];
  /** The processes teardown asks to end (SIGTERM, then SIGKILL after a grace) before `removeNow`. */
  processes(): number[];
  /** Kills whatever still runs in the lab (SIGKILL) and removes it, synchronously. */
  removeNow(): RemovedLab;
}

/** Runs one command of a lab's set-up; a failure names the command and what it said. */
export function runSetupCommand(argv: readonly string[], shown: readonly string[] = argv): Promise<void> {
  const [program, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(program as string, args, { timeout: 15_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const said = stderr.trim() || error.message;
      reject(new UserError(`setting up the lab failed: ${shown.join(' ')}: ${said}`, 'check the networks and routes of the lab target'));
    });
  });
}
