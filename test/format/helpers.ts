import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { TutorialError } from '../../src/errors.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step, Tutorial } from '../../src/format/tutorial.js';

/** A code fence, kept out of template literals so that test Markdown reads line by line. */
export const FENCE = '```';

export const FILE = 'tutorials/demo.md';

/** Markdown from lines, LF-separated, with a final newline. */
export function md(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function parse(markdown: string, id = 'demo'): Tutorial {
  return parseTutorial(markdown, FILE, id);
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/tutorials/${name}`, import.meta.url), 'utf8');
}

/** 1-based line of the only line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const found = lines.flatMap((line, index) => (line.includes(needle) ? [index + 1] : []));
  if (found.length !== 1) throw new Error(`"${needle}" is on ${found.length} lines, not 1`);
  return found[0] ?? 0;
}

export function stepNamed(tutorial: Tutorial, name: string): Step {
  const step = tutorial.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`no step "${name}" in ${tutorial.steps.map((candidate) => candidate.name).join(', ')}`);
  return step;
}

/** The only step of a tutorial. */
export function onlyStep(markdown: string): Step {
  const { steps } = parse(markdown);
  expect(steps).toHaveLength(1);
  return steps[0] as Step;
}

/**
 * Parses `markdown`, which must fail with a `TutorialError` whose message is exactly one
 * `file:line: problem` line; returns the error for further checks.
 */
export function parseError(markdown: string): TutorialError {
  let thrown: unknown;
  try {
    parse(markdown);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TutorialError);
  const error = thrown as TutorialError;
  expect(error.file).toBe(FILE);
  expect(error.message).toBe(`${FILE}:${error.line}: ${error.problem}`);
  expect(error.message).not.toMatch(/[\r\n]/);
  expect(error.problem.trim()).not.toBe('');
  return error;
}
