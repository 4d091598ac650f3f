import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { loadTutorial } from '../../src/format/catalog.js';
import { requirementsMarkdown } from '../../src/needs/requirements-doc.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BEGIN = '<!-- requirements: made from src/needs/need-catalog.ts; test/needs/requirements-doc.test.ts checks it -->\n';
const END = '<!-- end of requirements -->';

it("the README's requirements are the one list's, as requirementsMarkdown writes them", () => {
  const tutorials = readdirSync(join(ROOT, 'tutorials'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => loadTutorial(join(ROOT, 'tutorials', name)));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(BEGIN);
  expect(start, 'README.md has the requirements markers').toBeGreaterThan(-1);
  const shown = readme.slice(start + BEGIN.length, readme.indexOf(END, start));
  // On a mismatch, the expected side is the text to paste between the markers.
  expect(shown).toBe(requirementsMarkdown(tutorials, (id) => join(ROOT, 'steps', id)));
});
