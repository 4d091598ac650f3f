import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputRecorder } from '../../src/execute/output-recorder.js';

// A real full disk: a 512 KiB tmpfs (the suite runs as root). A step's log that does not fit used
// to throw ENOSPC out of the recorder (an uncaught stack trace and a hung run); now the log stops
// with a note saying where and why, the recorder says so, and the output goes on to the tail.

const dir = mkdtempSync(join(tmpdir(), 'alts-full-disk-'));
const canMount = process.getuid?.() === 0;

beforeAll(() => {
  if (canMount) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir]);
});

afterAll(() => {
  if (canMount) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(canMount)('OutputRecorder on a full disk', () => {
  it('cuts the log with a visible note, says why, and keeps the output going', () => {
    const log = join(dir, 'step.log');
    const recorder = new OutputRecorder(log, []);
    const line = Buffer.from(`${'y'.repeat(99)}\n`);
    // 1 MB into 512 KiB.
    expect(() => {
      for (let i = 0; i < 10_000; i++) recorder.write(line);
    }).not.toThrow();
    recorder.write(Buffer.from('last line\n'));
    const tail = recorder.finish();
    expect(recorder.logCut).toBe('no space left on device');
    expect(tail.endsWith('last line\n')).toBe(true);
    const written = readFileSync(log, 'utf8');
    expect(written.length).toBeLessThan(recorder.bytes);
    // The last line says the log is cut, and why: room for it was made on the full disk.
    expect(written.endsWith('\n[alts-tutor: log cut here: no space left on device]\n')).toBe(true);
  });
});
