import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPARE_LIMIT_BYTES, OutputChecker } from '../../src/check/output-checker.js';
import { UserError } from '../../src/errors.js';
import { HostPool } from '../../src/run/host-pool.js';
import { StepRunner } from '../../src/run/step-runner.js';
import { plannedStep, testPlan } from '../ui/helpers.js';
import { Scratch } from './helpers.js';

const scratch = new Scratch();
afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

const step = plannedStep('huge', { kind: 'script', command: 'yes | head -c 20000000', line: 3, expect: 'none' });

describe('accepting a step output as its expected output (the TUI u, test -i)', () => {
  it('refuses an output past the compare limit without reading its log', async () => {
    const dir = scratch.dir();
    const plan = testPlan([step]);
    const checker = new OutputChecker({
      place: { projectRoot: dir, tutorialId: 'accept', target: 'local' },
      file: 'accept.md',
      targetCount: 1,
      variables: {},
      secrets: [],
      update: false,
    });
    const hosts = new HostPool(dir, process.env, undefined, undefined);
    const runner = new StepRunner({
      plan,
      hosts,
      sessionId: 's',
      logDir: dir,
      variables: {},
      secrets: [],
      checker,
      cleanup: false,
      onEvent: () => {},
    });
    const result = {
      name: step.name,
      status: 'failed' as const,
      expectedExit: 0,
      timedOut: false,
      durationMs: 1,
      attempts: 1,
      output: 'y\n'.repeat(100),
      outputBytes: COMPARE_LIMIT_BYTES + 5 * 1024 * 1024,
      // Not there: reading it would fail with ENOENT instead of saying why.
      logPath: join(dir, 'missing.log'),
    };
    const accepted = runner.acceptOutput(step, result);
    await expect(accepted).rejects.toThrow(UserError);
    await expect(accepted).rejects.toThrow(
      /too large to keep as its expected output \(21\.0 MB > 16\.0 MB\); its whole output is in its log/,
    );
    await hosts.close();
  });
});
