/**
 * Lines with their position, for React keys: a window onto output or a drawing has no other
 * identity for a line than where it is.
 */
export function numberedLines(lines: readonly string[], first = 0): Array<{ number: number; line: string }> {
  return lines.map((line, offset) => ({ number: first + offset, line }));
}
