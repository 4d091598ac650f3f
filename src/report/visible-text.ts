import { withoutEscapes } from '../escape-sequences.js';

/**
 * Text from a document or from a step's output, made safe to put on a terminal: every control
 * character is shown the way `cat -v` shows it (`^[` for ESC, `^M` for a carriage return, `^?`
 * for DEL), so that a document cannot show one command and run another, and an output cannot
 * move the cursor over what the runner printed. Newlines and tabs are kept. The C1 controls
 * (U+0080–U+009F: U+009B starts an escape sequence on some terminals) and the invisible
 * characters that reorder or hide text (bidirectional overrides and isolates, zero-width
 * spaces and joiners, the byte-order mark) are shown by their code point, `<U+202E>`.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function showControls(text: string): string {
  HIDDEN.lastIndex = 0;
  if (!HIDDEN.test(text)) return text;
  return text.replace(HIDDEN, visible);
}

function visible(character: string): string {
  const code = character.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Whether the text holds anything `showControls` would change. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  return HIDDEN.test(text);
}

/**
 * A step's output for a terminal: complete escape sequences (colours, cursor moves, titles)
 * are dropped, since they would act rather than show (the log keeps them), and every other
 * control character is shown as `showControls` shows it.
 */
export function visibleOutput(text: string): string {
  return showControls(withoutEscapes(text));
}
