/**
 * Terminal escape sequences as output carries them: CSI (colours, cursor moves), OSC (titles,
 * hyperlinks; ended by BEL or ST) and the two-character escapes. One definition for all that
 * must agree on what a sequence is: the checker strips them, the screen drops them, and the
 * secret masker looks through them (a secret split by a colour code is still the secret).
 * Each alternative is a plain scan, with no nested repetition.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
export const ESCAPE_SEQUENCES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/** The text without its escape sequences (what the checker compares, what a plain report shows). */
export function withoutEscapes(text: string): string {
  return text.includes('\u001b') ? text.replace(ESCAPE_SEQUENCES, '') : text;
}
