import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Step, Target, Tutorial } from '../../src/format/tutorial.js';
import type { Plan, PlannedStep } from '../../src/plan/plan-steps.js';
import type { RunEvent, RunResult } from '../../src/run/events.js';
import { HostPool } from '../../src/run/host-pool.js';
import { runPlan } from '../../src/run/run-plan.js';
import { Scratch, taggedProcesses } from './helpers.js';

const scratch = new Scratch();
const pools: { pool: HostPool; tag: string }[] = [];

afterEach(async () => {
  const open = pools.splice(0);
  await Promise.all(open.map(({ pool }) => pool.close()));
  const survivors = open.flatMap(({ tag }) => taggedProcesses(tag));
  for (const pid of survivors) process.kill(pid, 'SIGKILL');
  expect(survivors).toEqual([]);
  expect(await scratch.cleanup()).toEqual([]);
});

const TARGET: Target = { name: 'test', hosts: {}, variables: {} };

function tutorial(steps: Step[]): Tutorial {
  return {
    id: 'exec-test',
    file: 'exec-test.md',
    title: 'Executor test',
    requires: [],
    targets: {},
    variables: {},
    steps,
    frontMatterLine: 0,
  };
}

/** A planned step on the local host; `line` is where its command starts in the (imaginary) file. */
function step(name: string, command: string, extra: Partial<PlannedStep> = {}): PlannedStep {
  return {
    name,
    section: 'Test',
    prose: '',
    kind: 'script',
    command,
    line: 10,
    host: 'local',
    background: false,
    exit: 0,
    expect: 'none',
    confirm: false,
    teardown: false,
    interactive: false,
    hostSpec: { kind: 'local' },
    timeoutMs: 20_000,
    ...extra,
  };
}

function plan(workDir: string, steps: PlannedStep[], teardown: PlannedStep[] = []): Plan {
  return { tutorial: tutorial([...steps, ...teardown]), target: TARGET, projectRoot: workDir, workDir, steps, teardown };
}

interface Run {
  result: RunResult;
  events: RunEvent[];
  pool: HostPool;
  logDir: string;
}

async function run(
  thePlan: Plan,
  options: { secrets?: string[]; cleanup?: boolean; pool?: HostPool; variables?: Record<string, string> } = {},
): Promise<Run> {
  const tag = randomBytes(6).toString('hex');
  const pool = options.pool ?? new HostPool(thePlan.workDir, { ...process.env, ALTS_TEST_TAG: tag });
  if (!options.pool) pools.push({ pool, tag });
  const logDir = scratch.dir();
  const variables = options.variables ?? {};
  await pool.setVariables(Object.entries(variables).map(([name, value]) => ({ name, value, secret: false })));
  const events: RunEvent[] = [];
  const result = await runPlan({
    plan: thePlan,
    hosts: pool,
    sessionId: 'test-session',
    logDir,
    secrets: options.secrets ?? [],
    variables,
    cleanup: options.cleanup ?? false,
    onEvent: (event) => events.push(event),
  });
  return { result, events, pool, logDir };
}

/** A pool whose shells carry a tag, registered for cleanup. */

/**
 * A background step with no `ready` is watched for its first second (EARLY_EXIT_MS): a job that
 * ends badly in it fails the step, with its status and the end of its output.
 */
describe('a background step with no ready', () => {
  it('fails when its process exits non-zero at once, with its status and output', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(dir, [step('server', 'echo "bind: address in use" >&2; exit 3', { background: true }), step('after', 'touch after')]),
    );
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ status: 'failed' });
    expect(result.steps[0]?.reason).toBe(
      'the background step exited with status 3 within its first second; its output ended with:\nbind: address in use',
    );
    expect(result.steps[1]?.status).toBe('not-run');
    expect(existsSync(join(dir, 'after'))).toBe(false);
  });

  it('fails when it is killed by a signal at once', async () => {
    const dir = scratch.dir();
    const { result } = await run(plan(dir, [step('server', 'kill -KILL $BASHPID', { background: true })]));
    expect(result.steps[0]?.status).toBe('failed');
    expect(result.steps[0]?.reason).toBe('the background step was killed within its first second (it printed nothing)');
  });

  it('passes when it exits 0 at once, and says so in its output', async () => {
    const dir = scratch.dir();
    const { result } = await run(plan(dir, [step('job', 'echo done', { background: true }), step('after', 'touch after')]));
    expect(result.status).toBe('passed');
    expect(result.steps[0]?.output).toBe('done\nalts-tutor: the background step exited with status 0 at once: nothing is left running\n');
    expect(existsSync(join(dir, 'after'))).toBe(true);
  });

  it('passes when it is still running after its first second', async () => {
    const dir = scratch.dir();
    const { result } = await run(plan(dir, [step('server', 'sleep 30', { background: true }), step('after', 'touch after')]));
    expect(result.status).toBe('passed');
    expect(result.steps[0]?.status).toBe('passed');
    expect(existsSync(join(dir, 'after'))).toBe(true);
  });
});
