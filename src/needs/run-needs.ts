import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Step, Target, Tutorial } from '../format/tutorial.js';
import { stepInTarget } from '../plan/plan-steps.js';
import { HOST_KIND_NEEDS, labNeeds, type Need, needOf } from './need-catalog.js';

/** One need of a tutorial's target, and the steps that need it. */
export interface RunNeed {
  need: Need;
  /** Why, in words: the steps that need it (`build-offline (tutorials/alts-grpc.md:73)`), or the lab. */
  why: string;
  /** Names of the steps that need it; empty when it is the run's own (the lab) or none mentions it. */
  steps: string[];
}

/**
 * Every need of `tutorial` on `target`, in the catalog's terms: what its front matter `requires`
 * (the target's, else the tutorial's), what the lab needs for its hosts, and what remote hosts
 * need on this machine (gcloud for `gce:`, kubectl, ssh). Each comes with the steps that need
 * it: those whose command mentions it, directly or in a script of `steps/<id>/` that it runs.
 */
export function runNeeds(tutorial: Tutorial, target: Target, options: { root: boolean; workDir: string }): RunNeed[] {
  const steps = tutorial.steps.filter((step) => stepInTarget(step, target.name));
  const texts = new Map(steps.map((step) => [step, commandText(step, options.workDir)]));
  const needs = new Map<string, RunNeed>();
  const add = (id: string, stepsOf: Step[], fallback: string) => {
    if (needs.has(id)) return;
    const need = needOf(id);
    needs.set(id, { need, steps: stepsOf.map((step) => step.name), why: describeSteps(stepsOf, tutorial.file) ?? fallback });
  };
  for (const id of target.requires ?? tutorial.requires) {
    add(
      id,
      steps.filter((step) => mentions(texts.get(step) ?? '', mentionOf(needOf(id)))),
      `requires (${tutorial.file}:${tutorial.frontMatterLine || 1})`,
    );
  }
  if (target.lab) {
    const onLab = steps.filter((step) => target.hosts[step.host]?.kind === 'netns');
    const first = onLab[0];
    for (const id of labNeeds(options.root)) add(id, [], `the lab's hosts${first ? ` (from step ${first.name} on)` : ''}`);
  }
  for (const [kind, id] of Object.entries(HOST_KIND_NEEDS)) {
    const remote = steps.filter((step) => target.hosts[step.host]?.kind === kind);
    if (remote.length > 0) add(id, remote, `${kind} hosts`);
  }
  return [...needs.values()];
}

/** The word a step's command shows when it uses the need: a program's name; `go` for a Go library. */
function mentionOf(need: Need): string | undefined {
  switch (need.check.kind) {
    case 'program':
      return need.check.command;
    case 'go-library':
      return 'go';
    case 'kernel':
      return need.check.feature === 'tproxy' ? 'TPROXY' : undefined;
  }
}

function mentions(text: string, word: string | undefined): boolean {
  if (word === undefined) return false;
  return new RegExp(`(?<![\\w.-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);
}

/** A step's command and the scripts it runs from its directory (`./build-offline.sh`), whose text says what they use. */
function commandText(step: Step, workDir: string): string {
  const scripts = step.command
    .split(/[\s;&|()<>]+/)
    .filter((word) => /^[\w./-]+\.(sh|py|bash)$/.test(word))
    .flatMap((word) => {
      const file = resolve(workDir, step.cwd ?? '.', word);
      try {
        return statSync(file).size < 256 * 1024 ? [readFileSync(file, 'utf8')] : [];
      } catch {
        return [];
      }
    });
  return [step.command, ...scripts].join('\n');
}

function describeSteps(steps: Step[], file: string): string | undefined {
  const [first, ...rest] = steps;
  if (!first) return undefined;
  return `step ${first.name} (${file}:${first.line})${rest.length > 0 ? ` and ${rest.length} more` : ''}`;
}
