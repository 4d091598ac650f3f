import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostSpec } from '../../src/format/tutorial.js';
import { Lab } from '../../src/lab/lab.js';
import { HostPool } from '../../src/run/host-pool.js';
import { runStep } from '../execute/helpers.js';
import { sweep, topologyOf, traces } from './helpers.js';

const PREFIX = 'atltb-';

describe('the persistent shell of a lab host', () => {
  // No networks given: both hosts are on the default network, from 192.0.2.10 up.
  const topology = topologyOf('targets:\n  lab:\n    hosts: { alpha: { netns: alpha }, beta: { netns: beta } }\n');
  const dir = mkdtempSync(join(tmpdir(), 'atlt-shell-'));
  const lab = new Lab({ topology, prefix: PREFIX, dir, env: process.env });
  const pool = new HostPool(tmpdir(), process.env, lab);
  const spec = (name: string): HostSpec => ({ kind: 'netns', namespace: name });

  afterAll(async () => {
    await pool.close();
    lab.tearDownNow();
    sweep(PREFIX);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is bash itself, started by the runner (under its supervisor), inside the host', async () => {
    const shell = await pool.get('alpha', spec('alpha'));
    const { output } = await runStep(shell, 'command', 'cat /proc/$$/comm; cut -d" " -f4 /proc/$PPID/stat; hostname');
    expect(output).toBe(`bash\n${process.pid}\nalpha\n`);
  });

  it('carries variables and the directory from step to step', async () => {
    const shell = await pool.get('alpha', spec('alpha'));
    await runStep(shell, 'command', 'cd /tmp && GREETING="hello from $(hostname)"');
    await runStep(shell, 'script', 'export COUNT=2');
    const { output } = await runStep(shell, 'command', 'echo "$GREETING $COUNT $PWD"');
    expect(output).toBe('hello from alpha 2 /tmp\n');
  });

  it('sees its own addresses, and reaches the other host by name', async () => {
    const alpha = await pool.get('alpha', spec('alpha'));
    const beta = await pool.get('beta', spec('beta'));
    const address = "ip -4 -o addr show dev eth0 | awk '{print $4}'";
    expect((await runStep(alpha, 'command', address)).output).toBe('192.0.2.10/24\n');
    expect((await runStep(beta, 'command', address)).output).toBe('192.0.2.11/24\n');
    await runStep(beta, 'command', "node -e \"require('net').createServer((s) => s.end('beta here\\n')).listen(7000)\" &");
    const reply = await runStep(
      alpha,
      'script',
      'for try in $(seq 50); do timeout 2 bash -c "exec 3<>/dev/tcp/beta/7000 && cat <&3" && break; sleep 0.1; done',
    );
    expect(reply.output).toContain('beta here\n');
  });

  it('ends with the pool, and the lab with its teardown', async () => {
    await pool.close();
    await lab.tearDown();
    expect(traces(PREFIX)).toEqual([]);
  });
});
