import { LineError } from '../errors.js';

/**
 * A tutorial file's bytes as text. Refuses binary data (a NUL byte) and bytes that are not
 * UTF-8, at the line where the first one is: read leniently, such a file became a passing
 * tutorial of no steps (U+FFFD where the bytes were).
 */
export function decodeTutorialText(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== -1 && (nul === -1 || invalid < nul)) {
    const hex = (bytes[invalid] ?? 0).toString(16).padStart(2, '0');
    throw new LineError(`not UTF-8 text (byte 0x${hex}): a tutorial is a UTF-8 Markdown file`, lineAt(bytes, invalid));
  }
  if (nul !== -1) throw new LineError('binary data (a NUL byte): a tutorial is a UTF-8 Markdown file', lineAt(bytes, nul));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Offset of the first byte that starts no well-formed UTF-8 sequence (overlong forms,
 * surrogates and code points past U+10FFFF included, as the WHATWG decoder has it), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0;
    if (lead < 0x80) {
      at++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return at;
    for (let next = 1; next <= length; next++) {
      const byte = bytes[at + next];
      if (byte === undefined || byte < (next === 1 ? low : 0x80) || byte > (next === 1 ? high : 0xbf)) return at;
    }
    at += length + 1;
  }
  return -1;
}

/** 1-based line of a byte offset, counting LF, CRLF and a lone CR as the parser does. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let at = 0; at < offset; at++) {
    if (bytes[at] === 0x0a || (bytes[at] === 0x0d && bytes[at + 1] !== 0x0a)) line++;
  }
  return line;
}
