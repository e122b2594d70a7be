// What the codemod cannot translate stays in place under a `# TODO(pipeline upgrade): ...`
// comment, written once (a second run finds it and adds nothing), and every such comment is
// reported as file:line: construct: what to do.
//
// Before:                                 After:
//   @daily_schedule(pipeline_name="p")      # TODO(pipeline upgrade): daily_schedule: rebuild ...
//   def nightly(date): ...                  @daily_schedule(pipeline_name="p")
import type { Edit, SgNode } from '@ast-grep/napi';
import { enclosingStatement } from './python-text.ts';

export const MARK = '# TODO(pipeline upgrade):';

/** Collects TODO comments for one pass: at most one per statement and message. */
export class Todos {
  private readonly seen = new Set<string>();
  readonly edits: Edit[] = [];

  constructor(private readonly source: string) {}

  /**
   * A TODO above the statement holding `node`: `construct: what to do`, wrapped at the file's
   * line length. With `unlessAny`, only when the statement has no TODO of this codemod yet; with
   * `'earlier'`, only when no earlier run left one there (a construct whose name the run changes:
   * a pipeline that is a graph now, a class renamed, would be named anew by the next run).
   */
  add(node: SgNode, construct: string, what: string, unlessAny: boolean | 'earlier' = false): void {
    const statement = enclosingStatement(node);
    const start = statement.range().start;
    const lineStart = start.index - start.column;
    const message = `${construct}: ${what}`;
    const key = `${lineStart}\0${construct}`;
    // One TODO per statement and construct: a later run (whose message may read differently) adds none.
    const above = todosAbove(this.source, lineStart);
    if (
      this.seen.has(key) ||
      above.some((m) => m.startsWith(`${construct}: `)) ||
      (unlessAny && above.length > 0) ||
      (unlessAny === true && [...this.seen].some((k) => k.startsWith(`${lineStart}\0`)))
    )
      return;
    this.seen.add(key);
    const pad = ' '.repeat(start.column);
    const lines = wrap(`${MARK} ${message}`, Math.max(40, this.width - start.column)).map(
      (l, i) => `${pad}${i ? '#   ' : ''}${l}\n`,
    );
    this.edits.push({ startPos: lineStart, endPos: lineStart, insertedText: lines.join('') } as Edit);
  }

  width = 88;
}

/** Words of `text` on lines of at most `width` columns (continuation lines get 4 less). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const limit = lines.length ? width - 4 : width;
    if (line && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The TODO messages in the comment block directly above `lineStart` (continuation lines joined). */
function todosAbove(source: string, lineStart: number): string[] {
  const block: string[] = [];
  for (const line of source.slice(0, lineStart).split('\n').slice(0, -1).reverse()) {
    if (!line.trim().startsWith('#')) break;
    block.unshift(line.trim());
  }
  return joinTodos(block).map((t) => t.message);
}

/** TODO comments among comment lines: a MARK line and the `#   ` continuation lines right below it. */
function joinTodos(lines: string[]): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  let open: { line: number; message: string } | null = null;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith(MARK)) out.push((open = { line: i, message: line.slice(MARK.length).trim() }));
    else if (open && /^# {3}\S/.test(line)) open.message += ` ${line.slice(4)}`;
    else open = null;
  }
  return out;
}

/** Every TODO comment of a file, as `path:line: construct: what to do`. */
export function reportTodos(path: string, text: string): string[] {
  if (!text.includes(MARK)) return [];
  return joinTodos(text.split(/\r?\n/).map((l) => (l.trim().startsWith('#') ? l : ''))).map(
    (t) => `${path}:${t.line + 1}: ${t.message}`,
  );
}
