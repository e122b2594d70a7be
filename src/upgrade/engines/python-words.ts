// Which edits of a Python module only rename words: those leave the module's syntax tree the
// same shape, so a module that parsed still parses, with no need to parse it again.
import type { Edit } from '@ast-grep/napi';

/**
 * Every word tree-sitter's Python grammar reads as a keyword, soft ones included (its literal
 * tokens that look like identifiers; test/unit/python-words.test.ts checks the list against the
 * grammar @ast-grep/lang-python ships).
 */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'False None True _ __future__ and as assert async await break case class continue def del elif else except ' +
    'exec finally for from global if import in is lambda match nonlocal not or pass print raise return try ' +
    'type while with yield'
  ).split(' '),
);

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BACKSLASH = 0x5c;
const BANG = 0x21;
const DOT = 0x2e;
const QUOTES = new Set([0x22, 0x27, 0x60]); // " ' `

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** Part of a word (NaN, before the start or after the end of the text, is not). */
const inWord = (c: number) =>
  isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;

/**
 * Whether `edit` replaces one whole word of `source` with another word, neither a keyword: an
 * identifier renamed, or a word of a comment or a string. The tokens of the module keep their
 * kinds, so its tree keeps its shape. Refused, as they would change a token: the letters of an
 * escape (`\n`, `\x41`), an f-string conversion (`!r`), a number's digits, exponent or suffix
 * (`1.e5`, `1.j`), a string's prefix (`rb"..."`), and words that are not plain ASCII.
 */
export function renamesOneWord(source: string, edit: Edit): boolean {
  const { startPos: start, endPos: end, insertedText: text } = edit;
  const old = source.slice(start, end);
  if (!WORD.test(old) || !WORD.test(text) || PYTHON_KEYWORDS.has(old) || PYTHON_KEYWORDS.has(text)) return false;
  const before = source.charCodeAt(start - 1);
  const after = source.charCodeAt(end);
  if (inWord(before) || inWord(after) || QUOTES.has(after)) return false;
  if (before === BACKSLASH || before === BANG) return false;
  return !(before === DOT && isDigit(source.charCodeAt(start - 2)));
}
