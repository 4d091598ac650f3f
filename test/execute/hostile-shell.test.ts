import { afterEach, describe, expect, it } from 'vitest';
import { runStep, Scratch } from './helpers.js';

const scratch = new Scratch();

afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

/** What a console step does to the shell itself: the runner's framing must outlive it. */
describe('the host shell outlives what a step does to it', () => {
  it('keeps set -u on as a terminal does, and the next steps still run', async () => {
    const shell = await scratch.shell();
    expect((await runStep(shell, 'command', 'set -u')).outcome).toMatchObject({ exitCode: 0, shellLost: false });
    const next = await runStep(shell, 'command', 'echo "u is ${-//[^u]/}"');
    expect(next.output).toBe('u is u\n');
    const script = await runStep(shell, 'script', 'echo script; false', { expectedExit: 1 });
    expect(script.outcome).toMatchObject({ exitCode: 1, shellLost: false });
    expect(shell.alive).toBe(true);
  });

  it('keeps IFS, noclobber and traps of a step from breaking the framing', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', "IFS=x; set -C; trap 'echo trapped' ERR; TMOUT=1");
    await runStep(shell, 'script', 'A=1');
    const after = await runStep(shell, 'command', 'echo "A=$A"');
    expect(after.output).toBe('A=1\n');
    expect(await shell.captureState()).toContain('A=');
    expect((await shell.capture('echo hi')).stdout).toBe('hi\n');
    // The capture kept the step's ERR trap.
    expect((await runStep(shell, 'command', 'trap -p ERR')).output).toBe("trap -- 'echo trapped' ERR\n");
  });

  it('keeps set -e of a console step from ending the shell when a script step fails', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', 'set -e');
    const failing = await runStep(shell, 'script', 'false');
    expect(failing.outcome).toMatchObject({ exitCode: 1, shellLost: false });
    expect((await shell.capture('false')).exitCode).toBe(1);
    expect((await runStep(shell, 'command', 'echo still here')).output).toBe('still here\n');
    const job = await shell.startBackground('echo one; false; echo never', undefined, () => {});
    expect(await job.ended).toBe(1);
  });

  it('reports exit 3 as the step failing with 3 and the shell ended', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'command', 'exit 3');
    expect(outcome).toMatchObject({ exitCode: 3, shellLost: true });
  });

  it('reports an unset variable under set -u as the shell ended, as bash does without a terminal', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', 'set -u');
    const { outcome, output } = await runStep(shell, 'command', 'echo "$NOPE"');
    expect(outcome).toMatchObject({ exitCode: 1, shellLost: true });
    expect(output).toContain('NOPE: unbound variable');
  });
});
