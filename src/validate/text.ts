// Free-text answers (a description): what they may contain. Generated files escape whatever they
// carry, but some characters mean trouble however they are written: they end a line in one reader
// and not in another (U+2028, U+0085, a lone carriage return), are invisible (controls, a byte order
// mark), reorder how code reads on screen (bidirectional controls), or are not text at all (an
// unpaired surrogate cannot be written as UTF-8). Newlines and tabs are ordinary whitespace.

/** The characters a free-text answer may not contain, by the name a message uses. */
const REFUSED =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why this free text cannot be used, or undefined. */
export function textProblem(value: string, maxLength: number): string | undefined {
  if (value.length > maxLength) return `is ${value.length} characters long; keep it under ${maxLength}`;
  const bad = REFUSED.exec(value);
  if (bad)
    return `contains a ${describeChar(bad[0])} at character ${[...value.slice(0, bad.index)].length + 1}; remove it (use plain spaces and newlines)`;
  return undefined;
}

/** A value quoted for a one-line message: JSON escapes, and the characters that break or hide lines. */
export function quote(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** How a character reads in a message: its name when it has a well-known one, and its code point. */
export function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const names: Record<number, string> = {
    0: 'NUL',
    9: 'tab',
    10: 'newline',
    13: 'carriage return',
    133: 'next-line character',
    8232: 'line separator',
    8233: 'paragraph separator',
    65279: 'byte order mark',
  };
  if (names[code]) return `${names[code]} (${hex})`;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return `control character (${hex})`;
  if (code >= 0xd800 && code <= 0xdfff) return `unpaired surrogate (${hex})`;
  if (
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x61c
  )
    return `bidirectional-text control (${hex})`;
  if (code === 0xfffe || code === 0xffff) return `noncharacter (${hex})`;
  return `${JSON.stringify(ch)} (${hex})`;
}
