const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Replaces `$NAME` and `${NAME}` with the values given; other references are left as written. */
export function substituteVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(REFERENCE, (reference, braced: string | undefined, bare: string | undefined) => {
    const value = values[braced ?? bare ?? ''];
    return value === undefined ? reference : value;
  });
}
