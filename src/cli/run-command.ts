import { maskText } from '../execute/secret-masker.js';
import { batchedWriter } from '../report/batched-writer.js';
import { paintFor } from '../report/colors.js';
import { jsonReporter } from '../report/json-reporter.js';
import { plainReporter } from '../report/plain-reporter.js';
import { type RunTutorialOptions, runTutorial } from '../run/run-tutorial.js';
import { interruptHandler, targetProbe } from './process-hooks.js';
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
      probe: targetProbe,
      reporter: (secrets) => {
        const masked = (text: string) => write(maskText(text, secrets));
        return options.reporter === 'json' ? jsonReporter(masked) : plainReporter(masked, paintFor(process.stdout));
      },
      onInterrupt: interruptHandler,
    });
  } finally {
    output.flush();
  }
}
