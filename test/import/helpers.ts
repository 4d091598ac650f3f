import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { classifyDocument } from '../../src/import/classify-lines.js';
import type { DocItem, DraftStep, ImportReport, SourceCommand } from '../../src/import/draft-model.js';
import { emptyReport } from '../../src/import/draft-model.js';
import { type ImportResult, importDocument } from '../../src/import/import-document.js';
import { scanDocument } from '../../src/import/scan-document.js';

/** A code fence, kept out of template literals so that test documents read line by line. */
export const FENCE = '```';

/** A document from lines, LF-separated, with a final newline. */
export function doc(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function seed(prefix: string): string {
  const names = ['000_2dc4a4d5d3e8884d', '001_829945e6c3be90e8', '002_0dd52fbb285be9da', '003_0889c9cb07ff3a02', '004_627825800de32369'];
  const name = names.find((candidate) => candidate.startsWith(prefix));
  return readFileSync(new URL(`../fixtures/import/seeds/${name}.txt`, import.meta.url), 'utf8');
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');
}

/** Classified items of a document, and the report so far. */
export function classify(text: string): { items: DocItem[]; report: ImportReport } {
  const report = emptyReport();
  return { items: classifyDocument(scanDocument(text), report), report };
}

export function commandsOf(items: DocItem[]): SourceCommand[] {
  return items.flatMap((item) => (item.kind === 'command' ? [item.command] : []));
}

export function imported(text: string, id = 'demo'): ImportResult {
  return importDocument(text, { source: 'doc.md', id });
}

export function stepNamed(result: ImportResult, name: string): DraftStep {
  const step = result.steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`no step "${name}" in ${result.steps.map((candidate) => candidate.name).join(', ')}`);
  return step;
}

/** The only step of a document. */
export function onlyStep(text: string): DraftStep {
  const { steps } = imported(text);
  expect(steps).toHaveLength(1);
  return steps[0] as DraftStep;
}

export function guesses(result: ImportResult): string[] {
  return result.report.guesses.map((guess) => guess.message);
}
