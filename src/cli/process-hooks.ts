import { execFile } from 'node:child_process';
import { onPath } from '../execute/on-path.js';
import { labMissing } from '../lab/lab-support.js';
import type { TargetProbe } from '../plan/select-target.js';
import { exitNow, onExitNow } from './exit-now.js';

/** What the default target depends on, asked of this machine. */
export const targetProbe: TargetProbe = {
  gcloudReady,
  gcloudInstalled: () => onPath('gcloud', process.env.PATH),
  labMissing: async () => labMissing(process.env),
  // stderr: the run's report on stdout stays the same whichever way the target was chosen.
  announce: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Ctrl-C (and SIGTERM, SIGHUP) while steps run: the first stops the running step and lets the
 * run end and report; a second quits at once.
 */
export function interruptHandler(interrupt: () => void, kill: () => void): () => void {
  let presses = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    presses++;
    if (presses === 1 && signal === 'SIGINT') process.stderr.write('\nalts-tutor: stopping the running step (Ctrl-C again to quit now)\n');
    if (presses > 1) exitNow(130);
    interrupt();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  const forget = onExitNow(kill);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    forget();
  };
}

/** gcloud has an active account and project: the `gcp` target can run. */
function gcloudReady(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('gcloud', ['config', 'list', '--format=value(core.account,core.project)'], { timeout: 15_000 }, (error, stdout) => {
      resolve(!error && stdout.trim().split(/\s+/).length === 2);
    });
  });
}
