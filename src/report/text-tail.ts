/** Lines of a step's output a report keeps; the step's log has all of it. */
export const REPORT_OUTPUT_LINES = 200;
/** And at most this many characters of them: a report of 500 steps stays a few MB. */
export const REPORT_OUTPUT_CHARS = 32_768;

/** The last lines of an output, bounded in lines and characters, and whether any were left out. */
export function outputTail(output: string): { text: string; cut: boolean } {
  const lines = output.replace(/\n$/, '').split('\n');
  let kept = lines.length > REPORT_OUTPUT_LINES ? lines.slice(-REPORT_OUTPUT_LINES) : lines;
  let text = kept.join('\n');
  let cut = kept.length < lines.length;
  if (text.length > REPORT_OUTPUT_CHARS) {
    // Cut at a line start, so no line (nor an escape sequence) is shown from its middle.
    const from = text.indexOf('\n', text.length - REPORT_OUTPUT_CHARS);
    kept = from === -1 ? [text.slice(-REPORT_OUTPUT_CHARS)] : [text.slice(from + 1)];
    text = kept.join('\n');
    cut = true;
  }
  return { text: output === '' ? '' : `${text}\n`, cut };
}
