import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { type Session, SessionStore } from '../../src/session/session-store.js';

const homes: string[] = [];
afterAll(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function store(): SessionStore {
  const home = mkdtempSync(join(tmpdir(), 'alts-store-'));
  homes.push(home);
  return new SessionStore({ ALTS_TUTOR_HOME: home });
}

function session(id: string): Session {
  return {
    version: 1,
    id,
    tutorial: { id: 'demo', file: '/x/demo.md', hash: 'h', title: 'Demo' },
    target: 'local',
    createdAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    status: 'running',
    pid: 1234,
    variables: { ZONE: 'z' },
    secretNames: ['TOKEN'],
    steps: [
      { name: 'a', status: 'not-run' },
      { name: 'b', status: 'not-run' },
    ],
    shellState: {},
    background: [],
  };
}

describe('SessionStore', () => {
  it('creates a private directory and file, and reads back what the journal added', () => {
    const sessions = store();
    sessions.create(session('demo-20261123-100000-aaaa'));
    const dir = sessions.dir('demo-20261123-100000-aaaa');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'session.json')).mode & 0o777).toBe(0o600);
    sessions.append('demo-20261123-100000-aaaa', { type: 'step', step: { name: 'a', status: 'passed', exitCode: 0 } });
    sessions.append('demo-20261123-100000-aaaa', { type: 'shell', host: 'local', state: 'X=1\n' });
    sessions.append('demo-20261123-100000-aaaa', { type: 'background', job: { step: 'srv', host: 'local', group: 42 } });
    const loaded = sessions.load('demo-20261123-100000-aaaa');
    expect(loaded.steps.map((step) => `${step.name}:${step.status}`)).toEqual(['a:passed', 'b:not-run']);
    expect(loaded.shellState).toEqual({ local: 'X=1\n' });
    expect(loaded.background).toEqual([{ step: 'srv', host: 'local', group: 42 }]);
    expect(statSync(join(dir, 'journal.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('ignores a journal line cut short by a kill and keeps every whole line', () => {
    const sessions = store();
    const id = 'demo-20261123-100000-bbbb';
    sessions.create(session(id));
    sessions.append(id, { type: 'step', step: { name: 'a', status: 'passed' } });
    appendFileSync(join(sessions.dir(id), 'journal.jsonl'), '{"type":"step","step":{"name":"b","sta');
    expect(sessions.load(id).steps.map((step) => step.status)).toEqual(['passed', 'not-run']);
  });

  it('compact folds the journal into session.json and empties it', () => {
    const sessions = store();
    const id = 'demo-20261123-100000-cccc';
    sessions.create(session(id));
    sessions.append(id, { type: 'status', status: 'failed' });
    sessions.compact(sessions.load(id));
    expect(readFileSync(join(sessions.dir(id), 'journal.jsonl'), 'utf8')).toBe('');
    const saved = JSON.parse(readFileSync(join(sessions.dir(id), 'session.json'), 'utf8')) as Session;
    expect(saved.status).toBe('failed');
    expect(saved.pid).toBeUndefined();
  });

  it('moves a corrupt session file aside and says so', () => {
    const sessions = store();
    const id = 'demo-20261123-100000-dddd';
    sessions.create(session(id));
    writeFileSync(join(sessions.dir(id), 'session.json'), '{ not json');
    expect(() => sessions.load(id)).toThrow(UserError);
    expect(existsSync(join(sessions.dir(id), 'session.json'))).toBe(false);
    expect(readdirSync(sessions.dir(id)).some((name) => name.startsWith('session.json.corrupt-'))).toBe(true);
  });

  it('lists sessions oldest first by the time in their id', () => {
    const sessions = store();
    for (const id of ['zeta-20261123-120000-0001', 'alpha-20261123-130000-0002', 'beta-20261123-110000-0003']) sessions.create(session(id));
    expect(sessions.ids()).toEqual(['beta-20261123-110000-0003', 'zeta-20261123-120000-0001', 'alpha-20261123-130000-0002']);
  });
});

describe('variables set during a run', () => {
  it('keeps a new value, and only the name of a secret', () => {
    const sessions = store();
    const id = 'demo-20261123-100000-eeee';
    sessions.create(session(id));
    sessions.append(id, { type: 'variable', name: 'ZONE', value: 'europe-west1-b' });
    sessions.append(id, { type: 'variable', name: 'API_KEY' });
    const loaded = sessions.load(id);
    expect(loaded.variables).toEqual({ ZONE: 'europe-west1-b' });
    expect(loaded.secretNames).toEqual(['TOKEN', 'API_KEY']);
  });
});

describe('a small log written after its step', () => {
  it('is written by load from the journal line when a kill left it missing or short, and never kept in session.json', () => {
    const sessions = store();
    const id = 'demo-20261123-100000-cccc';
    sessions.create(session(id));
    const logs = join(sessions.dir(id), 'logs');
    const missing = join(logs, '001-a.log');
    const short = join(logs, '002-b.log');
    writeFileSync(short, 'hal');
    sessions.append(id, { type: 'step', step: { name: 'a', status: 'passed', logPath: missing }, output: 'all of a\n' });
    sessions.append(id, { type: 'step', step: { name: 'b', status: 'passed', logPath: short }, output: 'half of b, then the rest\n' });
    // A line naming a path outside the session's logs/ is not written.
    const outside = join(sessions.dir(id), 'elsewhere.log');
    sessions.append(id, { type: 'step', step: { name: 'c', status: 'passed', logPath: outside }, output: 'x\n' });
    const loaded = sessions.load(id);
    expect(readFileSync(missing, 'utf8')).toBe('all of a\n');
    expect(readFileSync(short, 'utf8')).toBe('half of b, then the rest\n');
    expect(existsSync(outside)).toBe(false);
    sessions.compact(loaded);
    expect(readFileSync(join(sessions.dir(id), 'session.json'), 'utf8')).not.toContain('all of a');
  });
});
