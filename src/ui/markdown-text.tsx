import { marked, type Token, type Tokens } from 'marked';
import { showControls } from '../report/visible-text.js';
import { Rows } from './components/Rows.js';
import { expandTabs, type Row, type Segment, type SegmentStyle, textWidth, wrapLine, wrapSegments } from './wrap-rows.js';

/**
 * Prose of the page (raw Markdown) as terminal rows `width` columns wide, from marked's tokens:
 * headings bold, emphasis italic, strong bold, code coloured, links with their URL, lists
 * with bullets, block quotes behind a bar (never their raw `>`), tables as columns (or, when
 * too wide, one `header: cell` line per cell). Control characters are shown, never sent.
 */
export function markdownRows(markdown: string, width: number): Row[] {
  const tokens = marked.lexer(showControls(markdown));
  return blockRows(tokens, Math.max(8, width), false);
}

/** Markdown as Ink text; `width` is the columns it may use. */
export function MarkdownText({ markdown, width = 80 }: { markdown: string; width?: number }) {
  return <Rows rows={markdownRows(markdown, width)} />;
}

const CODE: SegmentStyle = { color: 'yellow' };
const DIM: SegmentStyle = { dim: true };

/** Blocks one under the other, a blank row between them unless the list they are in is tight. */
function blockRows(tokens: readonly Token[], width: number, tight: boolean): Row[] {
  const rows: Row[] = [];
  for (const token of tokens) {
    const block = blockOf(token, width);
    if (block.length === 0) continue;
    if (rows.length > 0 && !tight) rows.push([]);
    rows.push(...block);
  }
  return rows;
}

function blockOf(token: Token, width: number): Row[] {
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'heading': {
      const heading = token as Tokens.Heading;
      const style: SegmentStyle = heading.depth === 1 ? { bold: true, underline: true } : { bold: true };
      return wrapSegments(inline(heading.tokens, style), width, { words: true });
    }
    case 'paragraph':
      return wrapSegments(inline((token as Tokens.Paragraph).tokens, undefined), width, { words: true });
    case 'text': {
      const text = token as Tokens.Text;
      const segments = text.tokens ? inline(text.tokens, undefined) : [{ text: softBreaks(text.text) }];
      return wrapSegments(segments, width, { words: true });
    }
    case 'list':
      return listRows(token as Tokens.List, width);
    case 'blockquote': {
      const inner = blockRows((token as Tokens.Blockquote).tokens, width - 2, false);
      return inner.map((row): Row => (row.length === 0 ? [{ text: '│', style: DIM }] : [{ text: '│ ', style: DIM }, ...row]));
    }
    case 'code': {
      const lines = (token as Tokens.Code).text.split('\n');
      return lines.flatMap((line) => wrapLine(expandTabs(line), width - 2).map((text): Row => [{ text: '  ' }, { text, style: CODE }]));
    }
    case 'table':
      return tableRows(token as Tokens.Table, width);
    case 'hr':
      return [[{ text: '─'.repeat(width), style: DIM }]];
    case 'html':
      return rawRows((token as Tokens.HTML).text, width, DIM);
    default:
      return rawRows(token.raw, width, undefined);
  }
}

function rawRows(text: string, width: number, style: SegmentStyle | undefined): Row[] {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .flatMap((line) => wrapSegments([style ? { text: expandTabs(line), style } : { text: expandTabs(line) }], width, { words: true }));
}

function listRows(list: Tokens.List, width: number): Row[] {
  const rows: Row[] = [];
  let number = typeof list.start === 'number' ? list.start : 1;
  for (const item of list.items) {
    let bullet = list.ordered ? `${number}. ` : '• ';
    if (item.task) bullet += item.checked ? '[x] ' : '[ ] ';
    const indent = textWidth(bullet);
    const tokens = item.tokens.filter((token) => token.type !== 'checkbox');
    const inner = blockRows(tokens, width - indent, !list.loose);
    if (list.loose && rows.length > 0) rows.push([]);
    inner.forEach((row, index) => {
      rows.push([{ text: index === 0 ? bullet : ' '.repeat(indent) }, ...row]);
    });
    if (inner.length === 0) rows.push([{ text: bullet }]);
    number++;
  }
  return rows;
}

/** Columns when they fit; else each body row as `header: cell` lines, a blank row between rows. */
function tableRows(table: Tokens.Table, width: number): Row[] {
  const header = table.header.map((cell) => inline(cell.tokens, { bold: true }));
  const body = table.rows.map((row) => row.map((cell) => inline(cell.tokens, undefined)));
  const columns = header.length;
  const widths = header.map((cell, index) => Math.max(segmentsWidth(cell), ...body.map((row) => segmentsWidth(row[index] ?? []))));
  const total = widths.reduce((sum, cellWidth) => sum + cellWidth, 0) + 3 * (columns - 1);
  if (total <= width) {
    const line = (cells: Segment[][]): Row =>
      cells.flatMap((cell, index) => {
        const pad = (widths[index] ?? 0) - segmentsWidth(cell);
        const padded = pad > 0 && index < columns - 1 ? [...cell, { text: ' '.repeat(pad) }] : cell;
        return index === 0 ? padded : [{ text: ' │ ', style: DIM }, ...padded];
      });
    const rule: Row = [{ text: widths.map((cellWidth) => '─'.repeat(cellWidth)).join('─┼─'), style: DIM }];
    return [line(header), rule, ...body.map(line)];
  }
  const rows: Row[] = [];
  for (const row of body) {
    if (rows.length > 0) rows.push([]);
    row.forEach((cell, index) => {
      const name = header[index] ?? [];
      rows.push(...wrapSegments([...name, { text: ': ', style: { bold: true } }, ...cell], width, { words: true }));
    });
  }
  return rows;
}

function segmentsWidth(segments: readonly Segment[]): number {
  return segments.reduce((sum, segment) => sum + textWidth(segment.text), 0);
}

/** Inline tokens as styled segments; `style` is what the enclosing tokens give. */
function inline(tokens: readonly Token[] | undefined, style: SegmentStyle | undefined): Segment[] {
  const segments: Segment[] = [];
  const push = (text: string, with_: SegmentStyle | undefined) => segments.push(with_ ? { text, style: with_ } : { text });
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        segments.push(...inline((token as Tokens.Strong).tokens, { ...style, bold: true }));
        break;
      case 'em':
        segments.push(...inline((token as Tokens.Em).tokens, { ...style, italic: true }));
        break;
      case 'del':
        segments.push(...inline((token as Tokens.Del).tokens, { ...style, strikethrough: true }));
        break;
      case 'codespan':
        push(softBreaks((token as Tokens.Codespan).text), { ...style, ...CODE });
        break;
      case 'link': {
        const link = token as Tokens.Link;
        segments.push(...inline(link.tokens, { ...style, underline: true }));
        // The URL is what a person copies: a terminal cannot follow the link text.
        if (link.href !== link.text && `mailto:${link.text}` !== link.href) push(` (${link.href})`, { ...style, dim: true });
        break;
      }
      case 'image': {
        const image = token as Tokens.Image;
        push(`[image: ${image.text}] (${image.href})`, { ...style, dim: true });
        break;
      }
      case 'br':
        push('\n', style);
        break;
      case 'checkbox':
        push((token as Tokens.Checkbox).checked ? '[x] ' : '[ ] ', style);
        break;
      case 'text': {
        const text = token as Tokens.Text;
        if (text.tokens) segments.push(...inline(text.tokens, style));
        else push(softBreaks(text.text), style);
        break;
      }
      case 'escape':
        push((token as Tokens.Escape).text, style);
        break;
      case 'html':
        push((token as Tokens.HTML).text, { ...style, dim: true });
        break;
      default:
        push(softBreaks(token.raw), style);
    }
  }
  return segments;
}

/**
 * A line break inside a paragraph is soft (CommonMark): the text flows on, and the rows break
 * at the pane's width instead of at the source's.
 */
function softBreaks(text: string): string {
  return text.replace(/\n/g, ' ');
}
