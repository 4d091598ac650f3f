import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as v from 'valibot';
import { UserError } from '../errors.js';
import { REPORT_EVENT_TYPES, type ReportEvent } from './report-events.js';

const stepStatus = v.picklist(['passed', 'failed', 'skipped', 'not-run']);
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const stepResult = v.looseObject({
  name: v.string(),
  status: stepStatus,
  exitCode: v.optional(v.number()),
  expectedExit: v.number(),
  timedOut: v.boolean(),
  durationMs: v.number(),
  attempts: count,
  logPath: v.optional(v.string()),
  output: v.string(),
  outputBytes: count,
  errorLine: v.optional(count),
  reason: v.optional(v.string()),
  diff: v.optional(v.string()),
});

/** The events the report model is built from, checked field by field; the others need only their type. */
const SCHEMAS: Record<string, v.GenericSchema> = {
  'run-start': v.looseObject({
    type: v.literal('run-start'),
    sessionId: v.string(),
    tutorial: v.string(),
    title: v.string(),
    target: v.string(),
    // Older reports (and `run --reporter json` before this) have no file or start time.
    file: v.optional(v.string(), ''),
    startedAt: v.optional(v.string(), ''),
    steps: v.array(
      v.looseObject({ name: v.string(), host: v.string(), line: count, teardown: v.boolean(), command: v.optional(v.string(), '') }),
    ),
  }),
  'step-end': v.looseObject({ type: v.literal('step-end'), step: v.string(), result: stepResult }),
  'run-end': v.looseObject({
    type: v.literal('run-end'),
    result: v.looseObject({
      status: v.picklist(['passed', 'failed', 'interrupted']),
      steps: v.array(stepResult),
      teardown: v.array(stepResult),
      durationMs: v.number(),
    }),
  }),
  'tutorial-skipped': v.looseObject({ type: v.literal('tutorial-skipped'), tutorial: v.string(), file: v.string(), reason: v.string() }),
  'tutorial-problem': v.looseObject({ type: v.literal('tutorial-problem'), tutorial: v.string(), file: v.string(), message: v.string() }),
};

/**
 * Reads a JSON report (`test --reporter json:FILE`: one event per line) line by line, so a report
 * whose steps printed gigabytes is never held whole in memory. A line that is not an event of
 * this format is refused naming its file and line: a report from elsewhere, or one cut short,
 * must not merge into a wrong result. An empty file is an empty report: a shard can have no
 * tutorials.
 */
export async function readJsonReport(file: string): Promise<ReportEvent[]> {
  const events: ReportEvent[] = [];
  let number = 0;
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
      number++;
      // Output chunks are the bulk of a report and play no part in the model.
      if (line.startsWith('{"type":"output",')) continue;
      const event = reportLine(line, `${file}:${number}`);
      if (event) events.push(event);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read report ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    stream.destroy();
  }
  return events;
}

/** One line of a JSON report as the event the model needs; undefined for a blank line or an event it ignores. */
export function reportLine(line: string, where: string): ReportEvent | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UserError(`${where}: not JSON, so not a line of an alts-tutor JSON report`, 'give the files test --reporter json:FILE wrote');
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !REPORT_EVENT_TYPES.has(type)) {
    throw new UserError(`${where}: not an event of an alts-tutor JSON report`, 'give the files test --reporter json:FILE wrote');
  }
  const schema = SCHEMAS[type];
  if (!schema) return undefined;
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue?.path?.map((item) => String(item.key)).join('.') ?? '';
    throw new UserError(`${where}: a ${type} event with a bad ${path || 'shape'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.output as ReportEvent;
}
