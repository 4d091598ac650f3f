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

/** A project holding the given snapshot files (paths under snapshots/demo/; a path ending in / is a directory). */
function projectWith(paths: string[]): string {
  const project = mkdtempSync(join(tmpdir(), 'alts-lint-'));
  projects.push(project);
  for (const path of paths) {
    const file = join(project, 'snapshots', 'demo', path);
    if (path.endsWith('/')) mkdirSync(file, { recursive: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, 'x\n');
    }
  }
  return project;
}

const withTargets = parse(
  md(
    '---',
    'targets:',
    '  gcp: {}',
    '  lab: {}',
    '---',
    `${FENCE}sh { name=everywhere }`,
    'echo a',
    FENCE,
    `${FENCE}sh { name=cloud-only targets=gcp }`,
    'echo b',
    FENCE,
  ),
);

const obsolete = (tutorial: typeof withTargets, project: string) =>
  lintTutorial(tutorial, project)
    .filter((problem) => problem.message.startsWith('obsolete'))
    .map((problem) => `${problem.file.slice(project.length + 1)}:${problem.line}: ${problem.message}`);

describe('lint: obsolete snapshots', () => {
  it('names each snapshot file or directory that no step or target of the tutorial has, at line 1 of it', () => {
    const project = projectWith([
      'everywhere.txt',
      'cloud-only.txt',
      'gcp/cloud-only.txt',
      'lab/everywhere.txt',
      'lab/cloud-only.txt',
      'renamed.txt',
      'old-target/',
      'notes.md',
    ]);
    expect(obsolete(withTargets, project)).toEqual([
      'snapshots/demo/lab/cloud-only.txt:1: obsolete snapshot: tutorials/demo.md has no step "cloud-only" on target lab (remove it, or run test -u)',
      'snapshots/demo/notes.md:1: obsolete snapshot: tutorials/demo.md has no step "notes.md" (remove it, or run test -u)',
      'snapshots/demo/old-target:1: obsolete snapshot directory: tutorials/demo.md has no target "old-target" (remove it, or run test -u)',
      'snapshots/demo/renamed.txt:1: obsolete snapshot: tutorials/demo.md has no step "renamed" (remove it, or run test -u)',
    ]);
  });

  it('a tutorial without targets runs on local: snapshots/<id>/local/ is judged as that target’s', () => {
    const local = parse(md(`${FENCE}sh { name=only }`, 'echo a', FENCE));
    const project = projectWith(['only.txt', 'local/only.txt', 'local/gone.txt']);
    expect(obsolete(local, project)).toEqual([
      'snapshots/demo/local/gone.txt:1: obsolete snapshot: tutorials/demo.md has no step "gone" on target local (remove it, or run test -u)',
    ]);
  });

  it('reports nothing for a project without snapshots', () => {
    expect(obsolete(withTargets, projectWith([]))).toEqual([]);
  });
});
