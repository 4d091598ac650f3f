import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { obsoleteSnapshots, removeSnapshot, SnapshotIndex, type SnapshotPlace, snapshotDir } from '../../src/check/snapshots.js';
import { UserError } from '../../src/errors.js';
import { checkUnder, pathUnder } from '../../src/safe-paths.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): { root: string; outside: string; place: SnapshotPlace } {
  const root = mkdtempSync(join(tmpdir(), 'alts-snap-'));
  dirs.push(root);
  const outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'keep.txt'), 'keep\n');
  return { root, outside, place: { projectRoot: join(root, 'project'), tutorialId: 'demo', target: 'lab' } };
}

const refused = (act: () => unknown) => expect(act).toThrow(UserError);

describe('snapshot paths', () => {
  it('refuses a tutorial id or step name that would leave snapshots/<id>/', () => {
    const { place } = project();
    for (const tutorialId of ['.', '..', 'a/b', '']) refused(() => snapshotDir({ ...place, tutorialId }));
    refused(() => new SnapshotIndex(place, 1).read('../../x'));
  });

  it('refuses a snapshots/ directory that is a link, for reading, writing and deleting', () => {
    const { outside, place } = project();
    mkdirSync(place.projectRoot);
    symlinkSync(outside, join(place.projectRoot, 'snapshots'));
    refused(() => new SnapshotIndex(place, 1));
    refused(() => obsoleteSnapshots(place, { ofTarget: new Set(), all: new Set() }, []));
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });

  it('refuses a snapshot file that is a link, and writes nothing through it', () => {
    const { outside, place } = project();
    const dir = join(place.projectRoot, 'snapshots', 'demo');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(outside, 'keep.txt'), join(dir, 'step.txt'));
    const index = new SnapshotIndex(place, 1);
    expect(() => index.read('step')).toThrow(/step\.txt is a symbolic link, and alts-tutor never writes or deletes beyond one/);
    refused(() => index.write(index.pathToWrite('step'), 'new\n'));
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep\n');
  });

  it('an obsolete target directory that is a link is never emptied', () => {
    const { outside, place } = project();
    const dir = join(place.projectRoot, 'snapshots', 'demo');
    mkdirSync(dir, { recursive: true });
    symlinkSync(outside, join(dir, 'lab'));
    // Listing through the link would name outside/keep.txt; removing it must be refused.
    refused(() => removeSnapshot(place, join(dir, 'lab', 'keep.txt')));
    refused(() => removeSnapshot(place, join(place.projectRoot, 'README.md')));
    expect(existsSync(join(outside, 'keep.txt'))).toBe(true);
  });
});

describe('checkUnder', () => {
  it('accepts paths that do not exist yet, refuses the root itself and anything outside it', () => {
    const { root } = project();
    expect(pathUnder(root, 'new', 'file.txt')).toBe(join(root, 'new', 'file.txt'));
    refused(() => checkUnder(root, root));
    refused(() => checkUnder(root, join(root, '..', 'x')));
    refused(() => pathUnder(root, '..'));
  });
});
