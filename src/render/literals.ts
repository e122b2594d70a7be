// Values that end up inside generated Python, TOML or YAML go through these functions, never
// through string concatenation: a description with quotes, backslashes, newlines or `{{` must
// still produce valid code.

export type Literal = string | number | boolean | null | undefined | Literal[] | { [key: string]: Literal };

/** A Python string literal, double-quoted, with every character that needs it escaped. */
export function pyString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

/** A Python expression for a JSON-like value, on one line. */
export function pyLiteral(value: Literal): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a Python literal`);
    return String(value);
  }
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(', ')}}`;
}

/**
 * Like pyLiteral, but breaks dicts and lists over lines, black style, when the line would pass
 * `width`. `indent` is the column the value's line starts at; `prefix` the characters before it.
 */
export function pyBlock(value: Literal, indent = 0, width = 100, prefix = 0): string {
  const flat = pyLiteral(value);
  if (indent + prefix + flat.length + 1 <= width || value === null || typeof value !== 'object') return flat;
  const pad = ' '.repeat(indent + 4);
  const items = Array.isArray(value)
    ? value.map((v) => `${pad}${pyBlock(v, indent + 4, width)},`)
    : Object.entries(value).map(([k, v]) => `${pad}${pyString(k)}: ${pyBlock(v, indent + 4, width, pyString(k).length + 2)},`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** A module docstring: triple-quoted when that is safe and readable, else an escaped literal. */
export function pyDocstring(value: string): string {
  const text = value.trim();
  const plain = !/["\\]|[\x00-\x08\x0b-\x1f\x7f]/.test(text) && !text.includes('\r');
  return plain ? `"""${text}"""` : pyString(text);
}

/** A TOML basic string. */
export function tomlString(value: string): string {
  // TOML basic strings share JSON's escapes for the characters that need them.
  return JSON.stringify(value).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Collapse whitespace so a value can sit on one line of prose (README, comments). */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
