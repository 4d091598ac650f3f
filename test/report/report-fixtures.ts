import type { ReportEvent } from '../../src/report/report-events.js';
import type { StepResult } from '../../src/run/events.js';

/** A step result with defaults for what a test does not care about. */
export function stepResult(name: string, fields: Partial<StepResult> = {}): StepResult {
  const output = fields.output ?? '';
  return {
    name,
    status: 'passed',
    expectedExit: 0,
    timedOut: false,
    durationMs: 12,
    attempts: 1,
    output,
    outputBytes: Buffer.byteLength(output),
    ...fields,
  };
}

/**
 * The events of a `test` of three tutorials: `greet` ran and failed its second step (a
 * mismatch), `cloudy` was skipped, `broken` could not run.
 */
export function sampleEvents(overrides: { title?: string; stepName?: string; output?: string; diff?: string } = {}): ReportEvent[] {
  const failing = overrides.stepName ?? 'two';
  const one = stepResult('one', { output: 'hi\n', check: 'matched' });
  const two = stepResult(failing, {
    status: 'failed',
    exitCode: 0,
    reason: 'output differs from tutorials/greet.md:10',
    diff: overrides.diff ?? '--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-hello\n+goodbye\n',
    output: overrides.output ?? 'goodbye\n',
    logPath: '/state/sessions/s1/logs/002-two.log',
  });
  const down = stepResult('down', { status: 'passed', output: '' });
  const last = stepResult('last', { status: 'not-run', durationMs: 0 });
  return [
    {
      type: 'run-start',
      sessionId: 'greet-20261203-100000-abcd',
      tutorial: 'greet',
      title: overrides.title ?? 'Greetings',
      target: 'local',
      file: 'tutorials/greet.md',
      startedAt: '2026-12-03T10:00:00.000Z',
      steps: [
        { name: 'one', host: 'local', line: 5, teardown: false, command: 'echo hi' },
        { name: failing, host: 'local', line: 9, teardown: false, command: 'echo goodbye' },
        { name: 'last', host: 'local', line: 14, teardown: false, command: 'true' },
        { name: 'down', host: 'local', line: 20, teardown: true, command: 'rm -f x' },
      ],
    },
    { type: 'step-start', step: 'one', attempt: 1 },
    { type: 'output', step: 'one', text: 'hi\n' },
    { type: 'step-end', step: 'one', result: one },
    { type: 'step-end', step: failing, result: two },
    { type: 'step-end', step: 'down', result: down },
    { type: 'run-end', result: { status: 'failed', steps: [one, two, last], teardown: [down], durationMs: 40 } },
    { type: 'tutorial-skipped', tutorial: 'cloudy', file: 'tutorials/cloudy.md', reason: 'no target lab' },
    {
      type: 'tutorial-problem',
      tutorial: 'broken',
      file: 'tutorials/broken.md',
      message: 'tutorials/broken.md:3: unknown attribute "colour"',
    },
  ];
}
