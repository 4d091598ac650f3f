import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lintTutorial } from '../../src/check/lint-tutorial.js';
import { FENCE, md, parse } from '../format/helpers.js';

const projects: string[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) rmSync(project, { recursive: true, force: true });
});

/** A project holding the given snapshot files (paths under snapshots/demo/). */
function projectWith(snapshots: Record<string, string>): string {
  const project = mkdtempSync(join(tmpdir(), 'alts-lint-'));
  projects.push(project);
  for (const [path, text] of Object.entries(snapshots)) {
    const file = join(project, 'snapshots', 'demo', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return project;
}

const tutorial = parse(
  md(
    '---',
    'targets:',
    '  gcp: {}',
    '  lab: { variables: { PROJECT_ID: lab-project } }',
    'variables: { PROJECT_ID: p }',
    '---',
    `${FENCE}console`,
    '$ echo "$PROJECT_ID took 12 ms"',
    '$PROJECT_ID took [NUMBER] ms',
    FENCE,
  ),
);
const step = tutorial.steps[0]?.name ?? '';

describe('lint: the Markdown output against the snapshots', () => {
  it('accepts a target snapshot that writes out the value the target gives a variable', () => {
    const project = projectWith({ [`lab/${step}.txt`]: 'lab-project took 12 ms\n' });
    expect(lintTutorial(tutorial, project)).toEqual([]);
  });

  it('accepts a snapshot identical to the Markdown, patterns and all', () => {
    const project = projectWith({ [`${step}.txt`]: '$PROJECT_ID took [NUMBER] ms\n' });
    expect(lintTutorial(tutorial, project)).toEqual([]);
  });

  it('reports a target snapshot with another target value, and a shared one that disagrees', () => {
    const project = projectWith({ [`lab/${step}.txt`]: 'other-project took 12 ms\n', [`${step}.txt`]: 'p took many ms\n' });
    expect(lintTutorial(tutorial, project).map((problem) => problem.message)).toEqual([
      `the output shown for step "${step}" disagrees with snapshots/demo/${step}.txt (update the Markdown, or the snapshot with test -u)`,
      `the output shown for step "${step}" disagrees with snapshots/demo/lab/${step}.txt (update the Markdown, or the snapshot with test -u)`,
    ]);
  });
});
