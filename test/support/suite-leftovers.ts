import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ETC_NETNS_DIR, labPrefix, NETNS_DIR, namesIn } from '../../src/lab/lab-names.js';
import { LabRegistry } from '../../src/lab/lab-registry.js';

/**
 * The suite leaves nothing behind: a vitest globalSetup. Before the run it lists what carries
 * the suite's own names (entries of /tmp and /dev/shm, lab namespaces and their /etc/netns
 * files, lab owner records) and the processes running; after the run it lists them again, and
 * anything new is printed by name and fails the run.
 *
 * The run also gets a TMPDIR of its own (/tmp/alts-suite-XXXXXX), which the workers, and every
 * program they start, inherit: whatever a test forgets to remove lands there, is reported, and
 * is removed with it. Its processes are found by it too: a process is the run's when its
 * environment, working directory or command line names that directory.
 */

/** How the names the tests, the fakes and the product give to temporary files begin. */
const TEMPORARY_PREFIXES = ['alts-', 'atlt', 'athx-', 'atssh', 'attp-', 'tmux-', 'tmp.'];
/** This run's TMPDIR, and those of other runs at the same time: each run checks its own. */
const SUITE_PREFIX = 'alts-suite-';
/** The product's lab names (`altslab-`), and the tests' own (ALTS_TUTOR_LAB_PREFIX=atlta-, atltb-, …). */
const LAB_PREFIXES = [labPrefix({}), 'atlt'];
/** Leftovers may still be on their way out (a SIGKILL is delivered, not done, when kill returns). */
const SETTLE_MS = 5000;

interface Listing {
  names: Set<string>;
  processes: Set<string>;
}

/** Everything on this machine with one of the suite's names, each as the line a report shows. */
function namedThings(): Set<string> {
  const labRecords = LabRegistry.forThisUser(process.env).dir;
  const things = [
    ...namesIn('/tmp')
      .filter((name) => startsWithAny(name, TEMPORARY_PREFIXES) && !name.startsWith(SUITE_PREFIX))
      .map((name) => `/tmp/${name}`),
    ...namesIn('/dev/shm')
      .filter((name) => startsWithAny(name, TEMPORARY_PREFIXES))
      .map((name) => `/dev/shm/${name}`),
    ...namesIn(NETNS_DIR)
      .filter((name) => startsWithAny(name, LAB_PREFIXES))
      .map((name) => `network namespace ${name}`),
    ...namesIn(ETC_NETNS_DIR)
      .filter((name) => startsWithAny(name, LAB_PREFIXES))
      .map((name) => `${ETC_NETNS_DIR}/${name}`),
    ...namesIn(labRecords)
      .filter((name) => startsWithAny(name, LAB_PREFIXES))
      .map((name) => `lab owner record ${labRecords}/${name}`),
  ];
  return new Set(things);
}

/** Each running process as `pid:start time`, which a later process with the same pid does not share. */
function processStamps(): Set<string> {
  const stamps = new Set<string>();
  for (const pid of pids()) {
    const stat = statOf(pid);
    if (stat && stat.state !== 'Z') stamps.add(`${pid}:${stat.startTime}`);
  }
  return stamps;
}

function list(): Listing {
  return { names: namedThings(), processes: processStamps() };
}

/** What is there now and was not before: lines for the report, and the run's processes left. */
function leftovers(before: Listing, suiteDir: string): { lines: string[]; pids: number[] } {
  const lines = [...namedThings()].filter((name) => !before.names.has(name));
  lines.push(...namesIn(suiteDir).map((name) => join(suiteDir, name)));
  const left: number[] = [];
  for (const stamp of processStamps()) {
    if (before.processes.has(stamp)) continue;
    const pid = Number(stamp.split(':')[0]);
    if (!isRunProcess(pid, suiteDir)) continue;
    left.push(pid);
    lines.push(`process ${pid}: ${commandLine(pid)}`);
  }
  return { lines, pids: left };
}

/**
 * A process the tests started: it names the run's TMPDIR, which it inherited (every program a
 * test starts does, unless the test gives it an environment of its own; those run in a project
 * directory under it). Vitest's own (its workers, esbuild) are this process's children and run
 * from node_modules; what the tests start are the workers' children, or orphans.
 */
function isRunProcess(pid: number, suiteDir: string): boolean {
  if (pid === process.pid) return false;
  const command = commandLine(pid);
  if (statOf(pid)?.ppid === process.pid && command.includes('/node_modules/')) return false;
  if (command.includes(suiteDir)) return true;
  try {
    if (readlinkSync(`/proc/${pid}/cwd`).startsWith(suiteDir)) return true;
    return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(suiteDir);
  } catch {
    return false;
  }
}

export default function setup(): () => Promise<void> {
  const before = list();
  const suiteDir = mkdtempSync(join(tmpdir(), SUITE_PREFIX));
  // Tests run programs as another user (nobody) in directories under it.
  chmodSync(suiteDir, 0o755);
  const tmpdirBefore = process.env.TMPDIR;
  process.env.TMPDIR = suiteDir;

  return async () => {
    let found = leftovers(before, suiteDir);
    const deadline = Date.now() + SETTLE_MS;
    while (found.lines.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = leftovers(before, suiteDir);
    }
    for (const pid of found.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(suiteDir, { recursive: true, force: true });
    if (tmpdirBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdirBefore;
    if (found.lines.length === 0) return;
    console.error(
      [
        '',
        `The test run left ${found.lines.length} thing(s) behind (test/support/suite-leftovers.ts;`,
        `what was in ${suiteDir} is removed now, and its processes killed):`,
        ...found.lines.map((line) => `  ${line}`),
        '',
      ].join('\n'),
    );
    // A globalSetup's teardown that throws is only logged; the run must fail.
    process.exitCode = 1;
  };
}

function startsWithAny(name: string, prefixes: string[]): boolean {
  return prefixes.some((prefix) => name.startsWith(prefix));
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Fields of /proc/PID/stat: state, parent, start time (clock ticks after boot). */
function statOf(pid: number): { state: string; ppid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}
