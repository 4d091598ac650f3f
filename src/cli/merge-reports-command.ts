import { readFileSync } from 'node:fs';
import { EXIT, UserError } from '../errors.js';
import { paintFor } from '../report/colors.js';
import { readJsonReport } from '../report/read-json-report.js';
import { ReportBuilder, reportEvents, reportTotals } from '../report/report-model.js';
import { parseReporterSpecs } from '../report/reporter-specs.js';
import { openReporters } from '../report/reporters.js';

export interface MergeReportsOptions {
  /** `--reporter NAME[:FILE]` (json, junit, html, github); none means json on stdout. */
  reporters: string[];
  output?: string;
}

/**
 * `alts-tutor merge-reports`: the JSON reports of several `test` runs (the shards of a CI matrix)
 * as one report, in JSON (which merges again), JUnit, HTML or GitHub's form. Exit 0 once merged,
 * whatever the tutorials did: the shards' own jobs fail for that.
 */
export function mergeReportsCommand(files: string[], options: MergeReportsOptions): number {
  const specs = parseReporterSpecs(options.reporters, {
    allowed: ['json', 'junit', 'html', 'github'],
    fallback: [{ name: 'json' }],
    env: {},
    ...(options.output !== undefined && { output: options.output }),
  });
  // Every file is read and checked before any report is written.
  const tutorials = files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UserError(`cannot read report ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    // One builder per file: a problem line belongs to a tutorial of its own file.
    const builder = new ReportBuilder();
    for (const event of readJsonReport(text, file)) builder.add(event);
    const { tutorials: found } = builder.report();
    if (found.length === 0) process.stderr.write(`note: ${file} reports no tutorials\n`);
    return found;
  });
  const reporters = openReporters(specs, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    paint: paintFor(process.stdout),
    env: process.env,
  });
  for (const event of reportEvents({ tutorials })) reporters.emit(event);
  const totals = reportTotals(reporters.finish());
  process.stderr.write(
    `merged ${files.length} reports: ${totals.tutorials} tutorials, ${totals.tutorialsFailed} failed, ${totals.tutorialsSkipped} skipped; steps: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped + totals.notRun} not run\n`,
  );
  return EXIT.ok;
}
