import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Step, Target, Tutorial } from '../../src/format/tutorial.js';
import type { Plan, PlannedStep } from '../../src/plan/plan-steps.js';
import type { RunEvent, RunResult } from '../../src/run/events.js';
import { HostPool } from '../../src/run/host-pool.js';
import { runPlan } from '../../src/run/run-plan.js';
import { freePort, Scratch, taggedProcesses } from './helpers.js';

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
  options: {
    secrets?: string[];
    cleanup?: boolean;
    pool?: HostPool;
    variables?: Record<string, string>;
    onEvent?: (event: RunEvent) => void;
  } = {},
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
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { result, events, pool, logDir };
}

/** A pool whose shells carry a tag, registered for cleanup. */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A listener of this test process: somebody else's server, as far as a step is concerned. */
function foreignListener(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

const nodeListener = (port: number) => `node -e "require('net').createServer().listen(${port}, '127.0.0.1')"`;

describe('ready=port:N counts only the step’s own listener', () => {
  it('fails at once, naming the process, when the port is taken before the step starts', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    await foreignListener(port);
    const { result } = await run(
      plan(dir, [step('server', 'touch started; sleep 30', { background: true, ready: { kind: 'port', port } })]),
    );
    expect(result.steps[0]?.status).toBe('failed');
    expect(result.steps[0]?.reason).toMatch(
      new RegExp(`^port ${port} is already in use by pid ${process.pid} \\(.+\\) before the step started$`),
    );
  });

  it('is not ready when somebody else starts listening while the step runs', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    let listening: Promise<void> | undefined;
    const { result } = await run(
      plan(dir, [step('server', 'echo started; sleep 30', { background: true, ready: { kind: 'port', port }, timeoutMs: 1500 })]),
      {
        onEvent: (event) => {
          if (event.type === 'output' && !listening) listening = foreignListener(port);
        },
      },
    );
    expect(listening).toBeDefined();
    expect(result.steps[0]).toMatchObject({ status: 'failed', timedOut: true });
  });

  it('is ready when a process of the step listens, even one in a session of its own', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const { result } = await run(
      plan(dir, [
        step('server', `setsid ${nodeListener(port)}`, { background: true, ready: { kind: 'port', port } }),
        step('after', 'true'),
      ]),
    );
    expect(result.status).toBe('passed');
  });
});
