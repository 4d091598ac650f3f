import { existsSync, type FSWatcher, lstatSync, readdirSync, watch } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { loadTutorial, projectRootOf } from '../format/catalog.js';

/** A tutorial `test --watch` follows: its file, and the `steps/<id>/` and `snapshots/<id>/` that belong to it. */
export interface WatchedTutorial {
  file: string;
  id: string;
  root: string;
}

/** What editors write beside the file they save (vim's swap files and its 4913 probe, emacs' locks, backups). */
const EDITOR_LITTER = /(^|\/)(\.[^/]*\.sw[a-p]|4913|\.#[^/]*|#[^/]*#|[^/]*~)$/;

export function watchedTutorial(file: string): WatchedTutorial {
  let id = basename(file, '.md');
  try {
    id = loadTutorial(file).id;
  } catch {
    // A tutorial that does not parse is still watched under its file name: saving a fix reruns it.
  }
  return { file, id, root: projectRootOf(file) };
}

/** Whether a changed path is the tutorial's, and so calls for a rerun of it. */
export function belongsTo(path: string, tutorial: WatchedTutorial): boolean {
  if (EDITOR_LITTER.test(path)) return false;
  if (path === tutorial.file) return true;
  return ['steps', 'snapshots'].some((kind) => {
    const dir = join(tutorial.root, kind, tutorial.id);
    return path === dir || path.startsWith(`${dir}${sep}`);
  });
}

/**
 * The state of a tutorial's files: path, size and modification time of each (links are not
 * followed). A change is a difference from the state after the tutorial's last run, which is
 * how what the run itself wrote (snapshots with `-u`, the page updated in place, a build under
 * `steps/<id>/`) never starts another run.
 */
export function fingerprint(tutorial: WatchedTutorial): string {
  const lines: string[] = [];
  const add = (path: string) => {
    try {
      const stats = lstatSync(path);
      if (stats.isDirectory()) {
        for (const name of readdirSync(path).sort()) add(join(path, name));
      } else if (!EDITOR_LITTER.test(path)) {
        lines.push(`${path}\t${stats.size}\t${stats.mtimeMs}`);
      }
    } catch {
      // Gone (or unreadable) since it was listed: it is simply not part of the state.
    }
  };
  add(tutorial.file);
  add(join(tutorial.root, 'steps', tutorial.id));
  add(join(tutorial.root, 'snapshots', tutorial.id));
  return lines.join('\n');
}

/**
 * Watches the project roots of the tutorials: `tutorials/`, `steps/` and `snapshots/` under each
 * (recursively, with fs.watch), and the root itself for those directories appearing and for
 * tutorials kept there. Calls `onPath` with the absolute path of each thing that changed.
 */
export function watchProjects(tutorials: readonly WatchedTutorial[], onPath: (path: string) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const follow = (dir: string, recursive: boolean, root = false) => {
    if (watchers.has(dir) || !existsSync(dir)) return;
    try {
      const watcher = watch(dir, { recursive }, (_event, name) => {
        if (name === null) return;
        const path = join(dir, name.toString());
        onPath(path);
        if (root) followParts(dir);
      });
      // A watched directory removed: its watcher ends; the root's watcher sees it come back.
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    } catch {
      // Not watchable (gone meanwhile): the root's watcher sees it appear.
    }
  };
  const followParts = (root: string) => {
    for (const part of ['tutorials', 'steps', 'snapshots']) follow(join(root, part), true);
  };
  for (const root of new Set(tutorials.map((tutorial) => tutorial.root))) {
    follow(root, false, true);
    followParts(root);
  }
  for (const tutorial of tutorials) follow(dirname(tutorial.file), false);
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
