import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { type Session, SessionStore } from '../../src/session/session-store.js';

const NOBODY = 65534;
const homes: string[] = [];
afterAll(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function made(): { home: string; store: SessionStore; session: Session } {
  const home = mkdtempSync(join(tmpdir(), 'alts-perm-'));
  homes.push(home);
  const store = new SessionStore({ ALTS_TUTOR_HOME: join(home, 'state') });
  const session: Session = {
    version: 1,
    id: 'demo-20261123-100000-abcd',
    tutorial: { id: 'demo', file: '/x/demo.md', hash: 'h', title: 'Demo' },
    target: 'local',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    status: 'failed',
    variables: {},
    secretNames: [],
    steps: [{ name: 'a', status: 'not-run' }],
    shellState: { local: 'touch planted' },
    background: [],
  };
  store.create(session);
  store.append(session.id, { type: 'status', status: 'failed' });
  return { home, store, session };
}

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('not refused');
}

describe('the session store is private', () => {
  it('makes its directories 0700 and its files 0600', () => {
    const { home, store, session } = made();
    for (const dir of [join(home, 'state'), store.home, store.dir(session.id), join(store.dir(session.id), 'logs')]) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    for (const file of ['session.json', 'journal.jsonl']) expect(statSync(join(store.dir(session.id), file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['the state home', (store: SessionStore) => join(store.home, '..'), 0o777, 'writable by others (mode 0777); fix with chmod 700'],
    ['sessions/', (store: SessionStore) => store.home, 0o777, 'writable by others (mode 0777); fix with chmod 700'],
    [
      'a session directory',
      (store: SessionStore, id: string) => store.dir(id),
      0o775,
      'writable by its group (mode 0775); fix with chmod 700',
    ],
    [
      'session.json',
      (store: SessionStore, id: string) => join(store.dir(id), 'session.json'),
      0o666,
      'writable by others (mode 0666); fix with chmod 600',
    ],
    [
      'the journal',
      (store: SessionStore, id: string) => join(store.dir(id), 'journal.jsonl'),
      0o620,
      'writable by its group (mode 0620); fix with chmod 600',
    ],
  ])('refuses %s when others can write it, naming the path and the fix', (_, pathOf, mode, problem) => {
    const { store, session } = made();
    const path = pathOf(store, session.id);
    chmodSync(path, mode);
    const message = refusal(() => store.load(session.id));
    expect(message).toMatch(/^session store: /);
    expect(message).toContain(`${path.replace(/\/sessions\/\.\.$/, '')} is ${problem}`);
  });

  it('refuses a session.json that another user owns', () => {
    const { store, session } = made();
    const file = join(store.dir(session.id), 'session.json');
    chownSync(file, NOBODY, NOBODY);
    expect(refusal(() => store.load(session.id))).toBe(
      `session store: ${file} is owned by uid ${NOBODY}, not by this user (uid ${process.geteuid?.()}); remove it, or fix with chown ${process.geteuid?.()} ${file}`,
    );
  });

  it('refuses a journal that is a link, and a listing of a store that is writable by others', () => {
    const { home, store, session } = made();
    const journal = join(store.dir(session.id), 'journal.jsonl');
    rmSync(journal);
    writeFileSync(join(home, 'planted.jsonl'), '');
    symlinkSync(join(home, 'planted.jsonl'), journal);
    expect(refusal(() => store.load(session.id))).toContain(`${journal} is a symbolic link`);
    chmodSync(store.home, 0o777);
    expect(refusal(() => store.ids())).toContain(`${store.home} is writable by others`);
  });

  it('refuses a session id that is not one plain name', () => {
    const { store } = made();
    expect(refusal(() => store.dir('..'))).toContain('".." is not a plain file name');
  });
});
