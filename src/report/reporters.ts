import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { maskText } from '../execute/secret-masker.js';
import type { RunListener } from '../run/events.js';
import { batchedWriter } from './batched-writer.js';
import type { Paint } from './colors.js';
import { githubAnnotations, githubSummary } from './github-report.js';
import { renderHtml } from './html-report.js';
import { jsonLine } from './json-reporter.js';
import { renderJunit } from './junit-report.js';
import { plainReporter } from './plain-reporter.js';
import { type ReportEvent, toReportEvent } from './report-events.js';
import { type Report, ReportBuilder } from './report-model.js';
import type { ReporterSpec } from './reporter-specs.js';

export interface ReporterIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colours for the plain reporter on stdout (a file gets none). */
  paint: Paint;
  env: NodeJS.ProcessEnv;
}

/** The reporters one command writes, fed by the same events. */
export interface Reporters {
  /** The listener for one tutorial's run, once its secrets are known: they are masked in every report. */
  runListener(secrets: readonly string[]): RunListener;
  /** A report event that is no run event (a tutorial skipped or refused), or one read back from a JSON report. */
  emit(event: ReportEvent): void;
  /** Whether the plain reporter writes to stdout: then notes and problems go there too. */
  readonly plainOnStdout: boolean;
  /** Renders the reports made from the whole run (JUnit, HTML, GitHub) and closes the files. */
  finish(): Report;
}

const NO_PAINT: Paint = (_, text) => text;

/**
 * Opens the reporters of `specs`: plain and json write as events come, the others are rendered
 * once from the report model at the end. A file that cannot be opened is refused before
 * anything runs.
 */
export function openReporters(specs: readonly ReporterSpec[], io: ReporterIo): Reporters {
  const builder = new ReportBuilder();
  const files: Array<{ close(): void }> = [];
  const writerOf = (spec: ReporterSpec, fallback: (text: string) => void): ((text: string) => void) => {
    if (spec.file === undefined) return fallback;
    const file = openReportFile(spec.file);
    files.push(file);
    return file.write;
  };
  const live: Array<(secrets: readonly string[]) => RunListener> = [];
  const eventWriters: Array<(event: ReportEvent) => void> = [];
  const finals: Array<(report: Report) => void> = [];
  for (const spec of specs) {
    switch (spec.name) {
      case 'plain': {
        const write = writerOf(spec, io.stdout);
        const paint = spec.file === undefined ? io.paint : NO_PAINT;
        // A plain reporter for each tutorial's run: it keeps that run's names' width and file.
        live.push((secrets) => plainReporter((text) => write(maskText(text, secrets)), paint));
        break;
      }
      case 'json': {
        const write = writerOf(spec, io.stdout);
        eventWriters.push((event) => write(jsonLine(event)));
        break;
      }
      case 'junit': {
        const write = writerOf(spec, io.stdout);
        finals.push((report) => write(renderJunit(report)));
        break;
      }
      case 'html': {
        const write = writerOf(spec, io.stdout);
        finals.push((report) => write(renderHtml(report)));
        break;
      }
      case 'github': {
        const write = writerOf(spec, io.stderr);
        const summaryFile = io.env.GITHUB_STEP_SUMMARY;
        finals.push((report) => {
          write(githubAnnotations(report));
          if (summaryFile) appendSummary(summaryFile, githubSummary(report));
        });
        break;
      }
    }
  }
  const emit = (event: ReportEvent) => {
    builder.add(event);
    for (const write of eventWriters) write(event);
  };
  return {
    plainOnStdout: specs.some((spec) => spec.name === 'plain' && spec.file === undefined),
    runListener(secrets) {
      const listeners = live.map((open) => open(secrets));
      return (event) => {
        for (const listener of listeners) listener(event);
        emit(toReportEvent(event, secrets));
      };
    },
    emit,
    finish() {
      const report = builder.report();
      try {
        for (const render of finals) render(report);
      } finally {
        for (const file of files) file.close();
      }
      return report;
    },
  };
}

/** A report file, opened now (its directory made) and written in batches. */
function openReportFile(path: string): { write(text: string): void; flush(): void; close(): void } {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w', 0o644);
  } catch (error) {
    throw new UserError(`cannot write report file ${path}: ${(error as Error).message}`);
  }
  const writer = batchedWriter((text) => {
    writeSync(fd, text);
  });
  return {
    write: writer.write,
    flush: writer.flush,
    close() {
      writer.flush();
      closeSync(fd);
    },
  };
}

function appendSummary(file: string, markdown: string): void {
  try {
    appendFileSync(file, markdown);
  } catch (error) {
    throw new UserError(`cannot write the job summary to $GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}`);
  }
}
