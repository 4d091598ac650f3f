import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

// A real full disk: the state home is a 512 KiB tmpfs (the suite runs as root) and a step prints
// 2 MB. It used to end in an uncaught ENOSPC stack trace with the session left "running"; now it
// is one line naming the file, exit 1, the cut log says so, and the session is whole.

const dir = mkdtempSync(join(tmpdir(), 'alts-full-disk-cli-'));
const home = join(dir, 'home');
const canMount = process.getuid?.() === 0;

beforeAll(() => {
  if (!canMount) return;
  execFileSync('mkdir', [home]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', home]);
  chmodSync(home, 0o700);
  writeFileSync(
    join(dir, 'fill.md'),
    "# Fill\n\n```sh { name=fill }\nhead -c 2000000 /dev/zero | tr '\\0' 'y' | fold -w 100\n```\n\n```sh { name=after }\necho after\n```\n",
  );
});

afterAll(() => {
  if (canMount) execFileSync('umount', [home]);
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(canMount)('a run whose state home fills up', () => {
  it('says which file could not be written and why in one line, exits 1, and cuts the log visibly', async () => {
    const env = { ALTS_TUTOR_HOME: home };
    const result = await runCli(['run', join(dir, 'fill.md'), '--yes', '--reporter', 'plain'], { cwd: dir, env });
    expect(result.stderr).toMatch(new RegExp(`^alts-tutor: cannot write ${home}/sessions/\\S+: no space left on device$`, 'm'));
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(result.code).toBe(1);
    const [session] = readdirSync(join(home, 'sessions'));
    const logs = join(home, 'sessions', session as string, 'logs');
    const log = readFileSync(join(logs, '001-fill.log'), 'utf8');
    expect(log.endsWith('\n[alts-tutor: log cut here: no space left on device]\n')).toBe(true);
    // The step's record says so too, for status and reports.
    const recorded = ['session.json', 'journal.jsonl']
      .map((name) => readFileSync(join(home, 'sessions', session as string, name), { encoding: 'utf8', flag: 'r' }))
      .join('');
    expect(recorded).toContain('"logCut":"no space left on device"');
    // With room again, the session is whole: nothing is left "running".
    rmSync(join(logs, '001-fill.log'));
    const status = await runCli(['status'], { cwd: dir, env });
    expect(status.stdout).toMatch(new RegExp(`^${session}\\s+passed\\s+2/2 passed`, 'm'));
  });
});
