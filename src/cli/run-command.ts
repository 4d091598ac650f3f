import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskText } from '../execute/secret-masker.js';
import type { Plan } from '../plan/plan-steps.js';
import { batchedWriter } from '../report/batched-writer.js';
import { type Paint, paintFor } from '../report/colors.js';
import { jsonReporter } from '../report/json-reporter.js';
import { plainReporter } from '../report/plain-reporter.js';
import { openRunReporters } from '../report/run-reporters.js';
import type { RunListener, RunResult } from '../run/events.js';
import { cleanupSession, resumeSession } from '../run/resume-session.js';
import type { RunController } from '../run/run-controller.js';
import { type RunIo, type RunTutorialOptions, runTutorial } from '../run/run-tutorial.js';
import { interruptHandler, targetProbe } from './process-hooks.js';
import { ask, confirm, isInteractive } from './terminal.js';

export interface RunCommandOptions extends RunTutorialOptions {
  /** `--reporter NAME[:FILE]`, repeatable: one of pretty, plain, json on stdout, and reports to files. */
  reporters: string[];
}

/** `alts-tutor run`: wires the terminal, the reporter and signals to the run service. */
export function runCommand(reference: string, options: RunCommandOptions): Promise<number> {
  return withTerminal(options, (io) => runTutorial(reference, options, io));
}

/** `resume` and `cleanup`: the same terminal, reporter and signals as `run`. */
export function sessionCommand(
  command: 'resume' | 'cleanup',
  session: string | undefined,
  options: { vars: string[]; yes: boolean; ci: boolean; reporter: 'pretty' | 'plain' | 'json' | undefined },
): Promise<number> {
  const settings = { ...options, reporters: options.reporter ? [options.reporter] : [], cleanup: false, updateSnapshots: false };
  return withTerminal(settings, (io) =>
    command === 'resume' ? resumeSession(session, settings, io) : cleanupSession(session, settings, io),
  );
}

async function withTerminal(options: { ci: boolean; reporters: string[] }, body: (io: RunIo) => Promise<number>): Promise<number> {
  const output = batchedWriter((text) => process.stdout.write(text));
  const write = (text: string) => output.write(text);
  const stderr = (text: string) => {
    output.flush();
    process.stderr.write(text);
  };
  // Reports with files (JUnit, HTML, JSON, GitHub) beside what stdout shows.
  const reports = openRunReporters(options.reporters, { stdout: write, stderr, paint: paintFor(process.stdout), env: process.env });
  const interactive = isInteractive() && !options.ci;
  // The TUI unless a non-pretty reporter was chosen; it needs a terminal (SPEC section 8).
  const pretty = interactive && (reports.stdout === undefined || reports.stdout === 'pretty');
  // The Ink code loads while the run is set up (tutorial, session, shells): the first frame comes sooner.
  const ui = pretty ? loadUi() : undefined;
  // Awaited later, if the run gets that far; a run that stops before must not leave it unhandled.
  ui?.catch(() => {});
  try {
    return await body({
      cwd: process.cwd(),
      env: process.env,
      interactive,
      ...(ui && { tui: (controller, variables) => runTui(ui, controller, variables, output) }),
      write,
      ask: async (question, secret) => {
        output.flush();
        if (!ui) return ask(question, secret);
        const { askVariable } = await ui;
        return askVariable(question.replace(/:\s*$/, ''), secret);
      },
      confirm: (question) => {
        output.flush();
        return confirm(question);
      },
      probe: targetProbe,
      reporter: (secrets) => {
        const files = reports.runListener(secrets);
        if (pretty) return files;
        const masked = (text: string) => write(maskText(text, secrets));
        const front = reports.stdout === 'json' ? jsonReporter(masked) : plainRunReporter(masked, paintFor(process.stdout));
        return (event) => {
          front(event);
          files(event);
        };
      },
      onInterrupt: interruptHandler,
    });
  } finally {
    output.flush();
    reports.finish();
    output.flush();
    // A run that stopped between the variable prompts and the TUI must still give the terminal back.
    if (ui) (await ui.catch(() => undefined))?.closePrompts();
  }
}

/** The Ink code, loaded only for the TUI: `list`, `--help` and headless runs never pay for it. */
async function loadUi() {
  const [{ renderTui }, { askVariable, closePrompts }] = await Promise.all([
    import('../ui/render-tui.js'),
    import('../ui/ask-variable.js'),
  ]);
  return { renderTui, askVariable, closePrompts };
}

async function runTui(
  ui: ReturnType<typeof loadUi>,
  controller: RunController,
  variables: Array<{ name: string; value: string; secret: boolean }>,
  output: { write: (text: string) => void; flush: () => void },
): Promise<RunResult> {
  output.flush();
  const { renderTui, closePrompts } = await ui;
  closePrompts();
  const topologyFile = join(controller.plan.projectRoot, 'assets', `${controller.plan.tutorial.id}.txt`);
  const topology = existsSync(topologyFile) ? readFileSync(topologyFile, 'utf8') : undefined;
  await renderTui({ controller, variables, ...(topology !== undefined && { topology }) });
  const result = await controller.end([]);
  // The TUI's screen is gone: what stays in the terminal says how the run ended, and what next.
  plainReporter(output.write, paintFor(process.stdout))({ type: 'run-end', result });
  output.write(howToGoOn(result, controller.plan, controller.sessionId));
  return result;
}

/** The plain reporter, and after a run that did not pass, how to go on. */
function plainRunReporter(write: (text: string) => void, paint: Paint): RunListener {
  const report = plainReporter(write, paint);
  let start: { plan: Plan; sessionId: string } | undefined;
  return (event) => {
    report(event);
    if (event.type === 'run-start') start = event;
    if (event.type === 'run-end' && start) write(howToGoOn(event.result, start.plan, start.sessionId));
  };
}

/** After a run left unfinished: where `resume` goes on, and that `cleanup` tears down what the steps made. */
function howToGoOn(result: RunResult, plan: Plan, sessionId: string): string {
  if (result.status === 'passed') return '';
  const next = [...result.steps, ...result.teardown].find((step) => step.status === 'failed' || step.status === 'not-run');
  const teardownWaits = result.teardown.length === 0 && plan.teardown.length > 0;
  return `session ${sessionId}${next ? ` stopped at step ${next.name}` : ''}: alts-tutor resume continues it${
    teardownWaits ? '; alts-tutor cleanup runs its teardown' : ''
  }\n`;
}
