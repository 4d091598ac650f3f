import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

const FENCE = '```';

/**
 * A tutorial whose page shows output in every form: transcript lines (two commands, one with
 * `[N]`), an output block, a transcript in a quote, and a step that shows none. All of it is
 * out of date: the steps print something else now.
 */
const PAGE = [
  '---',
  'title: Pages',
  'variables:',
  '  NAME: { default: world }',
  '  TOKEN: { secret: true }',
  '---',
  '# Pages',
  '',
  'Greet first.',
  '',
  `${FENCE}console`,
  '$ echo "hello $NAME"',
  'hallo $NAME',
  '$ printf "one\\ntwo\\nthree\\n"; sh -c "exit 3"',
  'one',
  '[3]',
  FENCE,
  '',
  `${FENCE}sh { name=listing }`,
  'printf "id %s\\n" "$(cat /proc/sys/kernel/random/uuid)"',
  'echo "token $TOKEN"',
  FENCE,
  '',
  `${FENCE}output`,
  'id 1234',
  'old line',
  'token [SECRET]',
  FENCE,
  '',
  '> A quote:',
  '>',
  `> ${FENCE}console`,
  '> $ echo quoted',
  '> unquoted',
  `> ${FENCE}`,
  '',
  `${FENCE}sh { name=quiet }`,
  'echo "no output shown for me"',
  FENCE,
  '',
  'The end.',
  '',
].join('\r\n');

function project() {
  const { dir, home } = makeProject('cli');
  for (const file of readdirSync(join(dir, 'tutorials'))) rmSync(join(dir, 'tutorials', file));
  const page = join(dir, 'tutorials', 'pages.md');
  writeFileSync(page, PAGE);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', 'tutorials');
  git('commit', '-q', '-m', 'page');
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: home, TOKEN: 's3cr3t-value' } });
  return { dir, page, git, cli };
}

/** The lines `git diff` shows as removed and added, in order. */
function changedLines(diff: string): { removed: string[]; added: string[] } {
  const lines = diff.split('\n').filter((line) => !line.startsWith('---') && !line.startsWith('+++'));
  return {
    removed: lines.filter((line) => line.startsWith('-')).map((line) => line.slice(1)),
    added: lines.filter((line) => line.startsWith('+')).map((line) => line.slice(1)),
  };
}

describe('-u rewrites the output the page shows, in place', () => {
  it('test -u changes only the output lines (git diff), redacted, keeps CRLF and the mode, and test --ci then passes', async () => {
    const { dir, page, git, cli } = project();
    chmodSync(page, 0o640);
    const before = await cli(['test', 'pages', '--ci']);
    expect(before.code).toBe(1);
    const update = await cli(['test', 'pages', '-u']);
    expect(update.stdout).toContain('✓ pages-1');
    expect(update.stdout).toContain('tutorials/pages.md:13');
    expect(update.code).toBe(0);
    const { removed, added } = changedLines(git('diff', '-U0', '--no-color', '--', 'tutorials/pages.md'));
    // Lines that stay the same (one, token [SECRET]) are not touched.
    expect(removed).toEqual(['hallo $NAME\r', 'id 1234\r', 'old line\r', '> unquoted\r']);
    // Variables as ${NAME}, a UUID as [UUID], the secret stays [SECRET]; the quote keeps its "> ".
    expect(added).toEqual(['hello ${NAME}\r', 'two\r', 'three\r', 'id [UUID]\r', '> quoted\r']);
    const text = readFileSync(page, 'utf8');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).toContain('three\r\n[3]\r\n```');
    expect((statSync(page).mode & 0o777).toString(8)).toBe('640');
    // No temporary file is left beside the page.
    expect(readdirSync(join(dir, 'tutorials'))).toEqual(['pages.md']);
    // The step whose page shows no output got a side file; the others none.
    expect(readdirSync(join(dir, 'snapshots', 'pages'))).toEqual(['quiet.txt']);
    const again = await cli(['test', 'pages', '--ci']);
    expect(again.stdout).not.toContain('✗');
    expect(again.code).toBe(0);
    const lint = await cli(['lint', 'pages']);
    expect(lint.stdout).toBe('');
    expect(lint.code).toBe(0);
  });

  it('run -u updates the page the same way, and a second -u changes nothing', async () => {
    const { page, git, cli } = project();
    const first = await cli(['run', 'pages', '-u', '--yes']);
    expect(first.code).toBe(0);
    const once = readFileSync(page, 'utf8');
    const inode = statSync(page).ino;
    expect(git('diff', '--stat', '--', 'tutorials/pages.md')).toContain('1 file changed');
    const second = await cli(['run', 'pages', '-u', '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('tutorials/pages.md:');
    expect(readFileSync(page, 'utf8')).toBe(once);
    // Not even rewritten with the same bytes: a watcher of the page sees no change.
    expect(statSync(page).ino).toBe(inode);
  });
});

describe('pages -u does not write', () => {
  it('a page that is a symbolic link is refused (exit 2), and the file it points to is left as it was', async () => {
    const { dir, page, cli } = project();
    const real = join(dir, 'real.md');
    renameSync(page, real);
    symlinkSync(real, page);
    const result = await cli(['run', 'pages', '-u', '--yes']);
    expect(result.stderr).toContain('refusing to write tutorials/pages.md: it is a symbolic link');
    expect(result.code).toBe(2);
    expect(readFileSync(real, 'utf8')).toBe(PAGE);
  });
});

describe('the page and the snapshot agree', () => {
  /** A project whose page is stale: -u (before it wrote pages) put the new output in a side file. */
  async function stale() {
    const made = project();
    const { page, dir } = made;
    writeFileSync(page, PAGE.replace('hallo $NAME', 'hello $NAME'));
    await made.cli(['test', 'pages', '-u']);
    writeFileSync(page, PAGE);
    mkdirSync(join(dir, 'snapshots', 'pages'), { recursive: true });
    writeFileSync(join(dir, 'snapshots', 'pages', 'pages-1.txt'), 'hello ${NAME}\n');
    return made;
  }

  it('test --ci fails a page that shows output the snapshot (and the step) no longer agree with, at its line', async () => {
    const { cli } = await stale();
    const result = await cli(['test', 'pages', '--ci']);
    expect(result.stdout).toContain('✗ pages-1');
    expect(result.stdout).toContain(
      "the output shown at tutorials/pages.md:13 is stale: it disagrees with snapshots/pages/pages-1.txt, which the step's output matched",
    );
    // The diff goes from what the page shows to what the step printed.
    expect(result.stdout).toMatch(/^ {2}-hallo \$NAME$/m);
    expect(result.stdout).toMatch(/^ {2}\+hello world$/m);
    expect(result.code).toBe(1);
  });

  it('lint names the stale page and an obsolete snapshot, each at file:line; -u fixes both', async () => {
    const { dir, cli } = await stale();
    writeFileSync(join(dir, 'snapshots', 'pages', 'renamed.txt'), 'old\n');
    const lint = await cli(['lint', 'pages']);
    expect(lint.stdout.split('\n').filter(Boolean)).toEqual([
      'tutorials/pages.md:13: the output shown for step "pages-1" disagrees with snapshots/pages/pages-1.txt (update the Markdown, or the snapshot with test -u)',
      'snapshots/pages/renamed.txt:1: obsolete snapshot: tutorials/pages.md has no step "renamed" (remove it, or run test -u)',
    ]);
    expect(lint.code).toBe(1);
    const update = await cli(['test', 'pages', '-u']);
    expect(update.code).toBe(0);
    expect(readFileSync(join(dir, 'tutorials', 'pages.md'), 'utf8')).toContain('$ echo "hello $NAME"\r\nhello ${NAME}\r\n');
    const clean = await cli(['lint', 'pages']);
    expect(clean.stdout).toBe('');
    expect(clean.code).toBe(0);
    expect((await cli(['test', 'pages', '--ci'])).code).toBe(0);
  });
});

describe('a tutorial that comes with alts-tutor, not with the project', () => {
  /** A copy of the package (bin/, dist/, package.json) at `at`, with the page as its bundled tutorial. */
  function packageAt(at: string): { bin: string; bundled: string } {
    const root = resolve(BIN, '..', '..');
    mkdirSync(join(at, 'tutorials'), { recursive: true });
    for (const part of ['bin', 'dist', 'package.json']) {
      cpSync(join(root, part), join(at, part), { recursive: true, filter: (source) => !source.endsWith('.map') });
    }
    const bundled = join(at, 'tutorials', 'pages.md');
    writeFileSync(bundled, BUNDLED);
    return { bin: join(at, 'bin', 'alts-tutor.js'), bundled };
  }

  /** Its first step passes: a refusal at the first write would come after it had run. */
  const BUNDLED = PAGE.replace('hallo $NAME', 'hello $NAME');

  const refusal = (bundled: string) =>
    `${bundled} comes with alts-tutor, not with this project, and -u never writes it: a copy of your own would go in tutorials/pages.md (mkdir -p tutorials && cp ${bundled} tutorials/, with its steps/pages/ and snapshots/pages/ if it has them), where -u updates it\n`;

  it('installed (an npx cache): -u writes nothing, and one line says where a copy of one’s own would go', async () => {
    const { dir, home } = makeProject('cli');
    const installed = join(dir, 'cache', 'node_modules', 'alts-tutor');
    const { bin, bundled } = packageAt(installed);
    const user = join(dir, 'elsewhere');
    mkdirSync(user);
    const result = await runCliFrom(bin, ['run', 'pages', '-u', '--yes'], user, home);
    expect(result.stderr).toContain(refusal(bundled));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    // Refused before the first step: a run whose results could not be kept is not made.
    expect(result.stdout).not.toContain('pages-1');
    expect(readFileSync(bundled, 'utf8')).toBe(BUNDLED);
    expect(existsSync(join(user, 'tutorials'))).toBe(false);
    expect(existsSync(join(installed, 'snapshots'))).toBe(false);
    // Nor is a session: nothing is left "running" for status and resume.
    expect(existsSync(join(home, 'sessions')) ? readdirSync(join(home, 'sessions')) : []).toEqual([]);
    // Inside the installed package too: it is still not a project.
    const inside = await runCliFrom(bin, ['run', 'pages', '-u', '--yes'], installed, home);
    expect(inside.code).toBe(2);
    expect(readFileSync(bundled, 'utf8')).toBe(BUNDLED);
  });

  it('a checkout of alts-tutor: run from another directory -u leaves its tutorials alone; run in the checkout, it updates them', async () => {
    const { dir, home } = makeProject('cli');
    const checkout = join(dir, 'checkout');
    const { bin, bundled } = packageAt(checkout);
    const user = join(dir, 'elsewhere');
    mkdirSync(user);
    const outside = await runCliFrom(bin, ['test', 'pages', '-u'], user, home);
    expect(outside.stdout + outside.stderr).toContain(refusal(bundled).trim());
    expect(outside.code).toBe(1);
    expect(outside.stdout).not.toContain('✓');
    expect(readFileSync(bundled, 'utf8')).toBe(BUNDLED);
    const inside = await runCliFrom(bin, ['test', 'pages', '-u'], checkout, home);
    expect(inside.code).toBe(0);
    expect(readFileSync(bundled, 'utf8')).toContain('id [UUID]');
  });
});

/** The CLI of another copy of the package, as `npx` would start it. */
async function runCliFrom(bin: string, args: string[], cwd: string, home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ALTS_TUTOR_HOME: home, TOKEN: 's3cr3t-value' };
  delete env.CI;
  const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, stderr };
}
