import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

// Every script any tutorial's steps run, checked the way a reviewer would before running it.
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stepsDir = join(projectRoot, 'steps');

function filesEndingIn(extension: string): string[] {
  return readdirSync(stepsDir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith(extension) && !path.split('/').includes('node_modules'))
    .map((path) => join(stepsDir, path))
    .sort();
}

interface Outcome {
  code: number;
  output: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const shellScripts = filesEndingIn('.sh');
const pythonScripts = filesEndingIn('.py');
const name = (path: string) => relative(projectRoot, path);

describe('shell scripts under steps/', () => {
  test('there are some (the envoy-tproxy tutorial has several)', () => {
    expect(shellScripts.map(name)).toContain('steps/envoy-tproxy/create_iptables.sh');
  });

  test.each(shellScripts.map((path) => [name(path), path]))('%s parses (bash -n)', async (_, path) => {
    const outcome = await run('bash', ['-n', path]);
    expect(outcome.output).toBe('');
    expect(outcome.code).toBe(0);
  });

  // -x follows `source` of files next to the script, so that shellcheck sees what they define.
  test.each(shellScripts.map((path) => [name(path), path]))('%s passes shellcheck', async (_, path) => {
    const outcome = await run('shellcheck', ['-x', basename(path)], { cwd: dirname(path) });
    expect(outcome.output).toBe('');
    expect(outcome.code).toBe(0);
  });
});

describe('python scripts under steps/', () => {
  // py_compile writes a .pyc; the prefix keeps it out of the project tree.
  const cacheDir = mkdtempSync(join(tmpdir(), 'attp-pycache-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('there are some (the SO_ORIGINAL_DST script)', () => {
    expect(pythonScripts.map(name)).toContain('steps/envoy-tproxy/original_destination.py');
  });

  test.each(pythonScripts.map((path) => [name(path), path]))('%s compiles (python3 -m py_compile)', async (_, path) => {
    const outcome = await run('python3', ['-m', 'py_compile', path], { env: { ...process.env, PYTHONPYCACHEPREFIX: cacheDir } });
    expect(outcome.output).toBe('');
    expect(outcome.code).toBe(0);
  });
});
