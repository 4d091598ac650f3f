import { afterEach, describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/execute/secret-masker.js';
import { runStep, Scratch } from './helpers.js';

// Shell state is written to session.json for `resume`: a secret's value must not be in it, in
// any form, whatever holds it; what holds it must come back on resume, where it can.
const scratch = new Scratch();
afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

const secrets = ['Zq9w\'it\'s "x" $y `z` \\', 'Zq9w-plain', 'Zq9w\nnew\tline\x1b[1m'];

/** Whether any form of the secret is in the text: the masker changes exactly such text. */
function holds(text: string, secret: string): boolean {
  const masker = new SecretMasker([secret]);
  return Buffer.concat([masker.push(Buffer.from(text)), masker.flush()]).toString() !== text || text.includes('Zq9w');
}

const defining = [
  'arr=(a "$TOKEN" "x${TOKEN}y")',
  'declare -A map=([key]="$TOKEN" [other]=plain)',
  'declare -A keyed=(["$TOKEN"]=v)',
  'HEADER="Authorization: Bearer $TOKEN"',
  'export EXPORTED="$TOKEN"',
  'COPY=$TOKEN',
  'printf -v QUOTED %q "$TOKEN"',
  'eval "auth() { echo $(printf %q "$TOKEN"); }"',
  'plain() { echo plain; }',
  'PLAIN=kept',
].join('\n');

const checks = [
  '[[ ${arr[0]} == a && ${arr[1]} == "$TOKEN" && ${arr[2]} == "x${TOKEN}y" ]] && echo arr',
  '[[ ${map[key]} == "$TOKEN" && ${map[other]} == plain ]] && echo map',
  '[[ ${keyed["$TOKEN"]} == v ]] && echo keyed',
  '[[ $HEADER == "Authorization: Bearer $TOKEN" ]] && echo header',
  '[[ $EXPORTED == "$TOKEN" ]] && bash -c \'[[ -n $EXPORTED ]]\' && echo exported',
  '[[ $COPY == "$TOKEN" ]] && echo copy',
  '[[ ${QUOTED-unset} == unset ]] && echo quoted-left-out || echo quoted',
  '! declare -F auth >/dev/null && echo auth-left-out',
  'plain',
  '[[ $PLAIN == kept ]] && echo kept',
].join('\n');
const restored = 'arr\nmap\nkeyed\nheader\nexported\ncopy\nquoted-left-out\nauth-left-out\nplain\nkept\n';

describe('shell state and secrets', () => {
  it.each(secrets.map((secret) => [JSON.stringify(secret), secret]))(
    'a state holding secret %s in arrays, maps, copies and a function is saved without it and comes back on resume',
    async (_, secret) => {
      const shell = await scratch.shell();
      await shell.setVariable('TOKEN', secret, true);
      const ran = await runStep(shell, 'script', defining);
      expect(ran.outcome.exitCode).toBe(0);
      // The script's state was sourced back into the shell: everything works in this run.
      expect(
        (
          await runStep(
            shell,
            'script',
            checks.replace('! declare -F auth >/dev/null && echo auth-left-out', 'declare -F auth >/dev/null && echo auth'),
          )
        ).output,
      ).toBe(restored.replace('quoted-left-out', 'quoted').replace('auth-left-out', 'auth'));
      const state = await shell.captureState();
      expect(state).toBeDefined();
      expect(holds(state ?? '', secret), state).toBe(false);
      expect(state).toContain('# alts-tutor: left out, it holds a secret: function auth');
      // printf %q changes a secret that needs quoting: that copy cannot be rebuilt from $TOKEN.
      const needsQuotes = /[^\w.,:+@%/=-]/.test(secret);
      if (needsQuotes) expect(state).toContain('# alts-tutor: left out, it holds a secret: variable QUOTED');

      // Resume: a new shell, the secret given again, the state restored.
      const resumed = await scratch.shell();
      await resumed.setVariable('TOKEN', secret, true);
      await resumed.restoreState(state ?? '');
      expect((await runStep(resumed, 'script', checks)).output).toBe(
        needsQuotes ? restored : restored.replace('quoted-left-out', 'quoted'),
      );
    },
  );

  it('the dump a script step leaves for its shell is emptied once sourced', async () => {
    const shell = await scratch.shell();
    const secret = secrets[0] ?? '';
    await shell.setVariable('TOKEN', secret, true);
    await runStep(shell, 'script', defining);
    expect((await runStep(shell, 'command', 'wc -c < "$__alts_dir/state"')).output).toBe('0\n');
  });
});
