import { maskText } from '../execute/secret-masker.js';
import { batchedWriter } from '../report/batched-writer.js';
import { paintFor } from '../report/colors.js';
import { jsonReporter } from '../report/json-reporter.js';
import { plainReporter } from '../report/plain-reporter.js';
import { cleanupSession, resumeSession } from '../run/resume-session.js';
import { type RunIo, type RunTutorialOptions, runTutorial } from '../run/run-tutorial.js';
import { interruptHandler, targetProbe } from './process-hooks.js';
import { ask, confirm, isInteractive } from './terminal.js';

export interface RunCommandOptions extends RunTutorialOptions {
  reporter: 'pretty' | 'plain' | 'json';
}

/** `alts-tutor run`: wires the terminal, the reporter and signals to the run service. */
export function runCommand(reference: string, options: RunCommandOptions): Promise<number> {
  return withTerminal(options, (io) => runTutorial(reference, options, io));
}

/** `resume` and `cleanup`: the same terminal, reporter and signals as `run`. */
export function sessionCommand(
  command: 'resume' | 'cleanup',
  session: string | undefined,
  options: { vars: string[]; yes: boolean; ci: boolean; reporter: 'pretty' | 'plain' | 'json' },
): Promise<number> {
  const settings = { ...options, cleanup: false, updateSnapshots: false };
  return withTerminal(settings, (io) =>
    command === 'resume' ? resumeSession(session, settings, io) : cleanupSession(session, settings, io),
  );
}

async function withTerminal(
  options: { ci: boolean; reporter: 'pretty' | 'plain' | 'json' },
  body: (io: RunIo) => Promise<number>,
): Promise<number> {
  const output = batchedWriter((text) => process.stdout.write(text));
  const write = (text: string) => output.write(text);
  try {
    return await body({
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
