import { refuseUpdateUnderCi } from '../check/snapshots.js';
import { EXIT, UserError } from '../errors.js';
import { findTutorialFile, loadTutorial, projectRootOf } from '../format/catalog.js';
import type { Tutorial, VariableSpec } from '../format/tutorial.js';
import { planMachineSetup } from '../needs/machine-setup.js';
import { type Plan, planSteps } from '../plan/plan-steps.js';
import { parseVarOptions } from '../plan/resolve-variables.js';
import { selectTarget, type TargetProbe } from '../plan/select-target.js';
import { showControls } from '../report/visible-text.js';
import type { Session } from '../session/session-store.js';
import type { RunListener, RunResult } from './events.js';
import { executePlan } from './execute-plan.js';
import type { RunController } from './run-controller.js';

export interface RunTutorialOptions {
  target?: string;
  from?: string;
  only: string[];
  vars: string[];
  yes: boolean;
  ci: boolean;
  dryRun: boolean;
  cleanup: boolean;
  /** `-u`: write snapshots of the steps that ran (refused under `--ci`). */
  updateSnapshots: boolean;
}

/** What the run needs from the outside world; the CLI gives the real terminal. */
export interface RunIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A person is at a terminal: prompts and questions are possible. */
  interactive: boolean;
  write(text: string): void;
  ask(question: string, secret: boolean): Promise<string>;
  confirm(question: string): Promise<boolean>;
  probe: TargetProbe;
  /** Builds the reporter once the secrets to mask are known. */
  reporter(secrets: string[]): RunListener;
  /**
   * The TUI, when the run is interactive: it shows each step before it runs (that is the
   * consent), drives the run and resolves with its result.
   */
  tui?: (controller: RunController, variables: Array<{ name: string; value: string; secret: boolean }>) => Promise<RunResult>;
  /** Called with `interrupt` (stop the running step) and `kill` (everything, now); returns a detach function. */
  onInterrupt(interrupt: () => void, kill: () => void): () => void;
}

/** `alts-tutor run`: plan, ask for consent, resolve variables, run, report. Returns the exit status. */
export async function runTutorial(reference: string, options: RunTutorialOptions, io: RunIo): Promise<number> {
  const file = findTutorialFile(reference, io.cwd);
  const tutorial = loadTutorial(file);
  const optionValues = parseVarOptions(options.vars);
  refuseUpdateUnderCi(options.updateSnapshots, options.ci);
  const target = await selectTarget(tutorial, options.target, io.probe);
  const plan = planSteps(tutorial, target, projectRootOf(file), io.cwd, {
    ...(options.from !== undefined && { from: options.from }),
    ...(options.only.length > 0 && { only: options.only }),
  });

  if (options.dryRun) {
    // What would run here, the prepare step too; what cannot be set up is said, and nothing runs anyway.
    let shown = plan;
    try {
      shown = planMachineSetup(plan, io.env);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      io.write(`note: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}\n`);
    }
    io.write(describePlan(shown, knownValues(tutorial, target.variables, optionValues, io.env)));
    return EXIT.ok;
  }
  return consentAndExecute(plan, file, optionValues, options, io);
}

/** Shows the plan and asks for consent where needed, then runs it; returns the exit status. */
export async function consentAndExecute(
  plan: Plan,
  file: string,
  optionValues: Record<string, string>,
  options: Pick<RunTutorialOptions, 'yes' | 'ci' | 'cleanup' | 'updateSnapshots'>,
  io: RunIo,
  resume?: Session,
): Promise<number> {
  // What this machine lacks becomes the plan's first step, shown and consented with the rest.
  plan = planMachineSetup(plan, io.env);
  const consented = options.yes || options.ci || io.tui !== undefined;
  if (!consented) {
    io.write(describePlan(plan, knownValues(plan.tutorial, plan.target.variables, { ...resume?.variables, ...optionValues }, io.env)));
    if (!io.interactive) {
      throw new UserError('nothing was run: commands run only with consent', 'add --yes to run the steps above (or --ci in CI)');
    }
    if (!(await io.confirm(`Run these ${plan.steps.length + plan.teardown.length} steps?`))) return EXIT.ok;
  }
  const { result } = await executePlan(plan, {
    env: io.env,
    file,
    optionValues,
    updateSnapshots: options.updateSnapshots,
    cleanup: options.cleanup,
    reporter: io.reporter,
    onInterrupt: io.onInterrupt,
    ...(resume && { resume }),
    ...(io.tui && { drive: io.tui }),
    ...(io.interactive && !options.ci && { prompt: (spec: VariableSpec) => io.ask(`${spec.prompt ?? spec.name}: `, spec.secret) }),
    ...(!consented &&
      !io.tui && { confirm: (step) => io.confirm(`Step ${step.name} asks for confirmation (${firstLine(step.command)}). Run it?`) }),
  });
  return result.status === 'passed' ? EXIT.ok : result.status === 'interrupted' ? EXIT.interrupted : EXIT.failed;
}

/** Values knowable without running anything: `${NAME}` stands for the rest, secrets are masked. */
function knownValues(
  tutorial: Tutorial,
  targetValues: Record<string, string>,
  options: Record<string, string>,
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const spec of Object.values(tutorial.variables)) {
    const literalDefault = spec.default !== undefined && !spec.default.trim().startsWith('$(') ? spec.default : undefined;
    const value = options[spec.name] ?? (env[spec.name] || undefined) ?? targetValues[spec.name] ?? literalDefault;
    values.set(spec.name, value === undefined ? `\${${spec.name}}` : spec.secret ? '[SECRET]' : value);
  }
  return values;
}

/** Every step with its host and the exact command, for consent and `--dry-run`. */
export function describePlan(plan: Plan, values: Map<string, string>): string {
  const lines = [showControls(`${plan.tutorial.title} (${plan.tutorial.id}, target ${plan.target.name})`)];
  if (values.size > 0) {
    lines.push('variables:');
    for (const [name, value] of values) lines.push(showControls(`  ${name}=${value}`));
  }
  const all = [...plan.steps, ...plan.teardown];
  all.forEach((step, index) => {
    const flags = [step.background && 'background', step.teardown && 'teardown', step.confirm && 'confirm'].filter(Boolean);
    lines.push(
      showControls(
        `${index + 1}. ${step.name} on ${step.host}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}  ${plan.tutorial.file}:${step.line}`,
      ),
    );
    step.command.split('\n').forEach((line, at) => {
      const prompt = step.kind === 'command' ? (at === 0 ? '$ ' : '> ') : '';
      lines.push(`     ${prompt}${showControls(line)}`);
    });
  });
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string): string {
  const line = showControls(text.split('\n')[0] ?? '');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
