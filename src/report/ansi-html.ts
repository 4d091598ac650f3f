import Anser from 'anser';
import { ESCAPE_SEQUENCES } from '../escape-sequences.js';
import { showControls } from './visible-text.js';

const RGB = /^\d{1,3}, \d{1,3}, \d{1,3}$/;

const DECORATIONS: Record<string, string> = {
  bold: 'font-weight:bold',
  dim: 'opacity:.65',
  italic: 'font-style:italic',
  underline: 'text-decoration:underline',
  strikethrough: 'text-decoration:line-through',
  hidden: 'visibility:hidden',
};

/**
 * A step's output as HTML that keeps its colours: anser parses the SGR escapes, and each run of
 * text becomes a `<span>` whose style holds only colours anser computed (checked to be `r, g, b`)
 * and fixed decorations. All text is escaped; any other escape sequence is dropped and any other
 * control character shown (`^[`), so an output can neither inject markup nor hide text.
 */
export function ansiToHtml(text: string): string {
  return Anser.ansiToJson(text, { json: true, remove_empty: true })
    .map((entry) => {
      const content = escapeHtml(showControls(entry.content.replace(ESCAPE_SEQUENCES, '')));
      const styles: string[] = [];
      if (entry.fg && RGB.test(entry.fg)) styles.push(`color:rgb(${entry.fg})`);
      if (entry.bg && RGB.test(entry.bg)) styles.push(`background:rgb(${entry.bg})`);
      for (const decoration of entry.decorations ?? []) {
        const style = DECORATIONS[decoration];
        if (style) styles.push(style);
      }
      return styles.length === 0 ? content : `<span style="${styles.join(';')}">${content}</span>`;
    })
    .join('');
}

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
