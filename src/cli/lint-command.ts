import { lintTutorial } from '../check/lint-tutorial.js';
import { EXIT, TutorialError } from '../errors.js';
import { findTutorialFile, loadTutorial, projectRootOf, projectTutorialFiles } from '../format/catalog.js';
import { showControls } from '../report/visible-text.js';

/** `alts-tutor lint`: one `file:line: problem` line each; exit 1 when there is any. */
export function lintCommand(references: string[], cwd: string): number {
  const files = references.length > 0 ? references.map((reference) => findTutorialFile(reference, cwd)) : projectTutorialFiles(cwd);
  const lines: string[] = [];
  for (const file of files) {
    try {
      const tutorial = loadTutorial(file);
      for (const problem of lintTutorial(tutorial, projectRootOf(file))) lines.push(`${problem.file}:${problem.line}: ${problem.message}`);
    } catch (error) {
      if (!(error instanceof TutorialError)) throw error;
      lines.push(error.message);
    }
  }
  process.stdout.write(lines.map((line) => `${showControls(line)}\n`).join(''));
  const summary =
    lines.length === 0
      ? `${files.length} tutorial${files.length === 1 ? '' : 's'}: no problems`
      : `${lines.length} problem${lines.length === 1 ? '' : 's'} in ${files.length} tutorial${files.length === 1 ? '' : 's'}`;
  process.stderr.write(`${summary}\n`);
  return lines.length === 0 ? EXIT.ok : EXIT.failed;
}
