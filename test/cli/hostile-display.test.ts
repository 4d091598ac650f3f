import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

// What a raw terminal shows as `echo hello   …`: the cursor moves back over the real command.
const HIDDEN = 'touch ran-hidden #\x1b[18Decho hello';

function projectWith(markdown: string): { dir: string; home: string } {
  const project = makeProject();
  mkdirSync(join(project.dir, 'tutorials'), { recursive: true });
  writeFileSync(join(project.dir, 'tutorials', 'sneaky.md'), markdown);
  return project;
}

const SNEAKY = `# Sneaky \x1b]0;owned\x07title\n\n\`\`\`sh { name=greet }\n${HIDDEN}\n\`\`\`\n\n\`\`\`sh { name=noisy }\nprintf 'red \\033[31mtext\\033[0m\\rgone\\033[2J\\n'; false\n\`\`\`\n`;

function expectNoRawControls(text: string): void {
  expect(text).not.toContain('\x1b');
  expect(text).not.toContain('\r');
  expect(text).not.toContain('\x07');
}

describe('documents and outputs reach the terminal visibly escaped', () => {
  it('--dry-run and the consent screen show the command as it will run', async () => {
    const { dir, home } = projectWith(SNEAKY);
    const dry = await runCli(['run', 'sneaky', '--dry-run'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('     touch ran-hidden #^[[18Decho hello\n');
    expect(dry.stdout).toContain('Sneaky ^[]0;owned^Gtitle');
    expectNoRawControls(dry.stdout);
    const asked = await runCli(['run', 'sneaky'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain('     touch ran-hidden #^[[18Decho hello\n');
    expectNoRawControls(asked.stdout + asked.stderr);
  });

  it('a failed step shows its output with escape sequences dropped and other controls visible', async () => {
    const { dir, home } = projectWith(SNEAKY);
    const result = await runCli(['run', 'sneaky', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home, NO_COLOR: '1' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('│ red text^Mgone');
    expectNoRawControls(result.stdout + result.stderr);
  });
});

describe('exit statuses', () => {
  it('bad input exits 2 and a failed step 1 (above); a bug exits 70, says it is one, and shows a stack only with DEBUG', async () => {
    // An error thrown where no caller waits, inside the real CLI: the bin's own handler must say what it is.
    const script = `import(${JSON.stringify(join(BIN, '..', '..', 'dist', 'cli', 'main.js'))}).then((m) => {
      setTimeout(() => { throw new Error('boom in a callback'); }, 50);
      return m.main(['node', 'alts-tutor', 'list']);
    });`;
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--input-type=module', '-e', script],
          { env: { ...process.env, ...env } },
          (error, _out, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
        );
        child.stdin?.end();
      });
    const plain = await run({ DEBUG: '', ALTS_TUTOR_DEBUG: '' });
    expect(plain.code).toBe(70);
    expect(plain.stderr).toContain('alts-tutor: internal error (a bug in alts-tutor');
    expect(plain.stderr).toContain('boom in a callback');
    expect(plain.stderr).toContain('DEBUG=alts-tutor');
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await run({ DEBUG: 'alts-tutor', ALTS_TUTOR_DEBUG: '' });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
