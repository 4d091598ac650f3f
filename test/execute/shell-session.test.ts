import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepRequest } from '../../src/execute/shell-session.js';
import { isAlive, readPid, runStep, Scratch, taggedProcesses, waitFor } from './helpers.js';

const scratch = new Scratch();

afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

const kinds: StepRequest['kind'][] = ['command', 'script'];

describe.each(kinds)('state carried from one %s step to the next', (kind) => {
  it('keeps plain and exported variables', async () => {
    const shell = await scratch.shell();
    const set = await runStep(shell, kind, 'PLAIN="a b"\nexport EXPORTED=\'x y\'');
    expect(set.outcome.exitCode).toBe(0);
    const { output } = await runStep(
      shell,
      'command',
      'echo "[$PLAIN] [$EXPORTED]"; bash -c \'echo "child sees [${PLAIN-unset}] [$EXPORTED]"\'',
    );
    expect(output).toBe('[a b] [x y]\nchild sees [unset] [x y]\n');
  });

  it('keeps indexed and associative arrays', async () => {
    const shell = await scratch.shell();
    await runStep(shell, kind, 'LIST=(one "two words" three)\ndeclare -A MAP=([k1]=v1 ["k 2"]="v 2")');
    const { output } = await runStep(shell, 'script', 'echo "${#LIST[@]} ${LIST[1]} ${MAP[k1]} ${MAP[k 2]}"');
    expect(output).toBe('3 two words v1 v 2\n');
  });

  it('keeps shell functions', async () => {
    const shell = await scratch.shell();
    await runStep(shell, kind, 'greet() {\n  echo "hello $1"\n}');
    const command = await runStep(shell, 'command', 'greet command');
    const script = await runStep(shell, 'script', 'greet script');
    expect(command.output + script.output).toBe('hello command\nhello script\n');
  });

  it('keeps the working directory', async () => {
    const root = scratch.dir();
    mkdirSync(join(root, 'sub dir'));
    const shell = await scratch.shell(root);
    await runStep(shell, kind, 'cd "sub dir"');
    const { output } = await runStep(shell, 'command', 'pwd');
    expect(output).toBe(`${realpathSync(join(root, 'sub dir'))}\n`);
  });

  it('runs a step with a cwd option there without moving the session', async () => {
    const root = scratch.dir();
    const other = scratch.dir();
    const shell = await scratch.shell(root);
    const inOther = await runStep(shell, kind, 'pwd; IN_OTHER=yes', { cwd: other });
    expect(inOther.output).toBe(`${realpathSync(other)}\n`);
    expect(inOther.outcome.exitCode).toBe(0);
    expect(inOther.outcome.errorLine).toBeUndefined();
    const after = await runStep(shell, 'command', 'pwd; echo "${IN_OTHER-unset}"');
    expect(after.output).toBe(`${realpathSync(root)}\nyes\n`);
  });
});

describe('script steps', () => {
  it('discard the variables and directory of a script that fails', async () => {
    const root = scratch.dir();
    const other = scratch.dir();
    const shell = await scratch.shell(root);
    await runStep(shell, 'command', 'KEPT=before');
    const failed = await runStep(shell, 'script', `KEPT=after\nNEW=1\ncd ${JSON.stringify(other)}\nfalse`);
    expect(failed.outcome.exitCode).toBe(1);
    const { output } = await runStep(shell, 'command', 'echo "$KEPT ${NEW-unset}"; pwd');
    expect(output).toBe(`before unset\n${realpathSync(root)}\n`);
  });

  it('keep the state of a script that exits with its expected non-zero status', async () => {
    const shell = await scratch.shell();
    const step = await runStep(shell, 'script', 'KEPT=yes\nexit 3', { expectedExit: 3 });
    expect(step.outcome.exitCode).toBe(3);
    const { output } = await runStep(shell, 'command', 'echo "${KEPT-unset}"');
    expect(output).toBe('yes\n');
  });

  it('discard the state of a script that succeeds when a failure was expected', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'script', 'KEPT=yes', { expectedExit: 1 });
    const { output } = await runStep(shell, 'command', 'echo "${KEPT-unset}"');
    expect(output).toBe('unset\n');
  });

  it('keep an empty array and variables after it under set -u', async () => {
    const shell = await scratch.shell();
    const set = await runStep(shell, 'script', 'A_EMPTY=()\ndeclare -A A_MAP=()\nZ_LATER=kept');
    expect(set.output).toBe('');
    expect(set.outcome.exitCode).toBe(0);
    const { output } = await runStep(shell, 'command', 'echo "${#A_EMPTY[@]} ${#A_MAP[@]} ${Z_LATER-unset}"; declare -p A_EMPTY A_MAP');
    expect(output).toBe('0 0 kept\ndeclare -a A_EMPTY=()\ndeclare -A A_MAP=()\n');
  });

  it.each([
    ['line 1', 'false\necho never', 1],
    ['line 2', 'echo one\nfalse\necho never', 2],
    ['line 5', 'echo one\n\n# a comment\ntrue\nls /no/such/dir\necho never', 5],
    ['inside a function', 'fail() {\n  echo in\n  false\n}\necho before\nfail\necho never', 3],
    ['inside $(...)', 'echo one\nVALUE=$(false)\necho never', 2],
  ])('stop at the failing line and report it: %s', async (_, body, line) => {
    const shell = await scratch.shell();
    const { outcome, output } = await runStep(shell, 'script', body);
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.errorLine).toBe(line);
    expect(output).not.toContain('never');
  });

  it('stop at the failing line of a multi-line $(...)', async () => {
    const shell = await scratch.shell();
    const { outcome, output } = await runStep(shell, 'script', 'echo one\nVALUE=$(\n  echo a\n  exit 4\n)\necho never');
    expect(outcome.exitCode).toBe(4);
    expect(outcome.errorLine).toBeGreaterThanOrEqual(2);
    expect(outcome.errorLine).toBeLessThanOrEqual(5);
    expect(output).toBe('one\n');
  });

  it('do not run the lines after the failing one', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    await runStep(shell, 'script', 'touch first\nfalse\ntouch second');
    expect(existsSync(join(dir, 'first'))).toBe(true);
    expect(existsSync(join(dir, 'second'))).toBe(false);
  });

  it('fail on an unset variable (set -u) without ending the session', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', 'KEPT=yes');
    const { outcome, output } = await runStep(shell, 'script', 'echo start\necho "$SURELY_NOT_SET_ANYWHERE"\necho never');
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.shellLost).toBe(false);
    expect(output).toContain('SURELY_NOT_SET_ANYWHERE: unbound variable');
    expect(output).not.toContain('never');
    expect(shell.alive).toBe(true);
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('yes\n');
  });

  it('fail when any command of a pipeline fails (pipefail)', async () => {
    const shell = await scratch.shell();
    const { outcome, output } = await runStep(shell, 'script', 'false | cat\necho never');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.errorLine).toBe(1);
    expect(output).toBe('');
  });

  it('report status 2 for a syntax error and leave the session usable', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'script', "echo 'unterminated\necho more");
    expect(outcome.exitCode).toBe(2);
    expect(outcome.shellLost).toBe(false);
    expect((await runStep(shell, 'command', 'echo fine')).output).toBe('fine\n');
  });

  it('report an exit inside the script as its status without ending the session', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'script', 'exit 7');
    expect(outcome).toMatchObject({ exitCode: 7, shellLost: false });
    expect((await runStep(shell, 'command', 'echo fine')).output).toBe('fine\n');
  });
});

describe('command steps', () => {
  it('report the exit status of the command', async () => {
    const shell = await scratch.shell();
    expect((await runStep(shell, 'command', '(exit 42)')).outcome.exitCode).toBe(42);
    expect((await runStep(shell, 'command', 'true')).outcome.exitCode).toBe(0);
    expect((await runStep(shell, 'command', 'no-such-command-here')).outcome.exitCode).toBe(127);
  });

  it('report a lost shell, without hanging, when the command runs exit', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'command', 'echo bye; exit 3');
    expect(outcome.shellLost).toBe(true);
    expect(shell.alive).toBe(false);
    const after = await runStep(shell, 'command', 'echo again');
    expect(after.outcome.shellLost).toBe(true);
  });

  it('report a lost shell, without hanging, when a job left running holds the output', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    await runStep(shell, 'command', 'sleep 60 & echo $! > leftover.pid');
    const leftover = readPid(join(dir, 'leftover.pid'));
    const { outcome } = await runStep(shell, 'command', 'exit 3', { timeoutMs: 20_000 });
    expect(outcome.shellLost).toBe(true);
    await shell.close();
    expect(await waitFor(() => !isAlive(leftover))).toBe(true);
  });

  it('report status 2 for a syntax error and leave the session usable', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', 'KEPT=yes');
    const { outcome } = await runStep(shell, 'command', "echo 'unterminated");
    expect(outcome.exitCode).toBe(2);
    expect(outcome.shellLost).toBe(false);
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('yes\n');
  });

  it('stop the jobs a command left running when the session closes', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    await runStep(shell, 'command', 'sleep 60 & echo $! > a.pid');
    await runStep(shell, 'script', 'sleep 60 & echo $! > b.pid');
    const pids = [readPid(join(dir, 'a.pid')), readPid(join(dir, 'b.pid'))];
    expect(pids.every(isAlive)).toBe(true);
    // A process just forked may not show its environment in /proc yet: wait for it.
    expect(await waitFor(() => pids.every((pid) => taggedProcesses(scratch.tagOf(shell)).includes(pid)))).toBe(true);
    await shell.close();
    expect(taggedProcesses(scratch.tagOf(shell))).toEqual([]);
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
  });
});

describe('values stay text', () => {
  it('setVariable never runs code in the value', async () => {
    const dir = scratch.dir();
    const pwned = join(dir, 'pwned');
    const value = `$(touch ${pwned}) \`touch ${pwned}\` '"; echo injected; touch ${pwned} #\n\\n $HOME`;
    const shell = await scratch.shell(dir);
    await shell.setVariable('V', value, false);
    const command = await runStep(shell, 'command', 'printf "%s" "$V"');
    const script = await runStep(shell, 'script', 'printf "%s" "$V"');
    const child = await runStep(shell, 'command', 'bash -c \'printf "%s" "$V"\'');
    expect(command.output).toBe(value);
    expect(script.output).toBe(value);
    expect(child.output).toBe(value);
    expect(existsSync(pwned)).toBe(false);
  });

  it('setVariable rejects a name that is not a shell name', async () => {
    const shell = await scratch.shell();
    await expect(shell.setVariable('X; touch y', 'v', false)).rejects.toThrow(/invalid variable name/);
  });

  it('a step body containing a NUL byte is refused', async () => {
    const shell = await scratch.shell();
    await expect(runStep(shell, 'command', 'echo a\0b')).rejects.toThrow(/NUL/);
    expect((await runStep(shell, 'command', 'echo ok')).output).toBe('ok\n');
  });

  it('a secret set with setVariable is usable but never written to the state dump', async () => {
    const shell = await scratch.shell();
    const secret = 's3cr3t-Value-7781';
    await shell.setVariable('TOKEN', secret, true);
    await shell.setVariable('PUBLIC', 'public-value-1234', false);
    const used = await runStep(shell, 'script', 'echo "${#TOKEN}"\nTOKEN_COPY_LEN=${#TOKEN}');
    expect(used.output).toBe(`${secret.length}\n`);
    const state = (await shell.captureState()) ?? '';
    expect(state).toContain('public-value-1234');
    expect(state).toContain('TOKEN_COPY_LEN');
    expect(state).not.toContain(secret);
    expect((await runStep(shell, 'command', 'echo "$TOKEN"')).output).toBe(`${secret}\n`);
  });

  it('a variable holding a copy of a secret is saved as a reference to the secret', async () => {
    const shell = await scratch.shell();
    const secret = 'copied-s3cr3t-9921';
    await shell.setVariable('TOKEN', secret, true);
    await runStep(shell, 'script', 'COPY="$TOKEN"\nHEADER="Bearer $TOKEN"\nPLAIN=kept');
    const state = (await shell.captureState()) ?? '';
    expect(state).toContain('PLAIN="kept"');
    expect(state).toContain(`HEADER='Bearer '"\${TOKEN}"`);
    expect(state).not.toContain(secret);
  });

  it('capture returns what a command prints on stdout only', async () => {
    const shell = await scratch.shell();
    const captured = await shell.capture('echo out; echo err >&2; exit 5');
    expect(captured).toEqual({ exitCode: 5, stdout: 'out\n' });
  });
});

describe('output', () => {
  it.each(kinds)('merges stdout and stderr of a %s step in order', async (kind) => {
    const shell = await scratch.shell();
    const body = 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done';
    const { output } = await runStep(shell, kind, body);
    expect(output).toBe('out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3\nout 4\nerr 4\nout 5\nerr 5\n');
  });

  it.each(kinds)('passes through output of a %s step without a trailing newline', async (kind) => {
    const shell = await scratch.shell();
    const first = await runStep(shell, kind, 'printf "no newline"');
    const second = await runStep(shell, kind, 'printf "next"');
    expect(first.output).toBe('no newline');
    expect(second.output).toBe('next');
  });

  it.each(kinds)('passes record separators and fake markers of a %s step through untouched', async (kind) => {
    const shell = await scratch.shell();
    const fake = '\x1e0123456789abcdef end 1 0\n\x1e\x1e partial \x1e\nend\n\x1e';
    const { output, outcome } = await runStep(
      shell,
      kind,
      `printf '\\036%s\\n\\036\\036 partial \\036\\nend\\n\\036' '0123456789abcdef end 1 0'`,
    );
    expect(outcome.exitCode).toBe(0);
    expect(output).toBe(fake);
  });

  it('passes binary bytes through unchanged', async () => {
    const shell = await scratch.shell();
    const { chunks } = await runStep(shell, 'command', "printf '\\000\\001\\377\\036\\n\\r'");
    expect([...Buffer.concat(chunks)]).toEqual([0, 1, 255, 0x1e, 10, 13]);
  });
});

describe('timeouts', () => {
  it.each(kinds)('kill a %s step, its child and its grandchild, and keep the session', async (kind) => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    await runStep(shell, 'command', 'KEPT=before; cd "$PWD"');
    const body = `bash -c 'sleep 60 & echo $! > grandchild.pid; echo $$ > child.pid; sleep 60'`;
    const ready = waitFor(() => existsSync(join(dir, 'grandchild.pid')) && existsSync(join(dir, 'child.pid')), 10_000);
    const { outcome } = await runStep(shell, kind, body, { timeoutMs: 500 });
    expect(await ready).toBe(true);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.shellLost).toBe(false);
    const pids = [readPid(join(dir, 'child.pid')), readPid(join(dir, 'grandchild.pid'))];
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
    const next = await runStep(shell, 'command', 'echo "$KEPT"; pwd');
    expect(next.outcome).toMatchObject({ exitCode: 0, timedOut: false });
    expect(next.output).toBe(`before\n${realpathSync(dir)}\n`);
  });

  it('kill a script whose shell loops in builtins and keep the session', async () => {
    const shell = await scratch.shell();
    await runStep(shell, 'command', 'KEPT=before');
    const { outcome } = await runStep(shell, 'script', 'while :; do :; done', { timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.shellLost).toBe(false);
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('before\n');
  });

  it('kill a command step stuck in the shell itself by ending the shell', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'command', 'while :; do :; done', { timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.shellLost).toBe(true);
    expect(shell.alive).toBe(false);
  });

  it('does not report a timeout for a step that ends in time', async () => {
    const shell = await scratch.shell();
    const { outcome } = await runStep(shell, 'script', 'sleep 0.1', { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false, interrupted: false, shellLost: false });
  });
});

describe('interrupt', () => {
  it('stops the running step and marks it interrupted', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    const step = runStep(shell, 'script', 'sleep 60 & echo $! > s.pid; wait');
    expect(await waitFor(() => existsSync(join(dir, 's.pid')))).toBe(true);
    shell.interrupt();
    const { outcome } = await step;
    expect(outcome.interrupted).toBe(true);
    expect(outcome.exitCode).not.toBe(0);
    expect(await waitFor(() => !isAlive(readPid(join(dir, 's.pid'))))).toBe(true);
    const next = await runStep(shell, 'command', 'echo ok');
    expect(next.outcome.interrupted).toBe(false);
    expect(next.output).toBe('ok\n');
  });
});

it('starts in the given directory with the given environment', async () => {
  const dir = scratch.dir();
  writeFileSync(join(dir, 'marker-file'), '');
  const shell = await scratch.shell(dir, { ...process.env, GIVEN_VAR: 'given' });
  const { output } = await runStep(shell, 'command', 'ls; echo "$GIVEN_VAR"');
  expect(output).toBe('marker-file\ngiven\n');
});
