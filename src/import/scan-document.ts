import type { SourceLine } from './draft-model.js';

/** A part of the document: a fenced block, a heading, or the loose lines between them. */
export type Region =
  | { kind: 'fence'; lang: string; lines: SourceLine[]; line: number }
  | { kind: 'heading'; depth: number; text: string; line: number }
  | { kind: 'loose'; lines: SourceLine[] };

export interface ScannedDocument {
  regions: Region[];
  /** The document has Markdown structure (fences or headings); else it is plain text, such as a scraped page. */
  markdown: boolean;
  /** Fewer than one line in twenty is blank: paragraphs are not separated (scraped text). */
  dense: boolean;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(={3,}|-{3,})[ \t]*$/;

/**
 * Splits a document into fenced blocks, headings and loose lines, with source line numbers.
 * Line-based rather than a Markdown lexer: plain text and scraped pages have no Markdown
 * structure, and every part must keep its line number for the report.
 */
export function scanDocument(text: string): ScannedDocument {
  const lines = text.split('\n');
  const regions: Region[] = [];
  let loose: SourceLine[] = [];
  const flush = () => {
    if (loose.length > 0) regions.push({ kind: 'loose', lines: loose });
    loose = [];
  };
  let markdown = false;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = index + 1;
    const open = FENCE_OPEN.exec(raw);
    if (open && !(open[2]?.startsWith('`') && open[3]?.includes('`'))) {
      const indent = open[1]?.length ?? 0;
      const marker = open[2] ?? '```';
      const body: SourceLine[] = [];
      let end = index + 1;
      for (; end < lines.length; end++) {
        const candidate = lines[end] ?? '';
        if (isFenceClose(candidate, marker)) break;
        body.push({ text: stripIndent(candidate, indent), line: end + 1 });
      }
      flush();
      regions.push({ kind: 'fence', lang: fenceLanguage(open[3] ?? ''), lines: body, line });
      markdown = true;
      index = end;
      continue;
    }
    const heading = ATX_HEADING.exec(raw);
    if (heading) {
      flush();
      regions.push({ kind: 'heading', depth: heading[1]?.length ?? 1, text: heading[2] ?? '', line });
      markdown = true;
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(raw);
    const previous = loose.at(-1);
    if (underline && previous && previous.text.trim() !== '' && previous.line === line - 1) {
      loose.pop();
      flush();
      regions.push({ kind: 'heading', depth: underline[1]?.startsWith('=') ? 1 : 2, text: previous.text.trim(), line: previous.line });
      markdown = true;
      continue;
    }
    loose.push({ text: raw, line });
  }
  flush();
  const blank = lines.filter((line) => line.trim() === '').length;
  return { regions, markdown, dense: lines.length >= 20 && blank * 20 < lines.length };
}

function isFenceClose(line: string, marker: string): boolean {
  const trimmed = line.trim();
  const char = marker[0] ?? '`';
  return trimmed.length >= marker.length && [...trimmed].every((c) => c === char);
}

function stripIndent(line: string, indent: number): string {
  let at = 0;
  while (at < indent && (line[at] === ' ' || line[at] === '\t')) at++;
  return line.slice(at);
}

/** `bash { name=x }` → `bash`; `{.sh}` → `sh`. */
function fenceLanguage(info: string): string {
  const word = info.trim().split(/[\s{]/)[0] ?? '';
  return word.replace(/^\.|^\{\.?|\}$/g, '').toLowerCase();
}
