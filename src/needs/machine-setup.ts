import { UserError } from '../errors.js';
import type { Plan, PlannedStep } from '../plan/plan-steps.js';
import { copyPasteCommand, findInstaller, installCommand } from './installer.js';
import { type NeedStatus, probeContext, probeNeed } from './probe-needs.js';
import { type RunNeed, runNeeds } from './run-needs.js';

/** A need of the run that this machine lacks. */
export interface MissingNeed extends RunNeed {
  status: NeedStatus;
}

/** What a run lacks here: packages apt can install, and what no package gives (gcloud, a kernel feature). */
export interface MachineGaps {
  missing: MissingNeed[];
  /** The Debian/Ubuntu packages that provide the installable part, each once, in catalog order of need. */
  packages: string[];
  unavailable: MissingNeed[];
}

/** Probes every need of the plan's tutorial and target. */
export function machineGaps(plan: Pick<Plan, 'tutorial' | 'target' | 'workDir'>, env: NodeJS.ProcessEnv): MachineGaps {
  const context = probeContext(env);
  const needs = runNeeds(plan.tutorial, plan.target, { root: context.root, workDir: plan.workDir });
  return gapsOf(needs.map((need) => ({ ...need, status: probeNeed(need.need, context) })).filter((need) => !need.status.found));
}

export function gapsOf(missing: MissingNeed[]): MachineGaps {
  const packages = [...new Set(missing.flatMap((need) => (need.need.package ? [need.need.package] : [])))];
  return { missing, packages, unavailable: missing.filter((need) => !need.need.package) };
}

/** The name of the step that installs what a run lacks. */
export const PREPARE_STEP = 'prepare';

/**
 * The plan as it runs here: unchanged when this machine has everything; else with a first step
 * that installs the missing packages (shown and consented like every other step). What cannot
 * be installed, by anyone or by this user, is an error before the first step (exit 2) that says
 * what and the one command that would install it.
 */
export function planMachineSetup(plan: Plan, env: NodeJS.ProcessEnv): Plan {
  if (plan.steps.length === 0) return plan;
  const gaps = machineGaps(plan, env);
  if (gaps.missing.length === 0) return plan;
  const where = `${plan.tutorial.id} on target ${plan.target.name}`;
  const otherTargets = Object.keys(plan.tutorial.targets).filter((name) => name !== plan.target.name);
  if (gaps.unavailable.length > 0) {
    const sentences = gaps.unavailable.map(describeUnavailable);
    const packages = gaps.packages.length > 0 ? `; then, as root: ${copyPasteCommand(gaps.packages, true)}` : '';
    throw new UserError(
      `${where} needs what this machine lacks: ${sentences.join('; ')}`,
      `${otherTargets.length > 0 ? `get it, or choose another target (--target ${otherTargets.join(', ')})` : 'get it, then run again'}${packages}`,
    );
  }
  const installer = findInstaller(env);
  const listed = describePackages(gaps);
  if (installer.kind === 'none') {
    if (installer.why === 'no-apt') {
      throw new UserError(
        `${where} needs programs this machine lacks, and there is no apt-get here to install them: ${gaps.missing
          .map((need) => `${need.need.id} (Debian/Ubuntu package ${need.need.package})`)
          .join(', ')}`,
        "install them with this system's package manager, then run again",
      );
    }
    throw new UserError(
      `${where} needs ${gaps.packages.length} Debian ${gaps.packages.length === 1 ? 'package' : 'packages'} that ${gaps.packages.length === 1 ? 'is' : 'are'} not installed, and this user cannot install ${gaps.packages.length === 1 ? 'it' : 'them'} (not root; sudo is not allowed without a password): ${listed}`,
      `run this as root, then run again: ${copyPasteCommand(gaps.packages, true)}`,
    );
  }
  return {
    ...plan,
    steps: [prepareStep(plan, gaps, installCommand(gaps.packages, installer.kind)), ...plan.steps],
    setup: { packages: gaps.packages },
  };
}

function prepareStep(plan: Plan, gaps: MachineGaps, command: string): PlannedStep {
  const taken = new Set(plan.tutorial.steps.map((step) => step.name));
  const name = taken.has(PREPARE_STEP) ? `alts-tutor-${PREPARE_STEP}` : PREPARE_STEP;
  return {
    name,
    section: `${PREPARE_STEP}: ${describeInstall(gaps.packages)}`,
    prose: `This machine lacks what the steps below need:\n\n${gaps.missing.map((need) => `- \`${need.need.id}\` (package \`${need.need.package}\`): ${need.why}`).join('\n')}\n\nThis step installs it with apt-get.`,
    kind: 'script',
    command,
    line: plan.tutorial.frontMatterLine || 1,
    host: 'local',
    background: false,
    exit: 0,
    expect: 'none',
    confirm: true,
    teardown: false,
    interactive: false,
    hostSpec: { kind: 'local' },
    timeoutMs: 20 * 60_000,
  };
}

/** `install 2 Debian packages (golang-go, iproute2)`. */
export function describeInstall(packages: readonly string[]): string {
  return `install ${packages.length} Debian ${packages.length === 1 ? 'package' : 'packages'} (${packages.join(', ')})`;
}

/** `go (golang-go, for step build-offline …)`, one per package. */
function describePackages(gaps: MachineGaps): string {
  return gaps.packages
    .map((pkg) => {
      const needs = gaps.missing.filter((need) => need.need.package === pkg);
      return `${pkg} (${needs.map((need) => need.need.id).join(', ')}: ${needs[0]?.why})`;
    })
    .join(', ');
}

function describeUnavailable(need: MissingNeed): string {
  if (need.need.check.kind === 'kernel') return `${need.need.about}: ${need.status.detail ?? 'not available'}`;
  if (need.need.id === 'gcloud') return `gcloud is not installed (${need.why}); get it from ${need.need.howToGet}`;
  return `${need.need.id} is not installed (${need.why})${need.need.howToGet ? `; get it from ${need.need.howToGet}` : '; no known package provides it'}`;
}
