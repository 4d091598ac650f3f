import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step, Target, Tutorial } from '../../src/format/tutorial.js';
import { type Plan, type PlannedStep, planSteps } from '../../src/plan/plan-steps.js';
import type { RunEvent, RunResult } from '../../src/run/events.js';
import { HostPool } from '../../src/run/host-pool.js';
import { runPlan } from '../../src/run/run-plan.js';
import { freePort, isAlive, readPid, Scratch, taggedProcesses, waitFor } from './helpers.js';

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
function taggedPool(workDir: string): HostPool {
  const tag = randomBytes(6).toString('hex');
  const pool = new HostPool(workDir, { ...process.env, ALTS_TEST_TAG: tag });
  pools.push({ pool, tag });
  return pool;
}

describe('runPlan', () => {
  it('carries shell state from step to step, for script and command steps', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(dir, [
        step('set', 'mkdir -p sub && cd sub\nCOUNT=1\nexport MODE=fast\nitems=(a b)\nbump() { COUNT=$((COUNT + 1)); }'),
        step('use', 'bump', { kind: 'command' }),
        step('check', 'echo "$COUNT $MODE ${items[1]} $(basename "$PWD")"'),
      ]),
    );
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    expect(result.steps[2]?.output).toBe('2 fast b sub\n');
  });

  it('stops at a failing step, reports its line in the file, and runs nothing after it', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(dir, [step('ok', 'true'), step('bad', 'echo one\nfalse\necho two', { line: 20 }), step('after', 'touch after')]),
    );
    expect(result.status).toBe('failed');
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'not-run']);
    expect(result.steps[1]).toMatchObject({ exitCode: 1, errorLine: 2, output: 'one\n' });
    expect(result.steps[1]?.reason).toBe('exit status 1, expected 0 at line 21');
    expect(existsSync(join(dir, 'after'))).toBe(false);
  });

  it('passes a step that exits with its expected status', async () => {
    const dir = scratch.dir();
    const { result } = await run(plan(dir, [step('expect-3', 'echo x; exit 3', { exit: 3 })]));
    expect(result.steps[0]).toMatchObject({ status: 'passed', exitCode: 3 });
  });

  it('fails a step that runs past its timeout and kills what it started', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(dir, [step('slow', `bash -c 'sleep 60 & echo $! > grandchild.pid; sleep 60'`, { timeoutMs: 500 }), step('after', 'true')]),
    );
    expect(result.steps[0]).toMatchObject({ status: 'failed', timedOut: true });
    expect(result.steps[0]?.reason).toMatch(/^timed out after/);
    expect(result.steps[1]?.status).toBe('not-run');
    expect(await waitFor(() => !isAlive(readPid(join(dir, 'grandchild.pid'))))).toBe(true);
  });

  it('writes each step output to its log and masks secrets everywhere', async () => {
    const dir = scratch.dir();
    const secret = 'pa55-w0rd-4242';
    const pool = taggedPool(dir);
    await pool.setVariables([{ name: 'API_TOKEN', value: secret, secret: true }]);
    const { result, events } = await run(plan(dir, [step('show', 'echo "token: $API_TOKEN"\necho "done"')]), { secrets: [secret], pool });
    expect(result.steps[0]?.output).toBe('token: [SECRET]\ndone\n');
    const logPath = result.steps[0]?.logPath ?? '';
    expect(readFileSync(logPath, 'utf8')).toBe('token: [SECRET]\ndone\n');
    const live = events.flatMap((event) => (event.type === 'output' ? [event.text] : [])).join('');
    expect(live).toBe('token: [SECRET]\ndone\n');
  });

  it('runs teardown steps in reverse order after a passing run', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(
        dir,
        [step('main', 'echo main >> order')],
        [step('first-down', 'echo first >> order'), step('second-down', 'echo second >> order')],
      ),
    );
    expect(result.status).toBe('passed');
    expect(readFileSync(join(dir, 'order'), 'utf8')).toBe('main\nsecond\nfirst\n');
  });

  it('runs teardown after a failure only with cleanup', async () => {
    const without = scratch.dir();
    await run(plan(without, [step('bad', 'false')], [step('down', 'touch torn-down')]));
    expect(existsSync(join(without, 'torn-down'))).toBe(false);
    const withCleanup = scratch.dir();
    const { result } = await run(plan(withCleanup, [step('bad', 'false')], [step('down', 'touch torn-down')]), { cleanup: true });
    expect(result.status).toBe('failed');
    expect(result.teardown[0]?.status).toBe('passed');
    expect(existsSync(join(withCleanup, 'torn-down'))).toBe(true);
  });
});

describe('runPlan with background steps', () => {
  it('goes on once each kind of readiness holds, and stop=<name> stops one job', async () => {
    const dir = scratch.dir();
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    const tcpServer = `python3 -c "import socket, time
time.sleep(0.3)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', ${tcpPort})); s.listen()
while True: s.accept()[0].close()" & echo $! > tcp.pid; wait`;
    const { result, events } = await run(
      plan(dir, [
        step('web', `python3 -m http.server ${httpPort} --bind 127.0.0.1 & echo $! > web.pid; wait`, {
          background: true,
          ready: { kind: 'http', url: `http://127.0.0.1:${httpPort}/` },
        }),
        step('tcp', tcpServer, { background: true, ready: { kind: 'port', port: tcpPort } }),
        step('log', 'sleep 0.2; echo "worker up"; echo $BASHPID > log.pid; sleep 60', {
          background: true,
          ready: { kind: 'output', pattern: /worker up/ },
        }),
        step('fetch', `curl -sf -o /dev/null -w '%{http_code}' http://127.0.0.1:${httpPort}/`, { kind: 'command' }),
        step('stop-web', 'echo stopped', { kind: 'command', stop: 'web' }),
        step('after-stop', `curl -s http://127.0.0.1:${httpPort}/ || echo "refused $?"`, { kind: 'command' }),
      ]),
    );
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'web:passed',
      'tcp:passed',
      'log:passed',
      'fetch:passed',
      'stop-web:passed',
      'after-stop:passed',
    ]);
    expect(events.filter((event) => event.type === 'step-ready').map((event) => event.step.name)).toEqual(['web', 'tcp', 'log']);
    expect(result.steps[2]?.output).toBe('worker up\n');
    expect(result.steps[3]?.output).toBe('200');
    // Nothing from the stopped job (no "Terminated" notice) in the next steps' output.
    expect(result.steps[4]?.output).toBe('stopped\n');
    expect(result.steps[5]?.output).toBe('refused 7\n');
    expect(isAlive(readPid(join(dir, 'web.pid')))).toBe(false);
    // The other background jobs ran until the run ended, which stops them.
    const others = [readPid(join(dir, 'tcp.pid')), readPid(join(dir, 'log.pid'))];
    expect(await waitFor(() => others.every((pid) => !isAlive(pid)))).toBe(true);
  });

  it('fails a background step that exits before it is ready, and runs nothing after it', async () => {
    const dir = scratch.dir();
    const { result } = await run(
      plan(dir, [
        step('server', 'echo "config error"; exit 3', { background: true, ready: { kind: 'output', pattern: /listening/ } }),
        step('after', 'touch after'),
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ status: 'failed', timedOut: false, output: 'config error\n' });
    expect(result.steps[0]?.reason).toBe(
      'the background step exited with status 3 before it was ready; waited for output matching /listening/',
    );
    expect(result.steps[1]?.status).toBe('not-run');
    expect(existsSync(join(dir, 'after'))).toBe(false);
  });

  it('fails a background step that is not ready in time and kills it', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const { result } = await run(
      plan(dir, [step('server', 'echo $BASHPID > job.pid; sleep 60', { background: true, ready: { kind: 'port', port }, timeoutMs: 500 })]),
    );
    expect(result.steps[0]).toMatchObject({ status: 'failed', timedOut: true });
    expect(result.steps[0]?.reason).toMatch(new RegExp(`^not ready after \\d+m?s .*; waited for port ${port} accepting connections$`));
    expect(await waitFor(() => !isAlive(readPid(join(dir, 'job.pid'))))).toBe(true);
  });

  it('runs a Markdown tutorial with a background server whose port is a variable, a check and a stop step', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const markdown = [
      '# Serve',
      '',
      'Start a server:',
      '',
      '```sh { name=serve background=true ready="port:${PORT}" timeout=10s }',
      'python3 -m http.server "$PORT" --bind 127.0.0.1 & echo $! > server.pid; wait',
      '```',
      '',
      '```sh { name=check }',
      'echo checking',
      'curl -sf -o /dev/null "http://127.0.0.1:$PORT/"',
      'SERVED=yes',
      '```',
      '',
      '```sh { name=done stop=serve }',
      'echo "served=$SERVED"',
      '```',
      '',
    ].join('\n');
    const parsed = parseTutorial(markdown, 'serve.md', 'serve');
    const thePlan = planSteps(parsed, { name: 'local', hosts: {}, variables: {} }, dir, dir);
    const { result, logDir } = await run(thePlan, { variables: { PORT: String(port) } });
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['serve:passed', 'check:passed', 'done:passed']);
    expect(result.steps[2]?.output).toBe('served=yes\n');
    expect(isAlive(readPid(join(dir, 'server.pid')))).toBe(false);
    expect(readdirSync(logDir).length).toBeGreaterThanOrEqual(2);
  });
});
