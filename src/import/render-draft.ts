import { stringify } from 'yaml';
import { normalizeOutput } from '../check/normalize.js';
import { redactForSnapshot } from '../check/redact.js';
import type { Draft, DraftPart, DraftStep } from './draft-model.js';

export interface RenderedDraft {
  markdown: string;
  /** Snapshot files to write, `snapshots/<id>/<step>.txt`. */
  snapshots: { step: string; text: string }[];
}

/**
 * The draft as tutorial Markdown (front matter, then the document's headings and prose with one
 * block per step) and its snapshots. A step's output is shown on the page as the document showed
 * it; where it holds volatile values (timestamps, addresses, ids), a snapshot with redaction
 * tokens is what the run checks against. Output the page matches as it is needs no snapshot.
 */
export function renderDraft(draft: Draft, source: string): RenderedDraft {
  const variables = Object.fromEntries(draft.variables.flatMap((variable) => (variable.value ? [[variable.name, variable.value]] : [])));
  const chunks = [
    frontMatter(draft),
    `<!-- Drafted by \`alts-tutor import\` from ${source.replace(/--/g, '-')}: check what it guessed. -->`,
  ];
  const snapshots: RenderedDraft['snapshots'] = [];
  for (const part of draft.parts) {
    const chunk = renderPart(part);
    if (chunk !== '') chunks.push(chunk);
    if (part.kind === 'step') {
      const snapshot = snapshotFor(part.step, variables);
      if (snapshot !== undefined) snapshots.push({ step: part.step.name, text: snapshot });
    }
  }
  return { markdown: `${chunks.join('\n\n')}\n`, snapshots };
}

function frontMatter(draft: Draft): string {
  const data: Record<string, unknown> = { title: draft.title };
  if (draft.requires.length > 0) data.requires = draft.requires;
  if (Object.keys(draft.targets).length > 0) {
    data.targets = Object.fromEntries(Object.entries(draft.targets).map(([name, hosts]) => [name, { hosts }]));
  }
  if (draft.variables.length > 0) {
    data.variables = Object.fromEntries(
      draft.variables.map((variable) => [
        variable.name,
        {
          ...(variable.prompt !== undefined && { prompt: variable.prompt }),
          ...(variable.default !== undefined && { default: variable.default }),
        },
      ]),
    );
  }
  return `---\n${stringify(data, { lineWidth: 0 })}---`;
}

function renderPart(part: DraftPart): string {
  switch (part.kind) {
    case 'heading':
      return `${'#'.repeat(part.depth)} ${part.text}`;
    case 'prose':
      return escapeProse(part.text);
    case 'block':
      return fenced(part.lang, '', part.lines);
    case 'unclassified':
      return `<!-- alts-tutor import: could not classify (source line ${part.line}): ${part.reason} -->\n${fenced('text', '', part.lines)}`;
    case 'step':
      return renderStep(part.step);
  }
}

function renderStep(step: DraftStep): string {
  const attributes = stepAttributes(step);
  const lines = step.command.split('\n');
  if (!step.script && transcriptCanShow(step.output)) {
    const transcript = [`$ ${lines[0] ?? ''}`, ...lines.slice(1).map((line) => (line === '' ? '>' : `> ${line}`)), ...step.output];
    return fenced('console', attributes, transcript);
  }
  const script = fenced('sh', attributes, lines);
  return step.output.length > 0 ? `${script}\n\n${fenced('output', '', step.output)}` : script;
}

/**
 * In a transcript, output lines that read as `> ` continuations (right after the command), as
 * `$ ` commands, or as a final `[N]` exit status would change meaning: such output goes in an
 * output block instead.
 */
function transcriptCanShow(output: readonly string[]): boolean {
  const last = [...output].reverse().find((line) => line.trim() !== '');
  if (/^>( |$)/.test(output[0] ?? '')) return false;
  if (output.some((line) => /^\$( |$)/.test(line))) return false;
  return !(last !== undefined && /^\[\d{1,3}\]$/.test(last.trim()));
}

function stepAttributes(step: DraftStep): string {
  const pairs: string[] = [`name=${step.name}`];
  if (step.host !== 'local') pairs.push(`host=${step.host}`);
  if (step.background) pairs.push('background=true');
  if (step.ready !== undefined) pairs.push(`ready=${quoteAttribute(step.ready)}`);
  if (step.teardown) pairs.push('teardown=true');
  if (step.interactive) pairs.push('interactive=true');
  if (step.exit !== undefined) pairs.push(`exit=${step.exit}`);
  return `{ ${pairs.join(' ')} }`;
}

/** Bare when it can be, else a double-quoted value in which `\` and `"` are escaped. */
function quoteAttribute(value: string): string {
  if (/^[^\s"{}\\,]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(lang: string, attributes: string, lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((line) => /^\s*(`+)/.exec(line)?.[1]?.length ?? 0));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const info = [lang, attributes].filter(Boolean).join(' ');
  return `${fence}${info}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${fence}`;
}

/** Prose from a plain document must not open a code fence, nor close the front matter. */
function escapeProse(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*(?:`{3,}|~{3,})/.test(line) ? `\\${line.trimStart()}` : line))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** The snapshot a step needs: its output redacted, when that differs from what the page shows. */
function snapshotFor(step: DraftStep, variables: Readonly<Record<string, string>>): string | undefined {
  if (step.background || step.interactive || step.originalOutput.length === 0) return undefined;
  const redacted = step.originalOutput.map((line) =>
    line.trim() === '...' ? '...' : redactForSnapshot(line, { variables }).replace(/\n$/, ''),
  );
  while (redacted[0] === '') redacted.shift();
  while (redacted.at(-1) === '') redacted.pop();
  const page = normalizeOutput(step.output.join('\n'), 'lines');
  if (redacted.join('\n') === page.join('\n')) return undefined;
  return `${redacted.join('\n')}\n`;
}
