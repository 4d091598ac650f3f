import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ESCAPE_SEQUENCES } from '../../src/escape-sequences.js';
import { SecretMasker } from '../../src/execute/secret-masker.js';
import { freePort, makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

/**
 * A secret's value, end to end: a tutorial that holds secrets in arrays, a map, a header and an
 * eval'd function, traces them with set -x, prints one split by a colour code (with -u) and
 * waits on a readiness URL that names one. After run, status, test in every report format and
 * resume, no file of the project or the state home and no byte of stdout or stderr holds either
 * value, in any form bash or JSON gives it.
 */
describe('secrets, end to end', () => {
  it('reach no file, report, snapshot or output, and what holds them comes back on resume', async () => {
    const { dir, home } = makeProject('secrets');
    const nonce = randomBytes(4).toString('hex');
    const TOKEN = `Zq9w'it's "x" $y-${nonce}`;
    const KEY = `Kx7v-${nonce}`;
    const PORT = String(await freePort());
    const env = { ALTS_TUTOR_HOME: home, TOKEN, KEY };
    const printed: string[] = [];
    const cli = async (args: string[]) => {
      const result = await runCli(args, { cwd: dir, env });
      printed.push(result.stdout, result.stderr);
      return result;
    };

    const run = await cli(['run', 'leaky', '--yes', '--var', `PORT=${PORT}`]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // The readiness URL shows, with the secret in it masked.
    expect(run.stdout).toContain(`http://127.0.0.1:${PORT}/[SECRET]`);
    expect((await cli(['status'])).code).toBe(0);
    expect((await cli(['status', '--json'])).code).toBe(0);
    for (const reporter of [[], ['-u'], ['--reporter', 'junit'], ['--reporter', 'json']]) {
      expect((await cli(['test', 'leaky', '--var', `PORT=${PORT}`, ...reporter])).code).toBe(1);
    }
    const snapshot = filesUnder(join(dir, 'snapshots')).find((file) => file.includes('split'));
    expect(snapshot, 'test -u wrote the split step').toBeDefined();
    expect(readFileSync(snapshot ?? '', 'utf8')).toContain('[SECRET] and [SECRET]');

    writeFileSync(join(dir, 'ready'), '');
    const resumed = await cli(['resume', '--yes']);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    // The array, the map and the header were rebuilt from the secret given again; the function
    // could not be, and the resume says so.
    const checkLog = filesUnder(home).find((file) => file.endsWith('-check.log'));
    expect(readFileSync(checkLog ?? '', 'utf8')).toBe('restored: Bearer [SECRET]\n');
    expect(`${resumed.stdout}${resumed.stderr}`).toContain("not restored, since it held a secret's value: function auth");

    const files = filesUnder(dir);
    expect(files.some((file) => file.startsWith(home) && file.endsWith('session.json'))).toBe(true);
    for (const [where, text] of [
      ...files.map((file) => [file, readFileSync(file, 'latin1')]),
      ...printed.map((text, i) => [`output ${i}`, text]),
    ]) {
      for (const secret of [TOKEN, KEY]) expect(holds(text ?? '', secret), `${where}:\n${text}`).toBe(false);
    }
  }, 60_000);
});

/** Whether the text holds the secret in any form, also once escape sequences are taken out. */
function holds(text: string, secret: string): boolean {
  const visible = Buffer.from(text, 'latin1').toString('utf8').replace(ESCAPE_SEQUENCES, '');
  const masker = new SecretMasker([secret]);
  const masked = Buffer.concat([masker.push(Buffer.from(visible)), masker.flush()]).toString();
  return masked !== visible || visible.includes(secret.slice(0, 4));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}
