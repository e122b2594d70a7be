// Fixture tests for codemods, like jscodeshift's defineTest: a folder per case holding `input/`
// (a pipeline folder, or just the files the codemod reads) and `expected/` (the same files after
// the codemod). A case without `expected/` must be left unchanged. Platform teams use it for
// their own codemods:  for (const c of codemodCases(dir)) it(c.name, () => c.check(myCodemod));
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FileTree } from '../tree/file-tree.ts';
import { type Codemod, type CodemodContext, editCount } from './codemod.ts';
import { ENGINES } from './engines/index.ts';
import { unparsablePython } from './engines/python-parses.ts';

export interface CodemodCase {
  name: string;
  /** Runs the codemod on the case's input; throws with a diff-friendly message on a mismatch. */
  /**
   * Runs the codemod on the case's input, then once more on its own output: `again` is what that
   * second run reported and `againActual` the files after it (both must show no change).
   */
  check: (
    codemod: Codemod,
    ctx?: Partial<CodemodContext>,
  ) => Promise<{
    changes: number;
    actual: Record<string, string>;
    expected: Record<string, string>;
    again: number;
    againActual: Record<string, string>;
    /** Python the first run wrote that does not parse (pipeline upgrade refuses it), if any. */
    unparsable: string | undefined;
  }>;
}

function readAll(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

export function codemodCases(fixtures: string): CodemodCase[] {
  return readdirSync(fixtures, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({
      name: e.name.replace(/-/g, ' '),
      async check(codemod, ctx = {}) {
        const input = join(fixtures, e.name, 'input');
        const expectedDir = join(fixtures, e.name, 'expected');
        const tree = new FileTree(input);
        const pipeline =
          ctx.pipeline ?? (existsSync(join(input, 'src')) ? readdirSync(join(input, 'src'))[0]! : 'pipeline');
        const context = { pipeline, answers: {}, platform: null, todo: () => {}, engines: ENGINES, ...ctx };
        const changes = editCount(await codemod.run(tree, context));
        const unparsable = await unparsablePython(tree);
        const before = readAll(input);
        const actual = { ...before, ...Object.fromEntries(tree.changes().map((c) => [c.path, c.after])) };
        const expected = existsSync(expectedDir) ? { ...before, ...readAll(expectedDir) } : before;
        const again = editCount(await codemod.run(tree, context));
        const againActual = { ...before, ...Object.fromEntries(tree.changes().map((c) => [c.path, c.after])) };
        return { changes, actual, expected, again, againActual, unparsable };
      },
    }));
}
