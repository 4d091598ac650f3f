import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { matchOutput } from '../../src/check/match-output.js';
import { SnapshotIndex } from '../../src/check/snapshots.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step, Target } from '../../src/format/tutorial.js';
import { resolveVariables } from '../../src/plan/resolve-variables.js';

/**
 * The envoy-tproxy tutorial's `lab` steps, run for real: three network namespaces wired as the
 * tutorial's lab target says (client 192.0.2.10 — 192.0.2.1 router 198.51.100.1 — 198.51.100.10
 * web), each step's own command run in its host's namespace in the tutorial's order, its output
 * held against the snapshot or the output the tutorial shows, with the project's own matcher.
 * The namespaces are this test's (prefix attp), not the lab's.
 */

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stepsDir = join(projectRoot, 'steps', 'envoy-tproxy');
const tutorialFile = join(projectRoot, 'tutorials', 'envoy-tproxy.md');

const labId = `attp${process.pid % 100_000}`;
const namespaces: Record<string, string> = { client: `${labId}-client`, router: `${labId}-router`, web: `${labId}-web` };

interface Outcome {
  code: number;
  output: string;
}

function ip(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** The topology of the tutorial's lab target, built with the same addresses and routes. */
async function buildLab(): Promise<void> {
  for (const ns of Object.values(namespaces)) {
    await ip('netns', 'add', ns);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  const { client, router, web } = namespaces as { client: string; router: string; web: string };
  // Both ends are made inside the namespaces: the machine's own interfaces never change.
  await ip('-n', router, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
  await ip('-n', router, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', web);
  const addresses: Array<[string, string, string]> = [
    [client, 'eth0', '192.0.2.10/24'],
    [router, 'eth0', '192.0.2.1/24'],
    [router, 'eth1', '198.51.100.1/24'],
    [web, 'eth0', '198.51.100.10/24'],
  ];
  for (const [ns, device, address] of addresses) {
    await ip('-n', ns, 'addr', 'add', address, 'dev', device);
    await ip('-n', ns, 'link', 'set', device, 'up');
  }
  await ip('-n', client, 'route', 'add', 'default', 'via', '192.0.2.1');
  await ip('-n', web, 'route', 'add', 'default', 'via', '198.51.100.1');
}

async function removeLab(): Promise<void> {
  const existing = await ip('netns', 'list').catch(() => '');
  for (const ns of Object.values(namespaces)) {
    if (!existing.split('\n').some((line) => line.split(' ')[0] === ns)) continue;
    const pids = await ip('netns', 'pids', ns).catch(() => '');
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {}
    }
    await ip('netns', 'del', ns).catch(() => undefined);
  }
}

/** A process started in a host's namespace, in a process group of its own. */
function startInHost(host: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const ns = namespaces[host];
  if (!ns) throw new Error(`no host ${host}`);
  // As the runner does: stderr with stdout, and a script stops at its first failing command.
  const wrapped = `exec 2>&1\nset -euo pipefail\n${script}`;
  return spawn('ip', ['netns', 'exec', ns, 'bash', '--noprofile', '--norc', '-c', wrapped], {
    cwd: stepsDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function runInHost(host: string, script: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = startInHost(host, script, env);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => stopGroup(child), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128, output });
    });
  });
}

interface Background {
  child: ChildProcess;
  output(): string;
}

const running: Background[] = [];

/** Starts a background step and resolves once its output matches `ready`. */
function startBackground(host: string, script: string, env: NodeJS.ProcessEnv, ready: RegExp): Promise<Background> {
  return new Promise((resolve, reject) => {
    const child = startInHost(host, script, env);
    let output = '';
    const background = { child, output: () => output };
    running.push(background);
    const timer = setTimeout(() => reject(new Error(`not ready after 15s; output:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(background);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready; output:\n${output}`));
    });
  });
}

function stopGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  } catch {}
}

async function stopAll(): Promise<void> {
  const stopping = running.splice(0).map(
    ({ child }) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('close', () => resolve());
        stopGroup(child);
      }),
  );
  await Promise.all(stopping);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const tutorial = parseTutorial(readFileSync(tutorialFile, 'utf8'), tutorialFile, 'envoy-tproxy');
const lab = tutorial.targets.lab as Target;
const labSteps = tutorial.steps.filter((step) => !step.targets || step.targets.includes('lab'));
const snapshots = new SnapshotIndex({ projectRoot, tutorialId: 'envoy-tproxy', target: 'lab' }, Object.keys(tutorial.targets).length);

function expectedLines(step: Step): string[] | undefined {
  return snapshots.read(step.name)?.lines ?? step.expected?.lines;
}

let logDir = '';

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'attp-envoy-tproxy-'));
  await removeLab();
  await buildLab();
});

afterAll(async () => {
  await stopAll();
  await removeLab();
  rmSync(logDir, { recursive: true, force: true });
});

describe('envoy-tproxy, lab target, in namespaces', () => {
  test('every step prints what the tutorial expects; the proxy sees the original destination and the web server the client', async () => {
    const resolved = await resolveVariables(tutorial.variables, lab, {
      options: { LOG_DIR: join(logDir, 'run') },
      environment: {},
      runDefault: async () => undefined,
    });
    const variables = Object.fromEntries(resolved.map((variable) => [variable.name, variable.value]));
    expect(variables).toMatchObject({ WEB_IP: '198.51.100.10', CLIENT_IP: '192.0.2.10', ROUTER_IP: '192.0.2.1' });
    const env = { ...process.env, ...variables };
    const outputs = new Map<string, string>();

    const runStep = async (step: Step) => {
      const attempts = step.retry?.attempts ?? 1;
      let outcome: Outcome = { code: -1, output: '' };
      let matched = false;
      const expected = expectedLines(step);
      for (let attempt = 1; attempt <= attempts && !matched; attempt++) {
        if (attempt > 1) await sleep(step.retry?.delay ?? 0);
        outcome = await runInHost(step.host, step.command, env);
        matched =
          outcome.code === step.exit &&
          (expected === undefined || matchOutput(expected, outcome.output, { mode: step.expect, variables }).ok);
      }
      outputs.set(step.name, outcome.output);
      expect(outcome.code, `${step.name} exit status; output:\n${outcome.output}`).toBe(step.exit);
      // As under --ci: a step that prints something has something to be compared with.
      if (outcome.output.trim() !== '') expect(expected, `${step.name} printed output but expects none`).toBeDefined();
      expect(matched, `${step.name} output does not match its expectation:\n${outcome.output}`).toBe(true);
    };

    const teardown = labSteps.filter((step) => step.teardown);
    for (const step of labSteps.filter((candidate) => !candidate.teardown)) {
      if (!step.background) {
        await runStep(step);
        continue;
      }
      const ready = step.ready?.kind === 'output' ? step.ready.pattern : undefined;
      expect(ready, `${step.name} has an output readiness`).toBeDefined();
      await startBackground(step.host, step.command, env, ready as RegExp);
    }
    expect([...outputs.keys()]).toEqual(['forwarding', 'check-tproxy', 'iptables', 'routes', 'next-hop', 'curl', 'proxy-log', 'web-log']);

    // What the tutorial is there to show, said once more in plain words.
    expect(outputs.get('check-tproxy')).toContain('TPROXY target: ok');
    expect(outputs.get('curl')).toContain('200 from 198.51.100.10:80');
    expect(outputs.get('proxy-log')).toContain("original destination 198.51.100.10:80, from the socket's local address (TPROXY: no NAT)");
    expect(outputs.get('proxy-log')).toContain('connecting to 198.51.100.10:80 from 192.0.2.10 (original source)');
    expect(outputs.get('web-log')).toMatch(/^192\.0\.2\.10 - - \[.*\] "GET \/ HTTP\/1\.1" 200 -$/m);

    // The run stops background steps before its teardown steps; nothing of them is left.
    await stopAll();
    for (const ns of Object.values(namespaces)) expect(await ip('netns', 'pids', ns)).toBe('');

    for (const step of [...teardown].reverse()) await runStep(step);
    expect(teardown.map((step) => step.name)).toEqual(['clean-router', 'clean-web']);
    const router = async (script: string) => (await runInHost('router', script, env)).output;
    expect(await router('iptables -t mangle -S')).not.toMatch(/DIVERT|TPROXY/);
    expect(await router('ip rule list')).not.toContain('lookup 100');
    expect(await router('ip route show table 100')).toBe('');
    expect(existsSync(join(logDir, 'run'))).toBe(false);
  }, 120_000);

  test('under REDIRECT the stand-in takes SO_ORIGINAL_DST, and without original_src the web server sees the router', async () => {
    const dir = join(logDir, 'redirect');
    const env = { ...process.env, LOG_DIR: dir };
    // Whatever the test before left, even when it failed half way: no TPROXY rules, nothing running.
    await stopAll();
    expect((await runInHost('router', './clean_router.sh', env)).code).toBe(0);
    await startBackground('web', './serve_web.sh "$LOG_DIR"', env, /Serving HTTP/);
    const nat = 'iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 15001';
    expect((await runInHost('router', `./enable_forwarding.sh\n${nat}`, env)).code).toBe(0);
    const proxy = await startBackground(
      'router',
      'python3 ./original_destination.py --no-original-src',
      env,
      /starting main dispatch loop/,
    );

    const curl = await runInHost('client', 'curl -sS http://198.51.100.10/', env);
    expect(curl).toEqual({ code: 0, output: 'hello from web\n' });
    expect(proxy.output()).toContain('local address 192.0.2.1:15001, SO_ORIGINAL_DST 198.51.100.10:80');
    expect(proxy.output()).toContain(
      'original destination 198.51.100.10:80, from SO_ORIGINAL_DST (the destination was rewritten: REDIRECT/DNAT)',
    );
    expect(proxy.output()).toContain("connecting to 198.51.100.10:80 from this host's own address");
    expect(readFileSync(join(dir, 'web.log'), 'utf8')).toMatch(/^198\.51\.100\.1 - - \[.*\] "GET \/ HTTP\/1\.1" 200 -$/m);

    // A connection made to the proxy's own port is not forwarded back to itself.
    const direct = await runInHost('client', 'curl -sS -m 5 http://192.0.2.1:15001/', env);
    // Closed with the request unread: curl sees an empty reply (52) or a reset (56).
    expect([52, 56]).toContain(direct.code);
    expect(proxy.output()).toContain('192.0.2.1:15001 is the proxy itself; closing');
    // With conntrack at work (the nat table), SO_ORIGINAL_DST of a connection nobody rewrote is its local address.
    expect(proxy.output()).toContain('local address 192.0.2.1:15001, SO_ORIGINAL_DST 192.0.2.1:15001');

    await stopAll();
    expect((await runInHost('router', 'iptables -t nat -F', env)).code).toBe(0);
  }, 60_000);
});
