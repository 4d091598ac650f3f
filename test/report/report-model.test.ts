import { describe, expect, it } from 'vitest';
import type { ReportEvent } from '../../src/report/report-events.js';
import { ReportBuilder, reportEvents, reportTotals } from '../../src/report/report-model.js';
import { REPORT_OUTPUT_LINES } from '../../src/report/text-tail.js';
import { sampleEvents, stepResult } from './report-fixtures.js';

function build(events: ReportEvent[]) {
  const builder = new ReportBuilder();
  for (const event of events) builder.add(event);
  return builder.report();
}

describe('the report model', () => {
  it('holds every tutorial in id order: ran, skipped, refused; each step with its line, status, diff and output', () => {
    const report = build(sampleEvents());
    expect(report.tutorials.map((tutorial) => [tutorial.id, tutorial.status])).toEqual([
      ['broken', 'error'],
      ['cloudy', 'skipped'],
      ['greet', 'failed'],
    ]);
    const greet = report.tutorials[2];
    expect(greet?.steps.map((step) => [step.name, step.line, step.status, step.teardown])).toEqual([
      ['one', 5, 'passed', false],
      ['two', 9, 'failed', false],
      ['last', 14, 'not-run', false],
      ['down', 20, 'passed', true],
    ]);
    expect(greet?.steps[1]).toMatchObject({ diff: expect.stringContaining('+goodbye'), output: 'goodbye\n', outputCut: false });
    expect(report.tutorials[0]?.problems).toEqual(['tutorials/broken.md:3: unknown attribute "colour"']);
    expect(report.tutorials[1]?.skipReason).toBe('no target lab');
    expect(reportTotals(report)).toMatchObject({ tutorials: 3, tutorialsFailed: 2, tutorialsSkipped: 1, passed: 2, failed: 1, notRun: 1 });
  });

  it('keeps a bounded tail of a long output and says that it cut it', () => {
    const long = `${Array.from({ length: 5000 }, (_, index) => `line ${index}`).join('\n')}\n`;
    const events = sampleEvents({ output: long });
    const report = build(events);
    const step = report.tutorials[2]?.steps[1];
    expect(step?.outputCut).toBe(true);
    expect(step?.output.split('\n').filter(Boolean)).toHaveLength(REPORT_OUTPUT_LINES);
    expect(step?.output.endsWith('line 4999\n')).toBe(true);
  });

  it('a problem after a run (an obsolete snapshot) belongs to that tutorial and fails it', () => {
    const passed = stepResult('one');
    const report = build([
      {
        type: 'run-start',
        sessionId: 's',
        tutorial: 'a',
        title: 'A',
        target: 'local',
        file: 'tutorials/a.md',
        startedAt: '',
        steps: [{ name: 'one', host: 'local', line: 3, teardown: false, command: 'true' }],
      },
      { type: 'run-end', result: { status: 'passed', steps: [passed], teardown: [], durationMs: 1 } },
      { type: 'tutorial-problem', tutorial: 'a', file: 'tutorials/a.md', message: 'obsolete snapshot snapshots/a/old.txt' },
    ]);
    expect(report.tutorials).toHaveLength(1);
    expect(report.tutorials[0]).toMatchObject({ status: 'failed', problems: ['obsolete snapshot snapshots/a/old.txt'] });
  });

  it('turns back into report events that rebuild the same report (what merge-reports writes and reads)', () => {
    const report = build(sampleEvents({ output: `${'x\n'.repeat(300)}` }));
    const again = build(JSON.parse(JSON.stringify(reportEvents(report))) as ReportEvent[]);
    expect(again).toEqual(report);
  });
});
