import { UserError } from '../errors.js';
import { parseReporterSpecs } from './reporter-specs.js';
import { openReporters, type ReporterIo, type Reporters } from './reporters.js';

/** What `run` writes: the front end on stdout (the TUI, plain lines or JSON events) and the reports besides. */
export interface RunReporters extends Reporters {
  /** The reporter given for stdout, if one was: `pretty` is the TUI. */
  stdout: 'pretty' | 'plain' | 'json' | undefined;
}

/**
 * `run --reporter NAME[:FILE]…`: at most one of pretty, plain or json on stdout (none: the TUI
 * on a terminal, else plain), and any reporters with files (JUnit, HTML, JSON, GitHub) beside it,
 * made from the same events as `test`'s.
 */
export function openRunReporters(values: readonly string[], io: ReporterIo): RunReporters {
  const specs = parseReporterSpecs(values, { allowed: ['pretty', 'plain', 'json', 'junit', 'github', 'html'], fallback: [], env: {} });
  const pretty = specs.find((spec) => spec.name === 'pretty');
  if (pretty?.file !== undefined) throw new UserError(`--reporter pretty:${pretty.file}: pretty is the terminal UI, it writes no file`);
  const front = specs.find((spec) => spec.file === undefined && (spec.name === 'pretty' || spec.name === 'plain' || spec.name === 'json'));
  const reporters = openReporters(
    specs.filter((spec) => spec !== front),
    io,
  );
  return { ...reporters, stdout: front?.name as RunReporters['stdout'] };
}
