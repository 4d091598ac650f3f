import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { HostSpec, Step, Target, Tutorial } from '../format/tutorial.js';

/** A step ready to execute: its host resolved and its limits filled in. */
export interface PlannedStep extends Step {
  hostSpec: HostSpec;
  timeoutMs: number;
  /** Directory for this step, when it has `cwd`: absolute, or relative to a remote host's login directory. */
  cwdPath?: string;
}

export interface Plan {
  tutorial: Tutorial;
  target: Target;
  /** The directory holding the tutorial's `tutorials/`, `steps/` and `snapshots/`. */
  projectRoot: string;
  /** Directory the hosts' shells start in: `steps/<id>/` when it exists, else where `run` started. */
  workDir: string;
  /** Steps in order, teardown steps excluded. */
  steps: PlannedStep[];
  /** Teardown steps in the order they are written (they run in reverse). */
  teardown: PlannedStep[];
  /** The Debian packages this machine lacks, which the first step (`prepare`) installs; absent when none are. */
  setup?: { packages: string[] };
}

export interface Selection {
  from?: string;
  only?: string[];
  /** Steps left out: those a resumed session already passed. */
  skip?: ReadonlySet<string>;
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** How long a background step gets to become ready when it has no `timeout`. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** Whether a step belongs to a target: a step that names no targets belongs to all. */
export function stepInTarget(step: Step, target: string): boolean {
  return !step.targets || step.targets.includes(target);
}

/**
 * Picks the steps of `target`, applies `--from`/`--only`, resolves hosts and directories.
 * Pure but for checking whether `steps/<id>/` exists.
 */
export function planSteps(tutorial: Tutorial, target: Target, projectRoot: string, invokedIn: string, selection: Selection = {}): Plan {
  const stepsDir = resolve(projectRoot, 'steps', tutorial.id);
  const hasStepsDir = existsSync(stepsDir);
  const workDir = hasStepsDir ? stepsDir : invokedIn;
  const inTarget = tutorial.steps.filter((step) => stepInTarget(step, target.name));
  const names = inTarget.map((step) => step.name);
  for (const name of [selection.from, ...(selection.only ?? [])]) {
    if (name !== undefined && !names.includes(name)) {
      throw new UserError(`${tutorial.id} has no step "${name}" for target ${target.name}`, `steps: ${names.join(', ')}`);
    }
  }
  const start = selection.from === undefined ? 0 : names.indexOf(selection.from);
  const chosen = inTarget.filter(
    (step, index) => index >= start && (!selection.only || selection.only.includes(step.name)) && !selection.skip?.has(step.name),
  );
  const planned = chosen.map((step) => planStep(step, tutorial, target, workDir));
  return {
    tutorial,
    target,
    projectRoot,
    workDir,
    steps: planned.filter((step) => !step.teardown),
    teardown: planned.filter((step) => step.teardown),
  };
}

function planStep(step: Step, tutorial: Tutorial, target: Target, workDir: string): PlannedStep {
  const hostSpec: HostSpec | undefined = step.host === 'local' ? { kind: 'local' } : target.hosts[step.host];
  if (!hostSpec) {
    throw new UserError(
      `${tutorial.file}:${step.line}: step "${step.name}" runs on host "${step.host}", which target ${target.name} does not define`,
    );
  }
  const timeoutMs = step.timeout ?? (step.background ? DEFAULT_READY_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
  return {
    ...step,
    hostSpec,
    timeoutMs,
    ...(step.cwd !== undefined && { cwdPath: stepDirectory(step.cwd, hostSpec, workDir) }),
  };
}

/**
 * A step's `cwd`: under the tutorial's directory on this machine and on lab hosts (which share
 * its files); as written on a remote host, where a relative one starts at the login directory.
 */
function stepDirectory(cwd: string, host: HostSpec, workDir: string): string {
  const sharesFiles = host.kind === 'local' || host.kind === 'netns';
  return !sharesFiles || isAbsolute(cwd) ? cwd : resolve(workDir, cwd);
}
