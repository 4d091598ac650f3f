import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/processes.js';

/** The secret the `echo-secret` tutorial prints; no report may hold it. */
export const SECRET = 'hunter2-do-not-leak';

const TUTORIALS: Record<string, string> = {
  alpha: `# Alpha\n\nColours, then a mismatch.\n\n\`\`\`console\n$ echo alpha\nalpha\n$ printf '\\033[31mred\\033[0m alert <b>bold?</b>\\n'\ngreen alert <b>bold?</b>\n$ echo never\nnever\n\`\`\`\n`,
  bravo: `# Bravo\n\n\`\`\`console\n$ echo bravo\nbravo\n\`\`\`\n`,
  charlie: `# Charlie\n\nA script that stops at its second line.\n\n\`\`\`sh { name=stops }\necho one\nfalse\necho never\n\`\`\`\n`,
  delta: `---\ntargets:\n  far: { hosts: { box: { ssh: "user@far.example" } } }\n---\n# Delta\n\n\`\`\`sh { host=box }\necho far\n\`\`\`\n`,
  'echo-secret': `---\nvariables:\n  TOKEN: { secret: true }\n---\n# Echo\n\n\`\`\`console\n$ echo "token $TOKEN"\ntoken is something else\n\`\`\`\n`,
  foxtrot: `---\ntitle: [unclosed\n---\n# Foxtrot\n`,
  golf: `# Golf\n\n\`\`\`console\n$ echo golf\ngolf\n$ echo golf again\ngolf again\n\`\`\`\n`,
};

/**
 * A small project of local tutorials for the reporter tests: passing, mismatching, failing at a
 * script line, skipped under `--target local` (it has only `far`), printing a secret, broken.
 * A whole-project test also runs the bundled `hello`, whose service gets a port of its own.
 */
export async function reportProject(): Promise<{ dir: string; home: string; env: NodeJS.ProcessEnv; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'alts-report-'));
  mkdirSync(join(dir, 'tutorials'));
  for (const [id, text] of Object.entries(TUTORIALS)) writeFileSync(join(dir, 'tutorials', `${id}.md`), text);
  const home = join(dir, '.state');
  return {
    dir,
    home,
    env: { ALTS_TUTOR_HOME: home, TOKEN: SECRET, TMPDIR: dir, ALTS_TUTOR_LAB_PREFIX: 'atrep-', PORT: String(await freePort()) },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
