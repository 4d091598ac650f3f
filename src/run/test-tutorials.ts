import { basename } from 'node:path';
import { obsoleteSnapshots, refuseUpdateUnderCi, removeSnapshot } from '../check/snapshots.js';
import { UserError } from '../errors.js';
import { displayPath, findTutorialFile, loadTutorial, projectRootOf, projectTutorialFiles } from '../format/catalog.js';
import { describeInstall, planMachineSetup } from '../needs/machine-setup.js';
import { planSteps } from '../plan/plan-steps.js';
import { parseVarOptions } from '../plan/resolve-variables.js';
import { selectTarget, type TargetProbe } from '../plan/select-target.js';
import { runsOnGoogleCloud } from './cloud-checks.js';
import type { RunListener } from './events.js';
import { type ExecuteOptions, executePlan } from './execute-plan.js';

export interface TestOptions {
  /** Tutorial ids or files; empty means every tutorial `list` shows. */
  tutorials: string[];
  target?: string;
  vars: string[];
  updateSnapshots: boolean;
  ci: boolean;
  /** `--yes`: consent to the prepare step that installs what this machine lacks (`--ci` gives it too). */
  yes: boolean;
  /** `--shard 2/3`: the second third of the tutorials, by id. */
  shard?: { index: number; count: number };
}

export interface TestIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  probe: TargetProbe;
  /** The listener for a tutorial's run events, once the secrets to mask in them are known. */
  reporter(secrets: string[]): RunListener;
  /** A tutorial left out (no such target, no cloud account): a skipped test, said as a note too. */
  skipped?(tutorial: string, file: string, reason: string): void;
  /** A tutorial that could not run, or obsolete snapshots: reported, and the test fails. */
  problem(tutorial: string, file: string, message: string): void;
  /** Something worth saying that does not fail the test. */
  note(message: string): void;
  onInterrupt(interrupt: () => void, kill: () => void): () => void;
  /** Drives each tutorial's run instead of running its steps in order (`test -i`'s review). */
  drive?: ExecuteOptions['drive'];
}

export interface TestSummary {
  tutorials: number;
  failed: number;
  interrupted: boolean;
}

/**
 * `alts-tutor test`: every tutorial (or the named ones) headless against a target, as snapshot
 * tests. A tutorial that cannot run counts as failed; the rest still run.
 */
export async function testTutorials(options: TestOptions, io: TestIo): Promise<TestSummary> {
  refuseUpdateUnderCi(options.updateSnapshots, options.ci);
  const optionValues = parseVarOptions(options.vars);
  const files = selectShard(
    options.tutorials.length > 0 ? options.tutorials.map((reference) => findTutorialFile(reference, io.cwd)) : projectTutorialFiles(io.cwd),
    options.shard,
  );
  const summary: TestSummary = { tutorials: 0, failed: 0, interrupted: false };
  for (const file of files) {
    const id = basename(file, '.md');
    let counted = false;
    try {
      const tutorial = loadTutorial(file);
      const hasTarget =
        options.target === undefined ||
        tutorial.targets[options.target] !== undefined ||
        (options.target === 'local' && Object.keys(tutorial.targets).length === 0);
      if (options.tutorials.length === 0 && !hasTarget) {
        io.note(`${id}: skipped, it has no target ${options.target}`);
        io.skipped?.(id, tutorial.file, `no target ${options.target}`);
        continue;
      }
      const target = await selectTarget(tutorial, options.target, io.probe);
      const planned = planSteps(tutorial, target, projectRootOf(file), io.cwd);
      // A cloud tutorial in a whole-project test, where gcloud is not set up: said, not failed.
      // Named (`test alts-envoy`) or with `--target gcp`, it runs, and says what is missing.
      if (options.tutorials.length === 0 && options.target === undefined && runsOnGoogleCloud(planned) && !(await io.probe.gcloudReady())) {
        io.note(`${id}: skipped, target ${target.name} needs a gcloud account and project (test ${id} --target ${target.name} runs it)`);
        io.skipped?.(id, tutorial.file, `target ${target.name} needs a gcloud account and project`);
        continue;
      }
      const plan = planMachineSetup(planned, io.env);
      if (plan.setup && !options.yes && !options.ci) {
        throw new UserError(
          `${id} needs to ${describeInstall(plan.setup.packages)} first`,
          `add --yes to run that as its first step: ${plan.steps[0]?.command}`,
        );
      }
      summary.tutorials++;
      counted = true;
      const { result } = await executePlan(plan, {
        env: io.env,
        file,
        optionValues,
        updateSnapshots: options.updateSnapshots,
        cleanup: true,
        reporter: (secrets) => io.reporter(secrets),
        onInterrupt: io.onInterrupt,
        ...(io.drive && { drive: io.drive }),
      });
      let failed = result.status !== 'passed';
      if (options.ci) {
        for (const step of result.steps.filter((entry) => entry.missingExpectation)) {
          io.note(`${id}: step ${step.name} printed output but shows none in the tutorial and has no snapshot (run test -u to record it)`);
        }
      }
      const place = { projectRoot: plan.projectRoot, tutorialId: tutorial.id, target: target.name };
      const all = new Set(tutorial.steps.map((step) => step.name));
      const ofTarget = new Set([...plan.steps, ...plan.teardown].map((step) => step.name));
      for (const path of obsoleteSnapshots(place, { ofTarget, all }, Object.keys(tutorial.targets))) {
        if (options.updateSnapshots) {
          removeSnapshot(place, path);
          io.note(`${id}: removed obsolete snapshot ${displayPath(path)}`);
        } else if (options.ci) {
          io.problem(id, tutorial.file, `obsolete snapshot ${displayPath(path)}: no step of that name (remove it, or run test -u)`);
          failed = true;
        } else {
          io.note(`${id}: obsolete snapshot ${displayPath(path)} (test -u removes it; with --ci it fails the test)`);
        }
      }
      if (failed) summary.failed++;
      if (result.status === 'interrupted') {
        summary.interrupted = true;
        break;
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (!counted) summary.tutorials++;
      summary.failed++;
      io.problem(id, displayPath(file), error.hint ? `${error.message}\n  ${error.hint}` : error.message);
    }
  }
  return summary;
}

/** Tutorials in id order, every `count`-th one from `index` (1-based): stable across machines. */
export function selectShard(files: string[], shard: TestOptions['shard']): string[] {
  const sorted = [...files].sort((a, b) => basename(a).localeCompare(basename(b)));
  if (!shard) return sorted;
  return sorted.filter((_, position) => position % shard.count === shard.index - 1);
}

/** Parses `--shard i/n`. */
export function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UserError(`--shard needs i/n with 1 <= i <= n, not "${value}"`);
  return { index, count };
}
