import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portOpen, runCli } from '../cli/helpers.js';
import { fixture, seed } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An empty project directory with a private state home; `cli` runs the real bin in it. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'alts-import-'));
  dirs.push(dir);
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: join(dir, '.state') } });
  return { dir, cli };
}

/** The local fixture document, serving on a port free now (the fixture says 8765). */
async function localDocument(dir: string, name: string): Promise<number> {
  const port = await freePort();
  writeFileSync(join(dir, name), fixture(name).replaceAll('8765', String(port)));
  return port;
}

describe('alts-tutor import, end to end', () => {
  it.each([
    ['serve-a-directory.md', []],
    ['serve-a-directory.txt', ['--id', 'serve-a-directory']],
  ])('a simple local document (%s) becomes a draft that `test --ci` passes as it is', async (name, extra) => {
    const { dir, cli } = project();
    const port = await localDocument(dir, name);
    const imported = await cli(['import', name, ...extra]);
    expect(imported.stderr).toContain('imported');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe('tutorials/serve-a-directory.md\nsnapshots/serve-a-directory/date.txt\n');
    expect(imported.stderr).toContain(`background: "python3 -m http.server ${port} --bind 127.0.0.1" keeps running; ready=port:${port}`);
    expect(imported.stderr).toContain('dropped "kill %1": the run starts and stops background steps itself');
    expect(readFileSync(join(dir, 'snapshots/serve-a-directory/date.txt'), 'utf8')).toBe('[TIMESTAMP]\n');

    const tested = await cli(['test', 'serve-a-directory', '--ci']);
    expect(tested.stdout).toContain('passed: 1 of 1 tutorials passed');
    expect(tested.stdout).not.toContain('note:');
    expect(tested.code).toBe(0);
    // The teardown step removed the workspace, and the run stopped the server.
    expect(existsSync(join(dir, 'demo'))).toBe(false);
    expect(await portOpen(port)).toBe(false);

    const linted = await cli(['lint', 'serve-a-directory']);
    expect(linted.code).toBe(0);
  });

  it('imports a scraped page: a draft, and a report of what it could not classify, with exit 0', async () => {
    const { dir, cli } = project();
    writeFileSync(join(dir, 'alts.txt'), seed('001'));
    const result = await cli(['import', 'alts.txt']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('tutorials/alts.md');
    expect(result.stderr).toContain('could not classify');
    expect(result.stderr).toContain('alts.txt:27: a command that looks cut off: "export SERVER_SERVICE_ACCOUNT=alts-server@$"');
    expect(result.stderr).toMatch(/draft written, but \d+ parts could not be classified/);
  });

  it('refuses to overwrite a tutorial without --force, and with --force replaces it and its old snapshots', async () => {
    const { dir, cli } = project();
    await localDocument(dir, 'serve-a-directory.md');
    expect((await cli(['import', 'serve-a-directory.md'])).code).toBe(0);
    mkdirSync(join(dir, 'snapshots/serve-a-directory'), { recursive: true });
    writeFileSync(join(dir, 'snapshots/serve-a-directory/old-step.txt'), 'old\n');

    const refused = await cli(['import', 'serve-a-directory.md']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'alts-tutor: tutorials/serve-a-directory.md already exists\n  add --force to overwrite it, or choose another --id\n',
    );

    const forced = await cli(['import', 'serve-a-directory.md', '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(dir, 'snapshots/serve-a-directory/old-step.txt'))).toBe(false);
    expect(existsSync(join(dir, 'snapshots/serve-a-directory/date.txt'))).toBe(true);
  });

  it.each([
    ['a missing file', 'nope.md', undefined, 'alts-tutor: no such file: nope.md\n'],
    [
      'a binary file',
      'image.md',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      'alts-tutor: image.md is a binary file, not a text document\n',
    ],
    ['an empty file', 'empty.md', ' \n\n', 'alts-tutor: empty.md is empty\n'],
    ['a file that is not UTF-8', 'latin.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'alts-tutor: latin.txt is not UTF-8 text\n'],
  ])('rejects %s with exit 2 and writes nothing', async (_what, name, content, message) => {
    const { dir, cli } = project();
    if (content !== undefined) writeFileSync(join(dir, name), content);
    const result = await cli(['import', name]);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'tutorials'))).toBe(false);
  });

  it('rejects a directory and an --id that is no tutorial id', async () => {
    const { dir, cli } = project();
    mkdirSync(join(dir, 'docs'));
    expect(await cli(['import', 'docs'])).toMatchObject({ code: 2, stderr: 'alts-tutor: docs is a directory, not a document\n' });
    expect(await cli(['import', '/dev/zero'])).toMatchObject({
      code: 2,
      stderr: 'alts-tutor: /dev/zero is not a regular file, not a document\n',
    });
    writeFileSync(join(dir, 'a.md'), '$ echo a\na\n');
    const badId = await cli(['import', 'a.md', '--id', '../escape']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('--id "../escape" is not a tutorial id');
    // A draft is loaded as a tutorial later: its id must be the slug a tutorial id is.
    const dotted = await cli(['import', 'a.md', '--id', 'my.tutorial']);
    expect(dotted.code).toBe(2);
    expect(dotted.stderr).toContain('--id "my.tutorial" is not a tutorial id');
    expect(existsSync(join(dir, 'tutorials'))).toBe(false);
  });
});
