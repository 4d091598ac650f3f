import { EXIT } from '../errors.js';
import { paintFor } from '../report/colors.js';
import { readJsonReport } from '../report/read-json-report.js';
import { ReportBuilder, reportEvents, reportTotals, type TutorialReport } from '../report/report-model.js';
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
export async function mergeReportsCommand(files: string[], options: MergeReportsOptions): Promise<number> {
  const specs = parseReporterSpecs(options.reporters, {
    allowed: ['json', 'junit', 'html', 'github'],
    fallback: [{ name: 'json' }],
    env: {},
    ...(options.output !== undefined && { output: options.output }),
  });
  // Every file is read and checked before any report is written.
  const tutorials: TutorialReport[] = [];
  for (const file of files) {
    // One builder per file: a problem line belongs to a tutorial of its own file.
    const builder = new ReportBuilder();
    for (const event of await readJsonReport(file)) builder.add(event);
    const found = builder.report().tutorials;
    if (found.length === 0) process.stderr.write(`note: ${file} reports no tutorials\n`);
    tutorials.push(...found);
  }
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
