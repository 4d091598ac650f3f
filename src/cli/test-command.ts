import { EXIT } from '../errors.js';
import { batchedWriter } from '../report/batched-writer.js';
import { paintFor } from '../report/colors.js';
import { parseReporterSpecs } from '../report/reporter-specs.js';
import { openReporters } from '../report/reporters.js';
import { parseShard, testTutorials } from '../run/test-tutorials.js';
import { interruptHandler, targetProbe } from './process-hooks.js';
import { openReview, withReview } from './review-mismatches.js';
import { watchTests } from './watch-tests.js';

export interface TestCommandOptions {
  target?: string;
  vars: string[];
  updateSnapshots: boolean;
  ci: boolean;
  yes: boolean;
  /** `--reporter NAME[:FILE]`, as given (repeatable); none means plain, with github beside it under GitHub Actions. */
  reporters: string[];
  /** `--output F`: the file of a single reporter. */
  output?: string;
  shard?: string;
  /** `-i`: review each mismatch on the terminal (accept, skip, accept all, quit). */
  interactive?: boolean;
  /** `--watch`: after the first run, rerun the tutorials whose files change, until Ctrl-C. */
  watch?: boolean;
}

/** `alts-tutor test`: reporters and files around the test service. */
export async function testCommand(tutorials: string[], options: TestCommandOptions): Promise<number> {
  const specs = parseReporterSpecs(options.reporters, {
    allowed: ['plain', 'json', 'junit', 'github', 'html'],
    fallback: [{ name: 'plain' }],
    env: process.env,
    ...(options.output !== undefined && { output: options.output }),
  });
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const stdout = batchedWriter((text) => process.stdout.write(text));
  const review = options.interactive
    ? openReview(options, { write: stdout.write, flush: stdout.flush, paint: paintFor(process.stdout) })
    : undefined;
  const stderr = (text: string) => {
    stdout.flush();
    process.stderr.write(text);
  };
  const reporters = openReporters(specs, { stdout: stdout.write, stderr, paint: paintFor(process.stdout), env: process.env });
  // Problems and notes never mix into a machine-readable report on stdout.
  const toHuman = reporters.plainOnStdout ? stdout.write : stderr;
  try {
    const test = options.watch
      ? watchTests({ ...stdout, isTTY: Boolean(process.stdout.isTTY), paint: paintFor(process.stdout) })
      : testTutorials;
    const summary = await test(
      {
        tutorials,
        vars: options.vars,
        updateSnapshots: options.updateSnapshots,
        ci: options.ci,
        yes: options.yes,
        ...(options.target !== undefined && { target: options.target }),
        ...(shard !== undefined && { shard }),
      },
      withReview(review, {
        cwd: process.cwd(),
        env: process.env,
        probe: targetProbe,
        reporter: (secrets) => reporters.runListener(secrets),
        problem: (tutorial, file, message) => {
          reporters.emit({ type: 'tutorial-problem', tutorial, file, message });
          toHuman(`✗ ${tutorial}: ${message}\n`);
        },
        skipped: (tutorial, file, reason) => reporters.emit({ type: 'tutorial-skipped', tutorial, file, reason }),
        note: (message) => toHuman(`  note: ${message}\n`),
        onInterrupt: interruptHandler,
      }),
    );
    toHuman(
      `${summary.failed === 0 ? 'passed' : 'failed'}: ${summary.tutorials - summary.failed} of ${summary.tutorials} tutorials passed\n`,
    );
    if (summary.interrupted) return EXIT.interrupted;
    return summary.failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    stdout.flush();
    // The reports made from the whole run are written even when it was interrupted or broke off.
    reporters.finish();
    stdout.flush();
  }
}
