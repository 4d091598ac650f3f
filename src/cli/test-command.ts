import { writeFileSync } from 'node:fs';
import { EXIT } from '../errors.js';
import { batchedWriter } from '../report/batched-writer.js';
import { paintFor } from '../report/colors.js';
import { jsonReporter } from '../report/json-reporter.js';
import { JunitReporter } from '../report/junit-reporter.js';
import { plainReporter } from '../report/plain-reporter.js';
import { parseShard, testTutorials } from '../run/test-tutorials.js';
import { interruptHandler, targetProbe } from './process-hooks.js';

export interface TestCommandOptions {
  target?: string;
  vars: string[];
  updateSnapshots: boolean;
  ci: boolean;
  yes: boolean;
  reporter: 'plain' | 'json' | 'junit';
  output?: string;
  shard?: string;
}

/** `alts-tutor test`: reporters and files around the test service. */
export async function testCommand(tutorials: string[], options: TestCommandOptions): Promise<number> {
  const stdout = batchedWriter((text) => process.stdout.write(text));
  // What the reporter writes goes to --output when given, else to stdout.
  const reportText: string[] = [];
  const writeReport = options.output ? (text: string) => reportText.push(text) : stdout.write;
  const junit = new JunitReporter();
  const listener =
    options.reporter === 'junit'
      ? junit.listener
      : options.reporter === 'json'
        ? jsonReporter(writeReport)
        : plainReporter(writeReport, paintFor(process.stdout));
  // Problems and notes never mix into a machine-readable report on stdout.
  const toHuman = options.reporter === 'plain' && !options.output ? stdout.write : (text: string) => process.stderr.write(text);
  try {
    const summary = await testTutorials(
      {
        tutorials,
        vars: options.vars,
        updateSnapshots: options.updateSnapshots,
        ci: options.ci,
        yes: options.yes,
        ...(options.target !== undefined && { target: options.target }),
        ...(options.shard !== undefined && { shard: parseShard(options.shard) }),
      },
      {
        cwd: process.cwd(),
        env: process.env,
        probe: targetProbe,
        reporter: listener,
        problem: (tutorial, file, message) => {
          junit.addError(tutorial, file, message);
          toHuman(`✗ ${tutorial}: ${message}\n`);
        },
        note: (message) => toHuman(`  note: ${message}\n`),
        onInterrupt: interruptHandler,
      },
    );
    if (options.reporter === 'junit') writeReport(junit.render());
    toHuman(
      `${summary.failed === 0 ? 'passed' : 'failed'}: ${summary.tutorials - summary.failed} of ${summary.tutorials} tutorials passed\n`,
    );
    if (summary.interrupted) return EXIT.interrupted;
    return summary.failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    stdout.flush();
    if (options.output) writeFileSync(options.output, reportText.join(''));
  }
}
