import { UserError } from '../errors.js';

/** `pretty` is `run`'s TUI, not a report: only `run` allows it. */
export type ReporterName = 'pretty' | 'plain' | 'json' | 'junit' | 'github' | 'html';

/** One `--reporter NAME[:FILE]`: without a file, the reporter writes to stdout. */
export interface ReporterSpec {
  name: ReporterName;
  file?: string;
}

/**
 * Reads `--reporter` values, spelled as Playwright and vitest spell them (`--reporter junit:out.xml`,
 * repeatable). `--output F` still names the file of a single reporter. At most one reporter may
 * write to stdout, or their outputs would interleave. The github reporter never takes stdout: its
 * workflow commands go to stderr (which GitHub's runner reads for them too), its summary to
 * `$GITHUB_STEP_SUMMARY`. With no `--reporter`, `fallback` is used, and under GitHub Actions the
 * github reporter is added beside it (as vitest does).
 */
export function parseReporterSpecs(
  values: readonly string[],
  settings: { allowed: readonly ReporterName[]; fallback: ReporterSpec[]; output?: string; env: NodeJS.ProcessEnv },
): ReporterSpec[] {
  const given = values.map((value) => parseSpec(value, settings.allowed));
  if (settings.output !== undefined) {
    const only = given.length === 1 ? given[0] : undefined;
    if (given.length > 1)
      throw new UserError('--output goes with a single --reporter', 'name each file in the reporter instead: --reporter junit:out.xml');
    if (only?.file !== undefined)
      throw new UserError(`--output and --reporter ${only.name}:${only.file} both name a file`, 'give one of them');
    if (settings.output === '') throw new UserError('--output needs a file name');
  }
  const specs: ReporterSpec[] =
    given.length > 0
      ? given
      : settings.fallback
          .map((spec) => ({ ...spec }))
          .concat(settings.env.GITHUB_ACTIONS === 'true' && settings.allowed.includes('github') ? [{ name: 'github' }] : []);
  const first = specs[0];
  if (settings.output !== undefined && first) first.file = settings.output;
  const onStdout = specs.filter((spec) => spec.file === undefined && spec.name !== 'github');
  if (onStdout.length > 1) {
    throw new UserError(
      `--reporter ${onStdout.map((spec) => spec.name).join(' and ')} would ${onStdout.length === 2 ? 'both' : 'all'} write to stdout`,
      `give all but one a file: --reporter ${onStdout[1]?.name}:FILE`,
    );
  }
  const files = specs.flatMap((spec) => (spec.file === undefined ? [] : [spec.file]));
  const twice = files.find((file, index) => files.indexOf(file) !== index);
  if (twice !== undefined) throw new UserError(`two reporters would write ${twice}`, 'give each reporter its own file');
  return specs;
}

function parseSpec(value: string, allowed: readonly ReporterName[]): ReporterSpec {
  const colon = value.indexOf(':');
  const name = colon === -1 ? value : value.slice(0, colon);
  const file = colon === -1 ? undefined : value.slice(colon + 1);
  if (!(allowed as readonly string[]).includes(name)) {
    throw new UserError(
      `unknown reporter "${name}" in --reporter ${value}`,
      `use NAME or NAME:FILE, NAME one of ${allowed.join(', ')} (e.g. --reporter junit:report.xml)`,
    );
  }
  if (file === '')
    throw new UserError(`--reporter ${value} names no file`, `write --reporter ${name}:FILE, or --reporter ${name} for stdout`);
  return { name: name as ReporterName, ...(file !== undefined && { file }) };
}
