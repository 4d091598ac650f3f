import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

const FENCE = '```';
const NOBODY = 65534;

function project() {
  const { dir, home } = makeProject('cli');
  // `test` with no names also tests the bundled tutorials: hello's working directory (under
  // $TMPDIR) is made in the project, and their lab gets a prefix of this file's.
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: home, TMPDIR: dir, ALTS_TUTOR_LAB_PREFIX: 'atlth-' } });
  return { dir, home, cli };
}

/** A session of `fails` that stopped at its second step: what `resume` would continue. */
async function failedSession() {
  const made = project();
  const first = await made.cli(['run', 'fails', '--yes']);
  expect(first.code).toBe(1);
  const sessions = join(made.home, 'sessions');
  const [id] = readdirSync(sessions);
  if (id === undefined) throw new Error('no session');
  writeFileSync(join(made.dir, 'after-ran'), '');
  return { ...made, sessions, session: join(sessions, id) };
}

describe('tutorial ids that are not slugs', () => {
  it('test -u of a tutorial named ..md refuses it at line 1 and deletes nothing', async () => {
    const { dir, cli } = project();
    // The whole project is tested: ..md alone, next to a README and a src/ it must not touch.
    for (const file of readdirSync(join(dir, 'tutorials'))) rmSync(join(dir, 'tutorials', file));
    writeFileSync(join(dir, 'README.md'), 'keep me\n');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'tutorials', '..md'), `# Dots\n\n${FENCE}sh { name=hello }\necho hello\n${FENCE}\n`);
    const result = await cli(['test', '-u']);
    expect(result.stdout + result.stderr).toContain(
      'tutorials/..md:1: the tutorial id "." (from the file name) is not lower-case letters, digits and "-"',
    );
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('keep me\n');
    expect(existsSync(join(dir, 'src'))).toBe(true);
    expect(readdirSync(join(dir, 'tutorials'))).toEqual(['..md']);
  });

  it('run -u of ...md exits 2 and writes nothing outside snapshots/', async () => {
    const { dir, cli } = project();
    writeFileSync(join(dir, 'tutorials', '...md'), `# Dots\n\n${FENCE}sh { name=hello }\necho hello\n${FENCE}\n`);
    const result = await cli(['run', '-u', '--yes', 'tutorials/...md']);
    expect(result.stderr).toContain('tutorials/...md:1: the tutorial id ".." (from the file name) is not');
    expect(result.code).toBe(2);
    expect(existsSync(join(dir, 'hello.txt'))).toBe(false);
    expect(existsSync(join(dir, 'snapshots'))).toBe(false);
  });

  it('a front matter id that is not a slug is refused at its line', async () => {
    const { dir, cli } = project();
    writeFileSync(join(dir, 'tutorials', 'ok.md'), `---\ntitle: T\nid: ../up\n---\n${FENCE}sh\necho hi\n${FENCE}\n`);
    const result = await cli(['run', '--yes', 'ok']);
    expect(result.stderr).toContain('tutorials/ok.md:3: front matter: id: an id is lower-case letters');
    expect(result.code).toBe(2);
  });
});

describe('snapshots behind a symbolic link', () => {
  it('run -u refuses a snapshots/ directory that is a link elsewhere, and writes nothing there', async () => {
    const { dir, cli } = project();
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(dir, 'snapshots'));
    const result = await cli(['run', '-u', '--yes', 'chatty']);
    expect(result.stderr).toContain(`${join(dir, 'snapshots')} is a symbolic link, and alts-tutor never writes or deletes beyond one`);
    expect(result.code).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a snapshot file that is a link is refused, never read or written through', async () => {
    const { dir, cli } = project();
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'private\n');
    mkdirSync(join(dir, 'snapshots', 'fails'), { recursive: true });
    symlinkSync(secret, join(dir, 'snapshots', 'fails', 'first.txt'));
    const result = await cli(['run', '-u', '--yes', 'fails']);
    expect(result.stdout + result.stderr).toContain(`${join(dir, 'snapshots', 'fails', 'first.txt')} is a symbolic link`);
    expect(result.code).toBe(2);
    expect(readFileSync(secret, 'utf8')).toBe('private\n');
  });
});

describe('a session store someone else could write', () => {
  it('creates the store 0700 and its files 0600', async () => {
    const { home, session } = await failedSession();
    for (const path of [home, join(home, 'sessions'), session, join(session, 'logs')]) {
      expect((statSync(path).mode & 0o777).toString(8)).toBe('700');
    }
    const files = ['session.json', 'journal.jsonl', ...readdirSync(join(session, 'logs')).map((log) => join('logs', log))];
    for (const file of files) expect((statSync(join(session, file)).mode & 0o777).toString(8)).toBe('600');
  });

  it('resume refuses a store that is writable by others, naming it and the fix', async () => {
    const { cli, dir, sessions } = await failedSession();
    chmodSync(sessions, 0o777);
    const result = await cli(['resume', '--yes']);
    expect(result.stderr).toBe(
      `alts-tutor: session store: ${sessions} is writable by others (mode 0777); fix with chmod 700 ${sessions}\n`,
    );
    expect(result.code).toBe(2);
    // The failed step was not run again.
    expect(readFileSync(join(dir, 'after-ran'), 'utf8')).toBe('');
  });

  it('resume refuses a session directory that its group can write', async () => {
    const { cli, session } = await failedSession();
    chmodSync(session, 0o770);
    const result = await cli(['resume', '--yes']);
    expect(result.stderr).toContain(`session store: ${session} is writable by its group (mode 0770); fix with chmod 700 ${session}`);
    expect(result.code).toBe(2);
  });

  it('resume refuses a session.json that another user owns', async () => {
    const { cli, session } = await failedSession();
    const file = join(session, 'session.json');
    chownSync(file, NOBODY, NOBODY);
    const result = await cli(['resume', '--yes']);
    expect(result.stderr).toContain(`session store: ${file} is owned by uid ${NOBODY}, not by this user (uid ${process.geteuid?.()})`);
    expect(result.code).toBe(2);
  });

  it('run refuses to start a session in a world-writable store', async () => {
    const { cli, home, dir } = project();
    mkdirSync(join(home, 'sessions'), { recursive: true });
    chmodSync(join(home, 'sessions'), 0o777);
    const result = await cli(['run', '--yes', 'fails']);
    expect(result.stderr).toContain(`${join(home, 'sessions')} is writable by others (mode 0777)`);
    expect(result.code).toBe(2);
    expect(existsSync(join(dir, 'first-ran'))).toBe(false);
  });
});

describe('files that are not whole Markdown text', () => {
  const cases: Array<{ what: string; bytes: Buffer; line: number; message: string }> = [
    {
      what: 'a binary file',
      bytes: Buffer.from([0x23, 0x20, 0x54, 0x0a, 0x0a, 0x00, 0x01, 0x02, 0x0a]),
      line: 3,
      message: 'binary data (a NUL byte)',
    },
    {
      what: 'a Latin-1 file',
      bytes: Buffer.concat([Buffer.from('# Caf\n\nok\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]),
      line: 4,
      message: 'not UTF-8 text (byte 0xe9)',
    },
    {
      what: 'an unclosed fence',
      bytes: Buffer.from(`# T\n\n${FENCE}sh { name=one }\necho one\n\n## Later\n\n${FENCE}sh { name=two }\necho two\n`),
      line: 3,
      message: 'this code block is never closed: add a line ``` to end it',
    },
  ];

  for (const { what, bytes, line, message } of cases) {
    it(`${what}: run exits 2, test and lint fail, each with file:line`, async () => {
      const { dir, cli } = project();
      writeFileSync(join(dir, 'tutorials', 'bad.md'), bytes);
      const expected = `tutorials/bad.md:${line}: ${message}`;
      const run = await cli(['run', '--yes', 'bad']);
      expect(run.stderr).toContain(expected);
      expect(run.code).toBe(2);
      const test = await cli(['test', 'bad']);
      expect(test.stdout + test.stderr).toContain(expected);
      expect(test.code).not.toBe(0);
      const lint = await cli(['lint', 'bad']);
      expect(lint.stdout).toContain(expected);
      expect(lint.code).not.toBe(0);
    });
  }
});
