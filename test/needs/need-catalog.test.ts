import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTutorial } from '../../src/format/catalog.js';
import { findNeed, NEEDS, TEST_SUITE_NEEDS } from '../../src/needs/need-catalog.js';
import { runNeeds } from '../../src/needs/run-needs.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const tutorials = readdirSync(join(ROOT, 'tutorials'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => loadTutorial(join(ROOT, 'tutorials', name)));

describe('the list of needs', () => {
  it('knows every need the bundled tutorials and their targets require, each with its package or where to get it', () => {
    const required = tutorials.flatMap((tutorial) => [
      ...tutorial.requires,
      ...Object.values(tutorial.targets).flatMap((target) => target.requires ?? []),
    ]);
    expect(required.length).toBeGreaterThan(5);
    for (const id of required) {
      const need = findNeed(id);
      expect(need, id).toBeDefined();
      expect(need?.package ?? need?.howToGet ?? need?.check.kind, id).toBeTruthy();
    }
  });

  it('gives every program and library a package, and the rest where to get them', () => {
    for (const need of NEEDS) {
      if (need.check.kind === 'kernel') expect(need.package, need.id).toBeUndefined();
      else expect(need.package ?? need.howToGet, need.id).toMatch(/^[a-z0-9][a-z0-9.+-]+$|^https:\/\//);
    }
    expect(findNeed('gcloud')?.package).toBeUndefined();
    expect(TEST_SUITE_NEEDS.filter(({ id }) => !findNeed(id))).toEqual([]);
  });
});

describe('what a run needs', () => {
  const needsOf = (id: string, target: string, root = true) => {
    const tutorial = tutorials.find((entry) => entry.id === id);
    if (!tutorial) throw new Error(id);
    const chosen = tutorial.targets[target];
    if (!chosen) throw new Error(target);
    return runNeeds(tutorial, chosen, { root, workDir: join(ROOT, 'steps', id) });
  };

  it('for alts-grpc in the lab: Go and Debian’s grpc-go for the build step, found through its script, and the lab’s programs', () => {
    const needs = needsOf('alts-grpc', 'lab');
    const ids = needs.map((entry) => entry.need.id);
    expect(ids).toEqual(['go', 'grpc-go', 'protobuf-go', 'golang-protobuf', 'ip', 'unshare', 'mount', 'hostname', 'netns']);
    const go = needs.find((entry) => entry.need.id === 'go');
    expect(go?.steps).toEqual(['build-offline']);
    expect(go?.why).toMatch(/^step build-offline \(.*tutorials\/alts-grpc\.md:\d+\)$/);
    expect(needs.find((entry) => entry.need.id === 'ip')?.why).toBe("the lab's hosts (from step run-server on)");
    expect(ids).not.toContain('gcloud');
  });

  it('for an ordinary user, the lab needs user namespaces and nsenter too', () => {
    const ids = needsOf('alts-grpc', 'lab', false).map((entry) => entry.need.id);
    expect(ids).toContain('userns');
    expect(ids).toContain('nsenter');
  });

  it('for envoy-tproxy in the lab: TPROXY for the steps that use it, iptables, sysctl', () => {
    const needs = needsOf('envoy-tproxy', 'lab');
    expect(needs.find((entry) => entry.need.id === 'tproxy')?.steps).toContain('check-tproxy');
    expect(needs.find((entry) => entry.need.id === 'sysctl')?.steps).toEqual(['forwarding']);
  });

  it('for a gcp target: gcloud, for the steps that call it', () => {
    const gcloud = needsOf('alts-grpc', 'gcp').find((entry) => entry.need.id === 'gcloud');
    expect(gcloud?.steps).toContain('create-alts-server');
  });
});
