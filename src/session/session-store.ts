import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { applyResourceChange, type CloudResource, type LedgerEntry } from '../cloud/ledger.js';
import { UserError } from '../errors.js';
import { isPathComponent, pathUnder } from '../safe-paths.js';
import { stateHome } from './session-paths.js';
import { writingTo } from './storage-error.js';
import { checkPrivate } from './store-permissions.js';

export type SessionStatus = 'running' | 'passed' | 'failed' | 'interrupted';
export type SessionStepStatus = 'passed' | 'failed' | 'skipped' | 'not-run';

export interface SessionStep {
  name: string;
  status: SessionStepStatus;
  exitCode?: number;
  durationMs?: number;
  logPath?: string;
  /** Why the log stops short (a full disk). */
  logCut?: string;
  reason?: string;
  finishedAt?: string;
}

export interface SessionBackground {
  step: string;
  host: string;
  /** Process group of the job: everything it started. */
  group: number;
}

/** Everything `resume`, `status` and `cleanup` need. Secrets are never part of it. */
export interface Session {
  version: 1;
  id: string;
  tutorial: { id: string; file: string; hash: string; title: string };
  target: string;
  createdAt: string;
  updatedAt: string;
  status: SessionStatus;
  /** The runner's pid while it runs. */
  pid?: number;
  /** Non-secret variable values; secret names only. */
  variables: Record<string, string>;
  secretNames: string[];
  /** Where the hosts' shells started (`steps/<id>/`, or where `run` was started). */
  workDir?: string;
  /** Every step of the plan, in order, with what became of it. */
  steps: SessionStep[];
  /** Per host: bash that recreates the shell's state after its last passed step. */
  shellState: Record<string, string>;
  /** Background steps running now (their groups are stopped when the run ends). */
  background: SessionBackground[];
  /**
   * The resource ledger: the cloud resources the steps created (from gcloud's output), and
   * which of them were deleted since. Absent in sessions written before the ledger existed.
   */
  resources?: LedgerEntry[];
}

/** One line of a session's journal: what changed since `session.json` was written. */
export type JournalEntry =
  /** A step's result, with the host's shell state after it when it passed: one line, one write. */
  | {
      type: 'step';
      step: SessionStep;
      shell?: { host: string; state: string };
      /** The step's whole output when small: its log may not have been written yet (see completeLogs). */
      output?: string;
    }
  | { type: 'shell'; host: string; state: string }
  | { type: 'background'; job: SessionBackground }
  | { type: 'background-stopped'; step: string }
  /** A variable set during the run; without a value it is a secret (its name only is kept). */
  | { type: 'variable'; name: string; value?: string }
  | { type: 'status'; status: SessionStatus; pid?: number }
  /** A step's output (or `alts-tutor cleanup`) created or deleted a cloud resource. */
  | { type: 'resource'; change: 'created' | 'deleted'; resource: CloudResource; step: string };

/**
 * Sessions on disk: `<home>/sessions/<id>/session.json`, written atomically (temp file, fsync,
 * rename), plus `journal.jsonl`, one appended line per change. Appending is what makes a
 * 500-step run cheap to record and a SIGKILL at any moment harmless: a torn last line is
 * ignored, every whole line is applied. The journal is folded into `session.json` when a run
 * ends. Directories are 0700 and files 0600.
 */
export class SessionStore {
  readonly home: string;
  /** The state home (`$ALTS_TUTOR_HOME`…) that holds `sessions/`. */
  private readonly root: string;
  /** Open journal files: one descriptor (and its path) per session for the whole run, not one per line. */
  private readonly journals = new Map<string, { fd: number; file: string }>();

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.root = stateHome(env);
    this.home = join(this.root, 'sessions');
  }

  /** A session's directory; an id that is not one plain name (`..`) is refused. */
  dir(id: string): string {
    return pathUnder(this.home, id);
  }

  /** Writes a new session's file. */
  create(session: Session): void {
    this.checkStore();
    mkdirSync(join(this.dir(session.id), 'logs'), { recursive: true, mode: 0o700 });
    this.checkSession(session.id);
    this.write(session);
  }

  /** The state home and `sessions/` are this user's alone (store-permissions.ts says why). */
  private checkStore(): void {
    checkPrivate(this.root, 'directory', { follow: true });
    checkPrivate(this.home, 'directory');
  }

  /** The store, the session's directories and the files that are read back. */
  private checkSession(id: string): void {
    this.checkStore();
    const dir = this.dir(id);
    checkPrivate(dir, 'directory');
    checkPrivate(join(dir, 'logs'), 'directory');
    for (const file of ['session.json', 'journal.jsonl', 'lock']) checkPrivate(join(dir, file), 'file');
  }

  append(id: string, entry: JournalEntry): void {
    const line = JSON.stringify({ ...entry, at: new Date().toISOString() });
    let journal = this.journals.get(id);
    if (journal === undefined) {
      this.checkSession(id);
      const file = join(this.dir(id), 'journal.jsonl');
      // A last line cut short by a kill must not swallow the next one: start on a line of its own.
      const cut = existsSync(file) && !/(^|\n)$/.test(readFileSync(file, 'utf8').slice(-1));
      const fd = writingTo(file, () => openSync(file, 'a', 0o600));
      if (cut) writingTo(file, () => writeSync(fd, '\n'));
      journal = { fd, file };
      this.journals.set(id, journal);
    }
    const { fd, file } = journal;
    writingTo(file, () => writeSync(fd, `${line}\n`));
  }

  /** The session with its journal applied. A corrupt `session.json` is moved aside: exit 2. */
  load(id: string): Session {
    this.checkSession(id);
    const file = join(this.dir(id), 'session.json');
    if (!existsSync(file)) throw new UserError(`no session ${id}`, 'alts-tutor status lists the sessions');
    let session: Session;
    try {
      session = JSON.parse(readFileSync(file, 'utf8')) as Session;
      if (session.version !== 1 || !Array.isArray(session.steps)) throw new Error('not a session file');
    } catch (error) {
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      // JSON.parse quotes the file's text in its message: without this, garbage in the file
      // spread the error over several lines and sent its escape sequences to the terminal.
      const reason = (error as Error).message.replace(/\p{Cc}+/gu, ' ').slice(0, 200);
      throw new UserError(`session ${id} is unreadable (${reason}); it was moved to ${aside}`, 'start again with alts-tutor run');
    }
    const entries = this.readJournal(id);
    this.completeLogs(id, entries);
    return applyJournal(session, entries);
  }

  /**
   * A small log is written after its step, in the background, while the journal line already
   * holds the output: a runner killed in between left the log missing or short. It is written
   * here from the line, so no step's output is lost. Only a plain name in the session's own
   * logs/, never through a link; a log that cannot be written now stays as it is.
   */
  private completeLogs(id: string, entries: Array<JournalEntry & { at?: string }>): void {
    const logs = join(this.dir(id), 'logs');
    for (const entry of entries) {
      if (entry.type !== 'step' || entry.output === undefined || entry.step.logPath === undefined) continue;
      const path = entry.step.logPath;
      if (dirname(path) !== logs || !isPathComponent(basename(path))) continue;
      const data = Buffer.from(entry.output);
      try {
        if (lstatSync(path).size >= data.length) continue;
      } catch {
        // Missing: written below.
      }
      try {
        const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
        try {
          writeSync(fd, data);
        } finally {
          closeSync(fd);
        }
      } catch {
        // A full disk or a link: the output stays in the journal until the next load.
      }
    }
  }

  /** Folds the journal into `session.json` (atomically) and empties it. */
  compact(session: Session): void {
    const open = this.journals.get(session.id);
    if (open !== undefined) closeSync(open.fd);
    this.journals.delete(session.id);
    this.write(session);
    const journal = join(this.dir(session.id), 'journal.jsonl');
    if (existsSync(journal)) closeSync(openSync(journal, 'w', 0o600));
  }

  /** Every session id, oldest first (ids start with the tutorial, then the time). */
  ids(): string[] {
    this.checkStore();
    if (!existsSync(this.home)) return [];
    return readdirSync(this.home)
      .filter((name) => existsSync(join(this.home, name, 'session.json')))
      .sort((a, b) => sessionTime(a).localeCompare(sessionTime(b)) || a.localeCompare(b));
  }

  private readJournal(id: string): Array<JournalEntry & { at?: string }> {
    const file = join(this.dir(id), 'journal.jsonl');
    if (!existsSync(file)) return [];
    const entries: Array<JournalEntry & { at?: string }> = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by a kill: everything before it stands.
      }
    }
    return entries;
  }

  private write(session: Session): void {
    const file = join(this.dir(session.id), 'session.json');
    const temp = `${file}.${process.pid}.tmp`;
    writingTo(file, () => {
      const fd = openSync(temp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(session, null, 2)}\n`);
        fsyncSync(fd);
      } catch (error) {
        // The old session.json stands; a half-written temp file would only take space.
        rmSync(temp, { force: true });
        throw error;
      } finally {
        closeSync(fd);
      }
      renameSync(temp, file);
    });
  }
}

export function applyJournal(session: Session, entries: Array<JournalEntry & { at?: string }>): Session {
  const result: Session = structuredClone(session);
  for (const entry of entries) {
    if (entry.at) result.updatedAt = entry.at;
    switch (entry.type) {
      case 'step': {
        const index = result.steps.findIndex((step) => step.name === entry.step.name);
        if (index === -1) result.steps.push(entry.step);
        else result.steps[index] = entry.step;
        if (entry.shell) result.shellState[entry.shell.host] = entry.shell.state;
        break;
      }
      case 'shell':
        result.shellState[entry.host] = entry.state;
        break;
      case 'background':
        result.background = [...result.background.filter((job) => job.step !== entry.job.step), entry.job];
        break;
      case 'variable':
        if (entry.value === undefined) {
          delete result.variables[entry.name];
          if (!result.secretNames.includes(entry.name)) result.secretNames.push(entry.name);
        } else {
          result.variables[entry.name] = entry.value;
        }
        break;
      case 'background-stopped':
        result.background = result.background.filter((job) => job.step !== entry.step);
        break;
      case 'status':
        result.status = entry.status;
        if (entry.pid === undefined) delete result.pid;
        else result.pid = entry.pid;
        break;
      case 'resource':
        result.resources = applyResourceChange(result.resources ?? [], entry, entry.step, entry.at ?? result.updatedAt);
        break;
    }
  }
  return result;
}

/** `alts-grpc-20261123-142501-3f9a` → `20261123-142501`. */
function sessionTime(id: string): string {
  return /(\d{8}-\d{6})-[0-9a-f]{4}$/.exec(id)?.[1] ?? '';
}
