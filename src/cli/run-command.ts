import { execFile } from 'node:child_process';
import { maskText } from '../execute/secret-masker.js';
import { batchedWriter } from '../report/batched-writer.js';
import { paintFor } from '../report/colors.js';
import { jsonReporter } from '../report/json-reporter.js';
import { plainReporter } from '../report/plain-reporter.js';
import { type RunTutorialOptions, runTutorial } from '../run/run-tutorial.js';
import { ask, confirm, isInteractive } from './terminal.js';

export interface RunCommandOptions extends RunTutorialOptions {
  reporter: 'pretty' | 'plain' | 'json';
}

/** `alts-tutor run`: wires the terminal, the reporter and signals to the run service. */
export async function runCommand(reference: string, options: RunCommandOptions): Promise<number> {
  const output = batchedWriter((text) => process.stdout.write(text));
  const write = (text: string) => output.write(text);
  try {
    return await runTutorial(reference, options, {
      cwd: process.cwd(),
      env: process.env,
      interactive: isInteractive() && !options.ci,
      write,
      ask: (question, secret) => {
        output.flush();
        return ask(question, secret);
      },
      confirm: (question) => {
        output.flush();
        return confirm(question);
      },
      probe: { gcloudReady, labReady: async () => false },
      reporter: (secrets) => {
        const masked = (text: string) => write(maskText(text, secrets));
        return options.reporter === 'json' ? jsonReporter(masked) : plainReporter(masked, paintFor(process.stdout));
      },
      onInterrupt: (interrupt) => {
        let presses = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          presses++;
          if (presses === 1 && signal === 'SIGINT')
            process.stderr.write('\nalts-tutor: stopping the running step (Ctrl-C again to quit now)\n');
          if (presses > 1) process.exit(130);
          interrupt();
        };
        const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
        for (const signal of signals) process.on(signal, onSignal);
        return () => {
          for (const signal of signals) process.off(signal, onSignal);
        };
      },
    });
  } finally {
    output.flush();
  }
}

/** gcloud has an active account and project: the `gcp` target can run. */
function gcloudReady(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('gcloud', ['config', 'list', '--format=value(core.account,core.project)'], { timeout: 15_000 }, (error, stdout) => {
      resolve(!error && stdout.trim().split(/\s+/).length === 2);
    });
  });
}
