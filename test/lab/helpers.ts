import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontMatter } from '../../src/format/front-matter.js';
import type { LabTopology } from '../../src/format/tutorial.js';
import type { Lab } from '../../src/lab/lab.js';
import { removeNetnsLab } from '../../src/lab/lab-netns.js';
import { processesIn } from '../../src/lab/lab-processes.js';
import { LabRegistry } from '../../src/lab/lab-registry.js';
import { isAlive } from '../support/processes.js';

/** The lab topology of a front matter's `lab` target. */
export function topologyOf(yaml: string): LabTopology {
  const topology = parseFrontMatter(yaml, 'test.md', 2).targets.lab?.lab;
  if (!topology) throw new Error('no lab topology');
  return topology;
}

/** Runs a script in a lab host's shell (the command the host pool starts) and collects it. */
export async function runInHost(lab: Lab, host: string, script: string): Promise<{ status: number | null; output: string }> {
  const layout = await lab.ready();
  const namespace = (layout.hostNamespaces.get(host) ?? '').slice(layout.id.length + 1);
  const [program, ...args] = await lab.shellCommand(host, namespace);
  const result = spawnSync(program as string, args, { input: script, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Everything on this machine whose name starts with `prefix`: what a teardown must leave at zero. */
export function traces(prefix: string): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir).filter((name) => name.startsWith(prefix));
    } catch {
      return [];
    }
  };
  return [
    ...list('/run/netns').map((name) => `namespace ${name}`),
    ...list('/etc/netns').map((name) => `/etc/netns/${name}`),
    ...list('/run/alts-tutor/labs').map((name) => `owner record ${name}`),
    ...readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((line) => line.includes(`/${prefix}`))
      .map((line) => `mount ${line}`),
    ...spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => line.includes(prefix))
      .map((line) => `link ${line}`),
  ];
}

/** The lab namespaces whose names start with `prefix`, sorted. */
export function namespacesWith(prefix: string): string[] {
  return readdirSync('/run/netns')
    .filter((name) => name.startsWith(prefix))
    .sort();
}

/** The processes in these (root) lab namespaces. */
export function processesInNamespaces(namespaces: string[]): number[] {
  return processesIn(
    'net',
    namespaces.map((ns) => `/run/netns/${ns}`),
  );
}

/**
 * The processes of `pids` still alive, once they had a moment to die: a SIGKILL is delivered,
 * not done, when `kill` returns.
 */
export async function survivors(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 2000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return pids.filter(isAlive);
}

/** Removes every lab with this (test-only) prefix, whoever owns it: for afterAll. */
export function sweep(prefix: string): void {
  const ids = new Set<string>();
  for (const dir of ['/run/netns', '/etc/netns', '/run/alts-tutor/labs']) {
    try {
      for (const name of readdirSync(dir)) if (name.startsWith(prefix)) ids.add(name.slice(0, prefix.length + 4));
    } catch {
      // No such directory.
    }
  }
  for (const id of ids) removeNetnsLab(id, new LabRegistry('/run/alts-tutor/labs'));
}

/**
 * A stand-in for the ALTS handshaker emulator (its author tests the real one), written into `dir`:
 * listens where it is told, says so, and logs each connection with the account its source
 * address maps to.
 */
export function standInHandshaker(dir: string): string[] {
  const script = join(dir, 'stand-in.mjs');
  writeFileSync(
    script,
    `import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const [host, port] = arg('--listen').split(':');
const accounts = JSON.parse(readFileSync(arg('--accounts'), 'utf8'));
createServer((socket) => {
  console.log('connection from ' + socket.remoteAddress + ' as ' + (accounts[socket.remoteAddress] ?? 'nobody'));
  socket.end('ok\\n');
}).listen(Number(port), host, () => console.log('listening on ' + host + ':' + port));
`,
  );
  return [process.execPath, script];
}

/** Starts a process, returning its pid once it has printed `ready`. */
export function startUntil(command: readonly string[], ready: string): Promise<{ pid: number; stop(): void }> {
  const [program, ...args] = command;
  const child = spawn(program as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(ready)) resolve({ pid: child.pid ?? 0, stop: () => child.kill('SIGKILL') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before "${ready}": ${output}`)));
  });
}
