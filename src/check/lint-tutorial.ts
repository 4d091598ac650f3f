import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { displayPath } from '../format/catalog.js';
import type { Step, Tutorial } from '../format/tutorial.js';
import { outputsAgree } from './page-agreement.js';
import { obsoleteSnapshots, snapshotCandidates } from './snapshots.js';

export interface LintProblem {
  file: string;
  line: number;
  message: string;
}

/** Variables every shell has; a step may use them without declaring them. */
const SHELL_VARIABLES = new Set(
  'HOME PATH PWD OLDPWD USER LOGNAME SHELL TERM TMPDIR LANG LC_ALL HOSTNAME UID EUID PPID RANDOM SRANDOM LINENO SECONDS BASHPID BASH BASH_SOURCE BASH_VERSION IFS OPTARG OPTIND REPLY PIPESTATUS FUNCNAME EDITOR PAGER DISPLAY SSH_AUTH_SOCK XDG_STATE_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR GOPATH GOROOT GOBIN ALTS_TUTOR_SESSION'.split(
    ' ',
  ),
);

/** Files a step names that must come with the tutorial (under `steps/<id>/`). */
const SOURCE_FILE = /\.(go|proto|ya?ml|json|sh|py|mjs|js|ts|conf|pem|toml|txt)$/;
/** Options and redirections after which a path is something the command creates. */
const CREATES = new Set(['-o', '--output', '>', '>>', 'tee', 'mkdir', 'touch', '-out', '--out']);

/**
 * Problems a tutorial has before anything runs: undefined variables, hosts a target lacks,
 * files under `steps/` that do not exist, output shown in the Markdown that disagrees with the
 * snapshot, and snapshot files that name no step. Parse errors are the caller's (they stop parsing).
 */
export function lintTutorial(tutorial: Tutorial, projectRoot: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const report = (line: number, message: string) => problems.push({ file: tutorial.file, line, message });
  const known = new Set([
    ...SHELL_VARIABLES,
    ...Object.keys(tutorial.variables),
    ...Object.values(tutorial.targets).flatMap((target) => Object.keys(target.variables)),
  ]);
  const stepsDir = join(projectRoot, 'steps', tutorial.id);
  const hasStepsDir = existsSync(stepsDir);
  const mentioned: string[] = [];

  for (const step of tutorial.steps) {
    for (const name of assignedVariables(step.command)) known.add(name);
    for (const name of referencedVariables(step.command)) {
      if (!known.has(name))
        report(step.line, `step "${step.name}" uses $${name}, which is not declared in the front matter nor set by an earlier step`);
    }
    for (const target of step.targets ?? Object.keys(tutorial.targets)) {
      const hosts = tutorial.targets[target]?.hosts ?? {};
      if (step.host !== 'local' && !hosts[step.host])
        report(step.line, `step "${step.name}" runs on host "${step.host}", which target ${target} does not define`);
    }
    if (hasStepsDir) {
      const base = step.cwd === undefined ? stepsDir : isAbsolute(step.cwd) ? step.cwd : join(stepsDir, step.cwd);
      if (step.cwd !== undefined && !existsSync(base))
        report(step.line, `cwd=${step.cwd} does not exist under ${relative(projectRoot, stepsDir)}/`);
      for (const path of namedFiles(step.command)) {
        if (!mentioned.some((earlier) => earlier.includes(path)) && !existsSync(join(base, path))) {
          report(step.line, `step "${step.name}" names ${path}, which is not in ${relative(projectRoot, stepsDir)}/`);
        }
      }
    }
    mentioned.push(step.command);
    problems.push(...disagreements(tutorial, step, projectRoot));
  }
  problems.push(...obsoleteProblems(tutorial, projectRoot));
  return problems;
}

/**
 * Snapshot files that name no step (left behind by a rename), as `test --ci` fails on them:
 * the shared ones against every step, each target's directory against that target's steps.
 */
function obsoleteProblems(tutorial: Tutorial, projectRoot: string): LintProblem[] {
  // A tutorial without targets runs on `local`, whose directory `test` judges as a target's.
  const targets = Object.keys(tutorial.targets).length > 0 ? Object.keys(tutorial.targets) : ['local'];
  const all = new Set(tutorial.steps.map((step) => step.name));
  const found = new Map<string, string>();
  for (const target of ['', ...targets]) {
    const ofTarget = new Set(tutorial.steps.filter((step) => !step.targets || step.targets.includes(target)).map((step) => step.name));
    const place = { projectRoot, tutorialId: tutorial.id, target };
    for (const path of obsoleteSnapshots(place, { ofTarget, all }, targets)) {
      if (!found.has(path)) found.set(path, target);
    }
  }
  return [...found]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, target]) => ({
      file: displayPath(path),
      line: 1,
      message: obsoleteMessage(tutorial, path, target),
    }));
}

function obsoleteMessage(tutorial: Tutorial, path: string, target: string): string {
  const fix = '(remove it, or run test -u)';
  if (lstatSync(path).isDirectory()) return `obsolete snapshot directory: ${tutorial.file} has no target "${basename(path)}" ${fix}`;
  const name = basename(path).replace(/\.txt$/, '');
  const underTarget = basename(dirname(path)) === target && target !== '';
  return `obsolete snapshot: ${tutorial.file} has no step "${name}"${underTarget ? ` on target ${target}` : ''} ${fix}`;
}

/** The Markdown's output for a step against each snapshot the step has: they must agree. */
function disagreements(tutorial: Tutorial, step: Step, projectRoot: string): LintProblem[] {
  if (!step.expected || step.expected.lines.length === 0) return [];
  const expected = step.expected;
  // The shared snapshot, then each target's own, compared with that target's fixed values
  // (the lab's PROJECT_ID) so a per-target snapshot may show them written out.
  const candidates = new Map<string, Record<string, string>>();
  for (const target of ['', ...Object.keys(tutorial.targets)]) {
    const path = snapshotCandidates({ projectRoot, tutorialId: tutorial.id, target }, step.name)[target === '' ? 1 : 0];
    if (path !== undefined && !candidates.has(path)) candidates.set(path, tutorial.targets[target]?.variables ?? {});
  }
  const problems: LintProblem[] = [];
  for (const [path, variables] of candidates) {
    if (!existsSync(path)) continue;
    const snapshot = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
    if (!outputsAgree(expected.lines, snapshot, step.expect, variables)) {
      problems.push({
        file: tutorial.file,
        line: expected.line,
        message: `the output shown for step "${step.name}" disagrees with ${relative(projectRoot, path)} (update the Markdown, or the snapshot with test -u)`,
      });
    }
  }
  return problems;
}

/** Text of a command outside single quotes, where `$NAME` is literal. */
function outsideSingleQuotes(command: string): string {
  return command.replace(/'[^']*'/g, "''");
}

export function referencedVariables(command: string): string[] {
  const names = new Set<string>();
  for (const match of outsideSingleQuotes(command).matchAll(/\$(?:\{([A-Za-z_]\w*)([^}]*)\}|([A-Za-z_]\w*))/g)) {
    const braced = match[1];
    // ${NAME:-x}, ${NAME-x}, ${NAME:=x} and ${NAME+x} are safe when NAME is unset.
    if (braced !== undefined && /^:?[-=+?]/.test(match[2] ?? '')) continue;
    const name = braced ?? match[3];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

export function assignedVariables(command: string): string[] {
  const names = new Set<string>();
  const text = outsideSingleQuotes(command);
  const patterns = [
    /(?:^|[\s;&|(`])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\+?=/g,
    /\bexport\s+((?:[A-Za-z_]\w*\s*)+)/g,
    /\bfor\s+([A-Za-z_]\w*)\s+in\b/g,
    /\bread\s+(?:-[a-zA-Z]+\s+(?:\S+\s+)?)*((?:[A-Za-z_]\w*\s*)+)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      for (const name of (match[1] ?? '').split(/\s+/)) if (/^[A-Za-z_]\w*$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/** Relative paths of source-like files a command reads (not ones it creates). */
export function namedFiles(command: string): string[] {
  const words = outsideSingleQuotes(command)
    .split(/[\s;&|()]+/)
    .map((word) => word.replace(/^["']|["']$/g, ''));
  const files: string[] = [];
  words.forEach((word, index) => {
    if (CREATES.has(words[index - 1] ?? '')) return;
    if (word === '' || /[$*?~=:]/.test(word) || word.startsWith('-') || word.startsWith('/') || word.includes('://')) return;
    if (SOURCE_FILE.test(word)) files.push(word.replace(/^\.\//, ''));
  });
  return files;
}
