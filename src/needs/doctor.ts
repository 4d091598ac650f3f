import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { findTutorialFile, loadTutorial, projectRootOf, projectTutorialFiles } from '../format/catalog.js';
import type { Target } from '../format/tutorial.js';
import { planSteps } from '../plan/plan-steps.js';
import { LOCAL_TARGET } from '../plan/select-target.js';
import { type Need, needOf, TEST_SUITE_NEEDS } from './need-catalog.js';
import { type NeedStatus, probeContext, probeNeed } from './probe-needs.js';
import { runNeeds } from './run-needs.js';

/** One need of a group, as this machine has it. */
export interface DoctorRow {
  need: Need;
  status: NeedStatus;
  why: string;
  steps: string[];
  /** Missing, it fails nothing: the test suite skips the tests that need it (gcloud). */
  optional: boolean;
}

/** The needs of one tutorial on one target, or of the test suite. */
export interface DoctorGroup {
  title: string;
  tutorial?: string;
  target?: string;
  rows: DoctorRow[];
}

export interface DoctorReport {
  groups: DoctorGroup[];
  /** Packages that install every missing need that has one, each once. */
  packages: string[];
  /** Missing needs that no package provides, each once. */
  unavailable: DoctorRow[];
  /** Something required is missing: doctor exits 1. */
  incomplete: boolean;
}

export interface DoctorOptions {
  /** Tutorial ids or files; empty: every tutorial `list` shows. */
  tutorials: string[];
  target?: string;
  /** Also the needs of alts-tutor's own test suite (`npm test`). */
  testSuite: boolean;
  /** Only the test suite's needs. */
  onlyTestSuite?: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Every need of the tutorials' targets (and of the test suite), probed once each on this machine. */
export function doctorReport(options: DoctorOptions): DoctorReport {
  const context = probeContext(options.env, true);
  const probed = new Map<string, NeedStatus>();
  const probe = (need: Need) => {
    let status = probed.get(need.id);
    if (!status) {
      status = probeNeed(need, context);
      probed.set(need.id, status);
    }
    return status;
  };
  const groups: DoctorGroup[] = [];
  if (!options.onlyTestSuite) {
    const files =
      options.tutorials.length > 0
        ? options.tutorials.map((reference) => findTutorialFile(reference, options.cwd))
        : projectTutorialFiles(options.cwd);
    for (const file of files) {
      const tutorial = loadTutorial(file);
      for (const target of targetsOf(tutorial.id, tutorial.targets, options.target, options.tutorials.length > 0)) {
        const plan = planSteps(tutorial, target, projectRootOf(file), options.cwd);
        const rows = runNeeds(tutorial, target, { root: context.root, workDir: plan.workDir }).map((entry) => ({
          ...entry,
          status: probe(entry.need),
          optional: false,
        }));
        groups.push({ title: `${basename(file, '.md')} on target ${target.name}`, tutorial: tutorial.id, target: target.name, rows });
      }
    }
  }
  if (options.testSuite || options.onlyTestSuite) {
    const rows = TEST_SUITE_NEEDS.map(({ id, why }) => {
      const need = needOf(id);
      return { need, status: probe(need), why, steps: [], optional: !need.package };
    });
    groups.push({ title: "alts-tutor's test suite (npm test)", rows });
  }
  const missing = groups.flatMap((group) => group.rows).filter((row) => !row.status.found);
  const once = (rows: DoctorRow[]) => [...new Map(rows.map((row) => [row.need.id, row])).values()];
  return {
    groups,
    packages: [...new Set(missing.flatMap((row) => (row.need.package ? [row.need.package] : [])))],
    unavailable: once(missing.filter((row) => !row.need.package)),
    incomplete: missing.some((row) => !row.optional),
  };
}

/** `--target` alone when given (a tutorial named on the command line must have it); else every target, or `local` for a tutorial with none. */
function targetsOf(id: string, targets: Record<string, Target>, requested: string | undefined, named: boolean): Target[] {
  const all = Object.values(targets);
  if (requested === undefined) return all.length > 0 ? all : [LOCAL_TARGET];
  const chosen = targets[requested] ?? (requested === 'local' && all.length === 0 ? LOCAL_TARGET : undefined);
  if (chosen) return [chosen];
  if (named)
    throw new UserError(`${id} has no target "${requested}"`, `choose one of: ${all.map((target) => target.name).join(', ') || 'local'}`);
  return [];
}
