import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFERRED_LOG_BYTES, OutputRecorder, TAIL_BYTES } from '../../src/execute/output-recorder.js';
import { runStep, Scratch } from './helpers.js';

const scratch = new Scratch();

afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

describe('OutputRecorder', () => {
  it("never writes through a symbolic link planted at the log's path, short output or long, and says why the log is missing", () => {
    for (const lines of [1, 10_000]) {
      const dir = scratch.dir();
      const outside = join(dir, 'outside.txt');
      writeFileSync(outside, 'keep me\n');
      const log = join(dir, 'step.log');
      symlinkSync(outside, log);
      const recorder = new OutputRecorder(log, []);
      for (let i = 0; i < lines; i++) recorder.write(Buffer.from(`${'y'.repeat(99)}\n`));
      const tail = recorder.finish();
      expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
      expect(recorder.logCut).toBe('its path is a symbolic link, which alts-tutor never writes through');
      expect(tail.endsWith('y\n')).toBe(true);
    }
  });

  it('writes everything to the log and keeps only the tail in memory', async () => {
    const log = join(scratch.dir(), 'step.log');
    const recorder = new OutputRecorder(log, []);
    const line = Buffer.from(`${'y'.repeat(99)}\n`);
    for (let i = 0; i < 10_000; i++) recorder.write(line);
    recorder.write(Buffer.from('last line'));
    const tail = recorder.finish();
    expect(statSync(log).size).toBe(10_000 * 100 + 9);
    expect(recorder.bytes).toBe(10_000 * 100 + 9);
    expect(recorder.truncated).toBe(true);
    expect(tail.endsWith('y\nlast line')).toBe(true);
    expect(tail.length).toBeGreaterThanOrEqual(TAIL_BYTES);
    expect(tail.length).toBeLessThan(TAIL_BYTES + 200);
  });

  it('keeps short output whole, says it is not truncated, and writes a private log', async () => {
    const log = join(scratch.dir(), 'step.log');
    const recorder = new OutputRecorder(log, []);
    recorder.write(Buffer.from('one\n'));
    recorder.write(Buffer.from('two'));
    expect(recorder.finish()).toBe('one\ntwo');
    expect(recorder.truncated).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo');
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it('masks secrets split across chunks in the log, the tail and the live text', async () => {
    const log = join(scratch.dir(), 'step.log');
    const live: string[] = [];
    const recorder = new OutputRecorder(log, ['tok-12345'], (text) => live.push(text));
    for (const piece of ['key=tok-1', '23', '45 and tok', '-12345']) recorder.write(Buffer.from(piece));
    expect(recorder.finish()).toBe('key=[SECRET] and [SECRET]');
    expect(readFileSync(log, 'utf8')).toBe('key=[SECRET] and [SECRET]');
    expect(live.join('')).toBe('key=[SECRET] and [SECRET]');
  });

  it('masks secrets in a log too big to keep in memory', async () => {
    const log = join(scratch.dir(), 'step.log');
    const recorder = new OutputRecorder(log, ['tok-12345']);
    const filler = Buffer.alloc(64 * 1024 - 3, 'f');
    for (let i = 0; i < 12; i++) {
      recorder.write(filler);
      recorder.write(Buffer.from('tok-1'));
      recorder.write(Buffer.from('2345'));
    }
    recorder.finish();
    const text = readFileSync(log, 'latin1');
    expect(recorder.truncated).toBe(true);
    expect(text).not.toContain('tok-1');
    expect(text.split('[SECRET]').length - 1).toBe(12);
  });

  it('gives live text whole characters when a UTF-8 character is split across chunks', async () => {
    const live: string[] = [];
    const recorder = new OutputRecorder(join(scratch.dir(), 'step.log'), [], (text) => live.push(text));
    const bytes = Buffer.from('héllo ✓ wörld');
    for (const byte of bytes) recorder.write(Buffer.from([byte]));
    expect(recorder.finish()).toBe('héllo ✓ wörld');
    expect(live.join('')).toBe('héllo ✓ wörld');
    expect(live.join('')).not.toContain('\ufffd');
  });
});

describe('a step printing 200 MB', () => {
  it('streams to the log while the runner keeps its memory small', { timeout: 60_000 }, async () => {
    const dir = scratch.dir();
    const log = join(dir, 'big.log');
    const shell = await scratch.shell(dir);
    await runStep(shell, 'command', 'true');
    const before = process.memoryUsage.rss();
    let peak = before;
    let chunks = 0;
    const recorder = new OutputRecorder(log, ['not-in-output']);
    const outcome = await shell.run({
      kind: 'script',
      body: "head -c 200000000 /dev/zero | tr '\\0' 'x' | fold -w 100",
      expectedExit: 0,
      timeoutMs: 50_000,
      onOutput: (chunk) => {
        recorder.write(chunk);
        if (++chunks % 64 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      },
    });
    const tail = recorder.finish();
    const after = process.memoryUsage.rss();
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false, shellLost: false });
    // 200,000,000 x's and a newline after every 100 but the last.
    expect(statSync(log).size).toBe(200_000_000 + 1_999_999);
    expect(recorder.bytes).toBe(200_000_000 + 1_999_999);
    expect(recorder.truncated).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(TAIL_BYTES + 128 * 1024);
    expect(tail.endsWith(`\n${'x'.repeat(100)}`)).toBe(true);
    const mb = (bytes: number) => Math.round(bytes / 1e6);
    expect(mb(peak - before), 'growth during the step (MB)').toBeLessThan(150);
    expect(mb(after - before), 'growth after the step (MB)').toBeLessThan(150);
    expect((await runStep(shell, 'command', 'echo still here')).output).toBe('still here\n');
  });
});

describe('OutputRecorder with deferSmallLog', () => {
  it('writes a small log after finish and a large one before finish returns', async () => {
    const small = join(scratch.dir(), 'small.log');
    const recorder = new OutputRecorder(small, [], undefined, { deferSmallLog: true });
    recorder.write(Buffer.from('a small output\n'));
    expect(recorder.finish()).toBe('a small output\n');
    await recorder.written;
    expect(readFileSync(small, 'utf8')).toBe('a small output\n');

    const large = join(scratch.dir(), 'large.log');
    const big = new OutputRecorder(large, [], undefined, { deferSmallLog: true });
    big.write(Buffer.alloc(DEFERRED_LOG_BYTES + 1, 'y'));
    big.finish();
    expect(statSync(large).size).toBe(DEFERRED_LOG_BYTES + 1);
  });
});
