import { parse } from 'yaml';
import { buildDraft } from './build-draft.js';
import { classifyDocument } from './classify-lines.js';
import { applyVariables, detectVariables, zoneVariable } from './detect-variables.js';
import { type DraftStep, emptyReport, type ImportReport } from './draft-model.js';
import { cutOffCommands } from './glued-text.js';
import { nameSteps } from './name-steps.js';
import { renderDraft } from './render-draft.js';
import { scanDocument } from './scan-document.js';

export interface ImportOptions {
  /** The document's name as the draft and report mention it. */
  source: string;
  /** Tutorial id: the title falls back to it. */
  id: string;
}

export interface ImportResult {
  title: string;
  markdown: string;
  snapshots: { step: string; text: string }[];
  steps: DraftStep[];
  report: ImportReport;
}

/**
 * A plain tutorial document (Markdown, plain text or a scraped page) → a tutorial draft and its
 * snapshots, with a report of what could not be classified and what was guessed. Pure.
 */
export function importDocument(text: string, options: ImportOptions): ImportResult {
  const { body: source, title: declaredTitle } = withoutFrontMatter(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  const report = emptyReport();
  const scanned = scanDocument(source);
  const classified = classifyDocument(scanned, report);
  // Only scrapers cut commands short; in Markdown, `export NAME=` is a command as written.
  const items = scanned.markdown ? classified : cutOffCommands(classified);
  const built = buildDraft(items, report);
  const steps = built.parts.flatMap((part) => (part.kind === 'step' ? [part.step] : []));
  const variables = [...detectVariables(source, steps, report), ...zoneVariable(source, built.targets, report)];
  applyVariables(steps, variables, report);
  nameSteps(steps);
  if (steps.length === 0) report.guesses.push({ message: 'found no command to run: the draft has no steps' });
  const title = declaredTitle ?? (built.title || options.id);
  const rendered = renderDraft({ title, requires: built.requires, targets: built.targets, variables, parts: built.parts }, options.source);
  return { title, markdown: rendered.markdown, snapshots: rendered.snapshots, steps, report };
}

/**
 * A document that already has YAML front matter (a Markdown page from a static site) keeps its
 * title; the block itself gives way to the draft's. Its lines become blank, so that every line
 * number in the report is still the document's.
 */
function withoutFrontMatter(text: string): { body: string; title?: string } {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') return { body: text };
  const close = lines.findIndex((line, index) => index > 0 && /^(?:---|\.\.\.)\s*$/.test(line));
  if (close === -1) return { body: text };
  let data: unknown;
  try {
    data = parse(lines.slice(1, close).join('\n'));
  } catch {
    return { body: text };
  }
  // Only a mapping is front matter; a document may as well open with a thematic break.
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { body: text };
  const value = (data as Record<string, unknown>).title;
  const title = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const body = [...lines.slice(0, close + 1).map(() => ''), ...lines.slice(close + 1)].join('\n');
  return title === undefined ? { body } : { body, title };
}
