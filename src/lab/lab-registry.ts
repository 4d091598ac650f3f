import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { namesIn } from './lab-names.js';

/** A process, told from a later one with the same pid by its start time. */
export interface ProcessStamp {
  pid: number;
  /** Clock ticks after boot (field 22 of /proc/PID/stat). */
  startTime: string;
}

/** Who owns a lab, and for a lab in a user namespace, the process that holds that namespace. */
export interface OwnerRecord {
  owner: ProcessStamp;
  holder?: ProcessStamp;
}

/**
 * Which process owns each lab, so that a later run removes only the labs of runs that are
 * gone. Root's labs are recorded on /run, which a reboot clears as it clears the namespaces;
 * an ordinary user's in their runtime directory.
 */
export class LabRegistry {
  constructor(readonly dir: string) {}

  /** The registry of labs this process can make: root's, or this user's. */
  static forThisUser(env: NodeJS.ProcessEnv): LabRegistry {
    const uid = process.getuid?.() ?? 0;
    if (uid === 0) return new LabRegistry('/run/alts-tutor/labs');
    return new LabRegistry(
      env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'alts-tutor', 'labs') : join(tmpdir(), `alts-tutor-labs-${uid}`),
    );
  }

  /**
   * A new lab id (the prefix and four hex digits) with this process recorded as its owner, made
   * before the lab's first namespace. The record appears whole or not at all (a hard link of a
   * finished file, which fails if the name exists): two runners never get one id, and another
   * run's cleanup never reads a half-written record as a lab without an owner. `inUse` says
   * whether names of that id exist already (left by a crash).
   */
  claim(prefix: string, inUse: (id: string) => boolean): string {
    this.ensureDir();
    const record: OwnerRecord = { owner: stampOf(process.pid) ?? { pid: process.pid, startTime: '' } };
    const draft = this.draft(record);
    try {
      for (;;) {
        const id = `${prefix}${randomBytes(2).toString('hex')}`;
        if (inUse(id)) continue;
        try {
          linkSync(draft, this.file(id));
          return id;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } finally {
      rmSync(draft, { force: true });
    }
  }

  read(id: string): OwnerRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.file(id), 'utf8')) as OwnerRecord;
    } catch {
      return undefined;
    }
  }

  /** Replaces the record of lab `id` in one step, for the same reason as `claim`. */
  write(id: string, record: OwnerRecord): void {
    renameSync(this.draft(record), this.file(id));
  }

  remove(id: string): void {
    rmSync(this.file(id), { force: true });
  }

  /** The ids of the labs recorded here. */
  ids(): string[] {
    return namesIn(this.dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length));
  }

  /** True while the process that made lab `id` runs; false for a lab without a record. */
  ownerAlive(id: string): boolean {
    const owner = this.read(id)?.owner;
    return owner !== undefined && stillRunning(owner);
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** The record written to a file of this process's own, which `ids` does not list. */
  private draft(record: OwnerRecord): string {
    const file = join(this.dir, `.draft-${process.pid}`);
    writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o644 });
    return file;
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    // In a shared /tmp, a directory someone else made could feed us their records.
    const uid = process.getuid?.() ?? 0;
    if (statSync(this.dir).uid !== uid) throw new UserError(`${this.dir} belongs to another user`, 'remove it, or set XDG_RUNTIME_DIR');
  }
}

/** The stamp of a running process; undefined when it is gone or a zombie. */
export function stampOf(pid: number): ProcessStamp | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19];
    return fields[0] === 'Z' || startTime === undefined ? undefined : { pid, startTime };
  } catch {
    return undefined;
  }
}

/** The stamped process still runs (its pid was not reused by another). */
export function stillRunning(stamp: ProcessStamp): boolean {
  return stampOf(stamp.pid)?.startTime === stamp.startTime;
}
