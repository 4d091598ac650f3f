import type { RunEvent, RunListener } from '../run/events.js';
import { type ReportEvent, toReportEvent } from './report-events.js';

/** One JSON object per line for each event, for tools to read (and `merge-reports` to combine). */
export function jsonReporter(write: (text: string) => void, secrets: readonly string[] = []): RunListener {
  return (event: RunEvent) => write(jsonLine(toReportEvent(event, secrets)));
}

/** A report event as one line of the JSON report. */
export function jsonLine(event: ReportEvent): string {
  return `${JSON.stringify(event)}\n`;
}
