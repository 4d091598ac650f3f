import { basename } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath, listTutorialFiles, loadTutorial } from '../format/catalog.js';

export interface TutorialEntry {
  id: string;
  file: string;
  title: string;
  targets: string[];
  steps: number;
  /** Set when the file does not parse: the `file:line: problem` message. */
  error?: string;
}

/** Every tutorial with its title, targets and step count; a broken one is listed with its error. */
export function findTutorialsForList(cwd: string): TutorialEntry[] {
  return listTutorialFiles(cwd).map((file) => {
    const id = basename(file, '.md');
    try {
      const tutorial = loadTutorial(file);
      const targets = Object.keys(tutorial.targets);
      return {
        id,
        file: displayPath(file),
        title: tutorial.title,
        targets: targets.length > 0 ? targets : ['local'],
        steps: tutorial.steps.length,
      };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { id, file: displayPath(file), title: '', targets: [], steps: 0, error: error.message };
    }
  });
}
