import { basename } from 'node:path';
import { displayPath, findTutorialFile, projectTutorialFiles } from '../format/catalog.js';
import type { Paint } from '../report/colors.js';
import { showControls } from '../report/visible-text.js';
import type { RunEvent } from '../run/events.js';
import { selectShard, type TestIo, type TestOptions, type TestSummary, testTutorials } from '../run/test-tutorials.js';
import { belongsTo, fingerprint, type WatchedTutorial, watchedTutorial, watchProjects } from '../run/watch-files.js';

export interface WatchScreen {
  /** The report's own stream, so that the summary comes after the report it sums up. */
  write(text: string): void;
  flush(): void;
  /** A terminal: the screen is cleared before each rerun, as vitest does. */
  isTTY: boolean;
  paint: Paint;
}

/** Saves come in bursts (an editor writes, renames, touches): one rerun once they have settled. */
const SETTLE_MS = 150;

const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

/** What became of a tutorial at its latest run. */
interface TutorialState {
  state: 'passed' | 'failed' | 'interrupted' | 'skipped';
  detail?: string;
}

/**
 * `test --watch`: the same test service, run once, then again for the tutorials whose files
 * change (the tutorial, its `steps/<id>/`, its snapshots), each rerun under a one-screen summary.
 * Ctrl-C (or SIGTERM, SIGHUP) ends it; the summary it returns is interrupted (exit 130).
 */
export function watchTests(screen: WatchScreen): (options: TestOptions, io: TestIo) => Promise<TestSummary> {
  return async (options, io) => {
    const files = selectShard(
      options.tutorials.length > 0
        ? options.tutorials.map((reference) => findTutorialFile(reference, io.cwd))
        : projectTutorialFiles(io.cwd),
      options.shard,
    );
    const watched = new Map(files.map((file) => [file, watchedTutorial(file)]));
    const states = new Map<string, TutorialState>();
    const tracked = trackStates(io, states);

    let stopping = false;
    let wake: (() => void) | undefined;
    const stop = () => {
      stopping = true;
      wake?.();
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, stop);
    const changed = new Set<string>();
    let settle: NodeJS.Timeout | undefined;
    const watcher = watchProjects([...watched.values()], (path) => {
      changed.add(path);
      clearTimeout(settle);
      settle = setTimeout(() => wake?.(), SETTLE_MS);
    });
    try {
      let summary = await testTutorials(options, tracked);
      const baselines = new Map([...watched.values()].map((tutorial) => [tutorial.file, fingerprint(tutorial)]));
      writeSummary(screen, watched, states, 'first run');
      while (!stopping && !summary.interrupted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (stopping) resolve();
          // Changes seen while the run went on are looked at now (most are the run's own writes).
          else if (changed.size > 0) settle = setTimeout(resolve, SETTLE_MS);
        });
        wake = undefined;
        if (stopping) break;
        const paths = [...changed];
        changed.clear();
        if (options.tutorials.length === 0) {
          // A new tutorial saved in a tutorials/ directory joins the watch.
          for (const path of paths.filter((entry) => entry.endsWith('.md') && projectTutorialFiles(io.cwd).includes(entry))) {
            if (!watched.has(path)) watched.set(path, watchedTutorial(path));
          }
        }
        const due = [...watched.values()].filter(
          (tutorial) =>
            states.get(basename(tutorial.file, '.md'))?.state !== 'skipped' &&
            paths.some((path) => belongsTo(path, tutorial)) &&
            fingerprint(tutorial) !== baselines.get(tutorial.file),
        );
        if (due.length === 0) continue;
        const because = [...new Set(paths.filter((path) => due.some((tutorial) => belongsTo(path, tutorial))).map(displayPath))];
        if (screen.isTTY) screen.write(CLEAR);
        screen.write(`${screen.paint('cyan', 'rerun')} ${showControls(due.map((tutorial) => basename(tutorial.file, '.md')).join(', '))}`);
        screen.write(
          `${screen.paint('dim', showControls(` (${because.slice(0, 3).join(', ')}${because.length > 3 ? ', …' : ''} changed)`))}\n`,
        );
        for (const tutorial of due) watched.set(tutorial.file, watchedTutorial(tutorial.file));
        summary = await testTutorials({ ...options, shard: undefined, tutorials: due.map((tutorial) => tutorial.file) }, tracked);
        // What the run wrote (snapshots, the page, builds under steps/) is part of the new state.
        for (const tutorial of due) baselines.set(tutorial.file, fingerprint(watched.get(tutorial.file) ?? tutorial));
        writeSummary(screen, watched, states, `rerun at ${new Date().toTimeString().slice(0, 8)}`);
      }
    } finally {
      clearTimeout(settle);
      watcher.close();
      for (const signal of signals) process.off(signal, stop);
    }
    const counted = [...states.values()].filter((entry) => entry.state !== 'skipped');
    return { tutorials: counted.length, failed: counted.filter((entry) => entry.state !== 'passed').length, interrupted: true };
  };
}

/** The io, noting what becomes of each tutorial, for the summary. */
function trackStates(io: TestIo, states: Map<string, TutorialState>): TestIo {
  return {
    ...io,
    reporter: (secrets) => {
      const inner = io.reporter(secrets);
      let id = '';
      let session = '';
      return (event: RunEvent) => {
        if (event.type === 'run-start') {
          id = basename(event.plan.tutorial.file, '.md');
          session = event.sessionId;
        }
        if (event.type === 'run-end') {
          // From the run's result: a mismatch accepted under -i was a failed step-end first.
          const failedStep = [...event.result.steps, ...event.result.teardown].find((step) => step.status === 'failed')?.name;
          const detail = failedStep === undefined ? undefined : `step ${failedStep} failed · alts-tutor logs ${session} ${failedStep}`;
          states.set(id, { state: event.result.status, ...(detail !== undefined && { detail }) });
        }
        inner(event);
      };
    },
    problem: (tutorial, file, message) => {
      states.set(tutorial, { state: 'failed', detail: message.split('\n')[0] ?? message });
      io.problem(tutorial, file, message);
    },
    skipped: (tutorial, file, reason) => {
      states.set(tutorial, { state: 'skipped', detail: reason });
      io.skipped?.(tutorial, file, reason);
    },
  };
}

function writeSummary(
  screen: WatchScreen,
  watched: Map<string, WatchedTutorial>,
  states: Map<string, TutorialState>,
  lastRun: string,
): void {
  const { paint } = screen;
  const ids = [...watched.values()].map((tutorial) => basename(tutorial.file, '.md')).sort();
  const failed = ids.filter((id) => ['failed', 'interrupted'].includes(states.get(id)?.state ?? '')).length;
  const lines = [
    '',
    paint(
      'bold',
      `watch: ${ids.length} tutorial${ids.length === 1 ? '' : 's'}, ${failed === 0 ? paint('green', 'none failing') : paint('red', `${failed} failing`)} (${lastRun})`,
    ),
  ];
  for (const id of ids) {
    const entry = states.get(id);
    const mark = {
      passed: paint('green', '✓'),
      failed: paint('red', '✗'),
      interrupted: paint('yellow', '✗'),
      skipped: paint('yellow', '-'),
    };
    const detail = entry?.detail ?? (entry === undefined ? 'not run' : '');
    lines.push(
      `  ${entry ? mark[entry.state] : paint('dim', '·')} ${showControls(id)}${detail ? paint('dim', `  ${showControls(detail)}`) : ''}`,
    );
  }
  lines.push(paint('dim', 'waiting for changes to the tutorials, their steps/ and snapshots/ · Ctrl-C to stop'), '');
  screen.write(lines.join('\n'));
  screen.flush();
}
