import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { EXIT, internalErrorText, TutorialError, UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { showControls } from '../report/visible-text.js';
import { StorageError } from '../session/storage-error.js';
import { exitNow, exitWhenOutputCloses } from './exit-now.js';
import { isCi } from './terminal.js';

function version(): string {
  return (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }).version;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Builds the command line. Each action loads its command module only when it runs. */
function program(): Command {
  const cli = new Command('alts-tutor')
    .description('Cloud-security tutorials as guided, executable, checked runs.')
    .version(version(), '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .configureHelp({
      // A repeatable option starts from an empty list: no default worth printing.
      optionDescription(option) {
        return Help.prototype.optionDescription.call(this, option).replace(' (default: [])', '');
      },
    });

  cli
    .command('list')
    .description('list the tutorials, their targets and steps')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { listCommand } = await import('./list-command.js');
      process.exitCode = listCommand({ json: options.json ?? false, cwd: process.cwd() });
    });

  cli
    .command('run')
    .description('run a tutorial, step by step')
    .argument('<tutorial>', 'tutorial id (see `list`), or path of a .md file or of a cram/prysk .t test')
    .option('--target <name>', 'target to run on (default: the only one, else gcp when gcloud is set up, else lab)')
    .option('--from <step>', 'start at this step')
    .option('--only <step>', 'run only this step (repeat, or comma-separate)', collect, [])
    .option('--var <name=value>', 'set a variable (repeatable)', collect, [])
    .option('-y, --yes', 'consent to run every step without asking')
    .option('--ci', 'non-interactive run for CI (implies --yes; never writes snapshots)')
    .option('--dry-run', 'print every step and its host; run nothing')
    .option('--cleanup', 'run teardown steps after a failure too')
    .option(
      '-u, --update-snapshots',
      'write the actual output of the steps that ran where it is kept: into the page where it shows output, else a snapshot file',
    )
    .option(
      '--reporter <name[:file]>',
      'pretty (the TUI), plain or json on stdout, and junit, html, json, github with :file; repeatable (default: the TUI on a terminal, else plain)',
      collect,
      [],
    )
    .action(async (tutorial: string, options: Record<string, unknown>) => {
      const { runCommand } = await import('./run-command.js');
      process.exitCode = await runCommand(tutorial, {
        target: options.target as string | undefined,
        from: options.from as string | undefined,
        only: (options.only as string[])
          .flatMap((value) => value.split(','))
          .map((name) => name.trim())
          .filter(Boolean),
        vars: options.var as string[],
        yes: Boolean(options.yes),
        ci: Boolean(options.ci) || isCi(),
        dryRun: Boolean(options.dryRun),
        cleanup: Boolean(options.cleanup),
        updateSnapshots: Boolean(options.updateSnapshots),
        reporters: options.reporter as string[],
      });
    });
  cli
    .command('test')
    .description('run tutorials headless as snapshot tests (all of them, or the ones named)')
    .argument('[tutorials...]', 'tutorial ids, .md files or cram/prysk .t tests')
    .option('--target <name>', 'target to test (tutorials without it are skipped when none is named)')
    .option('--var <name=value>', 'set a variable (repeatable)', collect, [])
    .option(
      '-u, --update-snapshots',
      'write the actual output of the steps that ran where it is kept: into the page where it shows output, else a snapshot file',
    )
    .option('--ci', 'never write snapshots; fail on obsolete ones (implied by CI=…)')
    .option('-y, --yes', 'consent to a first step that installs the Debian packages this machine lacks (--ci consents too)')
    .option(
      '--reporter <name[:file]>',
      'plain, json, junit, github or html; repeatable; with :file it writes there, else to stdout (default: plain, and github under GitHub Actions)',
      collect,
      [],
    )
    .option('--output <file>', 'write the report of a single --reporter to a file')
    .option('--shard <i/n>', 'run the i-th of n shares of the tutorials')
    .option('-i, --interactive', 'review each mismatch on the terminal: accept (as -u writes), skip, accept all, quit')
    .option('--watch', 'after the first run, rerun the tutorials whose files change (the tutorial, its steps/, its snapshots) until Ctrl-C')
    .action(async (tutorials: string[], options: Record<string, unknown>) => {
      const { testCommand } = await import('./test-command.js');
      process.exitCode = await testCommand(tutorials, {
        vars: options.var as string[],
        updateSnapshots: Boolean(options.updateSnapshots),
        ci: Boolean(options.ci) || isCi(),
        yes: Boolean(options.yes),
        reporters: options.reporter as string[],
        ...(options.target !== undefined && { target: options.target as string }),
        ...(options.output !== undefined && { output: options.output as string }),
        ...(options.shard !== undefined && { shard: options.shard as string }),
        interactive: Boolean(options.interactive),
        watch: Boolean(options.watch),
      });
    });
  cli
    .command('resume')
    .description('continue the latest unfinished session (or the one named) at its first step that did not pass')
    .argument('[session]', 'session id, or tutorial id for its latest session')
    .option('--var <name=value>', 'set a variable (secrets are never saved: give them again)', collect, [])
    .option('-y, --yes', 'consent to run every step without asking')
    .option('--ci', 'non-interactive (implies --yes)')
    .addOption(new Option('--reporter <name>', 'output format').choices(['pretty', 'plain', 'json']))
    .action(async (session: string | undefined, options: Record<string, unknown>) => {
      const { sessionCommand } = await import('./run-command.js');
      process.exitCode = await sessionCommand('resume', session, {
        vars: options.var as string[],
        yes: Boolean(options.yes),
        ci: Boolean(options.ci) || isCi(),
        reporter: options.reporter as 'pretty' | 'plain' | 'json' | undefined,
      });
    });

  cli
    .command('cleanup')
    .description(
      "run a session's teardown steps, remove what dead runs left of their labs, and delete the cloud resources labelled alts-tutor-session (after confirmation)",
    )
    .argument('[session]', 'session id, or tutorial id (its latest session; its sessions in the cloud); none: every session in the cloud')
    .option('--zone <zone>', 'only VMs in this zone')
    .option('--dry-run', 'list what would be deleted or run; delete and run nothing')
    .option('--var <name=value>', 'set a variable for the teardown steps (secrets are never saved: give them again)', collect, [])
    .option('-y, --yes', 'consent to run the teardown steps and delete the resources listed, without asking')
    .option('--ci', 'non-interactive (implies --yes)')
    .addOption(new Option('--reporter <name>', 'output format of the teardown steps').choices(['pretty', 'plain', 'json']))
    .action(async (session: string | undefined, options: Record<string, unknown>) => {
      const { cleanupCommand } = await import('./cleanup-command.js');
      process.exitCode = await cleanupCommand(session, {
        vars: options.var as string[],
        yes: Boolean(options.yes),
        // Not implied by CI=…: deleting cloud resources takes a consent given on this command.
        ci: Boolean(options.ci),
        reporter: options.reporter as 'pretty' | 'plain' | 'json' | undefined,
        dryRun: Boolean(options.dryRun),
        ...(options.zone !== undefined && { zone: options.zone as string }),
      });
    });

  cli
    .command('doctor')
    .description('check what the tutorials need on this machine (programs, Go libraries, kernel features) and the packages that provide it')
    .argument('[tutorials...]', 'tutorial ids or .md files (default: all)')
    .option('--target <name>', 'only this target of each tutorial')
    .option('--json', 'print JSON')
    .option('--fix', 'install what is missing with apt-get (asks first; --yes in scripts), then check again')
    .option('-y, --yes', 'with --fix: install without asking')
    .option('--tests', "also what alts-tutor's own test suite needs (npm test)")
    .option('--only-tests', "only what alts-tutor's own test suite needs")
    .action(async (tutorials: string[], options: Record<string, unknown>) => {
      const { doctorCommand } = await import('./doctor-command.js');
      process.exitCode = await doctorCommand({
        tutorials,
        json: Boolean(options.json),
        fix: Boolean(options.fix),
        yes: Boolean(options.yes),
        testSuite: Boolean(options.tests),
        onlyTestSuite: Boolean(options.onlyTests),
        ...(options.target !== undefined && { target: options.target as string }),
      });
    });

  cli
    .command('status')
    .description('list sessions: tutorial, target, progress, the failed step')
    .argument('[session]', 'a session id, or a tutorial id for its sessions')
    .option('--json', 'print JSON')
    .action(async (session: string | undefined, options: { json?: boolean }) => {
      const { statusCommand } = await import('./status-command.js');
      process.exitCode = statusCommand(session, { json: options.json ?? false });
    });

  cli
    .command('logs')
    .description("print a step's whole output from its log files (through $PAGER on a terminal)")
    .argument('[session]', 'session id, or tutorial id for its latest session (default: the latest session)')
    .argument('[step]', 'step name (default: the failed step, else the last one that ran)')
    .option('--json', 'print JSON: session, step, status, logPath, output')
    .action(async (session: string | undefined, step: string | undefined, options: { json?: boolean }) => {
      const { logsCommand } = await import('./logs-command.js');
      process.exitCode = await logsCommand(session, step, { json: options.json ?? false });
    });

  cli
    .command('lint')
    .description('check tutorials without running them: parse errors, undefined variables, hosts, files, output vs snapshots')
    .argument('[tutorials...]', 'tutorial ids or .md files (default: all)')
    .action(async (tutorials: string[]) => {
      const { lintCommand } = await import('./lint-command.js');
      process.exitCode = lintCommand(tutorials, process.cwd());
    });

  cli
    .command('import')
    .description('turn a plain tutorial document into a draft tutorial (tutorials/<id>.md) and its snapshots')
    .argument('<document>', 'a Markdown or plain-text document (.md, .txt, a scraped page)')
    .option('--id <id>', 'tutorial id (default: the document name as a slug)')
    .option('--force', 'overwrite an existing tutorial of that id (and its snapshots)')
    .action(async (document: string, options: { id?: string; force?: boolean }) => {
      const { importCommand } = await import('./import-command.js');
      process.exitCode = importCommand(document, {
        force: Boolean(options.force),
        cwd: process.cwd(),
        ...(options.id !== undefined && { id: options.id }),
      });
    });

  cli
    .command('merge-reports')
    .description("combine the JSON reports of several test runs (a CI matrix's shards) into one JSON, JUnit, HTML or GitHub report")
    .argument('<reports...>', 'JSON reports, as test --reporter json:FILE writes them')
    .option(
      '--reporter <name[:file]>',
      'json, junit, html or github; repeatable; with :file it writes there, else to stdout (default: json)',
      collect,
      [],
    )
    .option('--output <file>', 'write the report of a single --reporter to a file')
    .action(async (reports: string[], options: { reporter: string[]; output?: string }) => {
      const { mergeReportsCommand } = await import('./merge-reports-command.js');
      process.exitCode = await mergeReportsCommand(reports, {
        reporters: options.reporter,
        ...(options.output !== undefined && { output: options.output }),
      });
    });
  return cli;
}

/** Runs the CLI; every way out goes through here, so exit statuses are decided in one place. */
export async function main(argv: string[]): Promise<void> {
  exitWhenOutputCloses();
  // An error thrown where no caller waits (a stream's callback, a timer) is a bug all the same:
  // it is said as one, and what the run started is stopped before the exit.
  const crash = (error: unknown) => {
    process.stderr.write(showControls(internalErrorText(error, process.env)));
    exitNow(EXIT.internal);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await program().parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    const quiet = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    return quiet ? EXIT.ok : EXIT.usage;
  }
  // Messages quote documents and paths: their control characters are shown, never sent raw.
  if (error instanceof TutorialError) {
    process.stderr.write(`${showControls(error.message)}\n`);
    return EXIT.usage;
  }
  // A full disk: one line naming the file, exit 1 (the run failed; `resume` continues it).
  if (error instanceof StorageError) {
    process.stderr.write(showControls(`alts-tutor: ${error.message}\n`));
    return EXIT.failed;
  }
  if (error instanceof UserError) {
    process.stderr.write(showControls(`alts-tutor: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`));
    return EXIT.usage;
  }
  process.stderr.write(showControls(internalErrorText(error, process.env)));
  return EXIT.internal;
}
