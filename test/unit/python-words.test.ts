// A codemod that only renames words (@solid -> @op) leaves each module's tree the same shape, so
// the check of written files reuses the check of the text it was made from instead of parsing
// again. These tests hold that claim against tree-sitter itself: the keyword list against the
// grammar, every refused case against a real change of shape, and random renames in modules full
// of strings, escapes, f-strings and numbers against the shapes of both parses.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codemod } from '../../src/upgrade/codemod.ts';
import { parsePython, parseStats } from '../../src/upgrade/engines/python.ts';
import { parseError } from '../../src/upgrade/engines/python-parses.ts';
import { PYTHON_KEYWORDS, renamesOneWord } from '../../src/upgrade/engines/python-words.ts';
import { upgradePipeline } from '../../src/upgrade/runner.ts';
import { tempDir } from '../helpers/workspace.ts';

/** Every node's kind, depth first, with `(` and `)` around its children: the tree's shape. */
function shape(node: SgNode): string {
  const children = node.children();
  return children.length ? `${String(node.kind())}(${children.map(shape).join(' ')})` : String(node.kind());
}
const shapeOf = async (source: string) => shape((await parsePython(source)).root());

/** The edit that puts `text` where `word` is, at its `nth` occurrence in `source`. */
function editAt(source: string, word: string, text: string, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = source.indexOf(word, at + 1);
  if (at < 0) throw new Error(`no ${word} in ${source}`);
  return { startPos: at, endPos: at + word.length, insertedText: text };
}
const apply = (source: string, e: { startPos: number; endPos: number; insertedText: string }) =>
  source.slice(0, e.startPos) + e.insertedText + source.slice(e.endPos);

describe('renaming one word', () => {
  it('knows every word the Python grammar reads as a keyword, soft ones included', () => {
    const require = createRequire(import.meta.url);
    const grammarFile = join(dirname(require.resolve('@ast-grep/lang-python/package.json')), 'src', 'grammar.json');
    const words = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) for (const y of x) walk(y);
      else if (x && typeof x === 'object') {
        const rule = x as { type?: string; value?: unknown };
        if (rule.type === 'STRING' && typeof rule.value === 'string' && /^[A-Za-z_]\w*$/.test(rule.value))
          words.add(rule.value);
        for (const y of Object.values(x)) walk(y);
      }
    };
    walk(JSON.parse(readFileSync(grammarFile, 'utf8')).rules);
    expect([...PYTHON_KEYWORDS].sort()).toEqual([...words].sort());
  });

  // Each case the check refuses, and whether the same edit made anyway changes the tree (the
  // others are refused to stay simple: a soft keyword is a word only in some places).
  const REFUSED: [what: string, source: string, word: string, text: string, changesShape: boolean][] = [
    ['an escape in a string', 'x = "a\\nb"\n', 'nb', 'op', true],
    ['a hex escape', 'x = "\\x41"\n', 'x41', 'op', true],
    ["an f-string's conversion", 'x = f"{y!r}"\n', 'r', 'op', true],
    ["a float's exponent", 'x = 1.e5\n', 'e5', 'op', true],
    ["a complex number's suffix", 'x = 1.j\n', 'j', 'op', true],
    ["a string's prefix", 'x = rb"a"\n', 'rb', 'op', true],
    ['into a keyword', 'x = y\n', 'y', 'not', true],
    ['out of a keyword', 'x = not y\n', 'not', 'op', true],
    ['into two words', 'x = y\n', 'y', 'a b', true],
    ['into a number', 'x = y\n', 'y', '1', true],
    ['into a soft keyword', 'x = y\n', 'y', 'match', false],
    ['part of a word', 'solids = 1\n', 'solid', 'op', false],
  ];
  for (const [what, source, word, text, changesShape] of REFUSED)
    it(`refuses ${what}`, async () => {
      const edit = editAt(source, word, text);
      expect(renamesOneWord(source, edit)).toBe(false);
      expect((await shapeOf(apply(source, edit))) !== (await shapeOf(source))).toBe(changesShape);
    });

  it('accepts a renamed identifier, and words in comments, strings and f-strings: the tree keeps its shape', async () => {
    const source = '@solid\ndef f(x):  # a solid one\n    return f"{solid} solid {x:>10}", "solid\\n"\n';
    for (let nth = 0; nth < 5; nth++) {
      const edit = editAt(source, 'solid', 'op', nth);
      expect(renamesOneWord(source, edit)).toBe(true);
      expect(await shapeOf(apply(source, edit))).toBe(await shapeOf(source));
    }
  });

  // Modules built of pieces with every kind of token next to a word, and random renames in them.
  const PIECES = [
    '@solid\n',
    'def f(x, *args, **kwargs):\n    return x\n',
    'y = f"{x!r} {x:>10} {solid}" + rb"\\x41" + u"\\N{DASH} é"\n',
    'v = f"{x:solid} {x!s:{w}} {{solid}}" + f\'{solid["k"]}\' + b"\\0" + "\\\\solid"\n',
    'n = 1.e5 + 0x1f + 1.j + 1_000 + 2.5e-3 + x1.e5\n',
    "s = 'it''s' + \"\\n\\t\" + '''a\nb'''\n",
    'match x:\n    case [a, *rest] if a:\n        pass\n    case _:\n        pass\n',
    'from __future__ import annotations\n',
    'type X = list[int]\n',
    'async def g():\n    await h()\n',
    '# solid comment, with é\n',
    'class C(Base, metaclass=M):\n    attr: int = 1\n',
    'z = lambda q: q if q else not q\n',
    'print(x, file=y)\n',
    'w = x.solid[1](a)(b=c)\n',
    'with open(p) as fh, other() as o:\n    del fh\n',
  ];
  const NAMES = [...PYTHON_KEYWORDS, ...'op solid x y e e5 j f r b rb u br N x41 t _x __init__ print_ a1 B'.split(' ')];

  it('keeps the tree the same shape whenever it accepts a rename (random modules and renames)', async () => {
    const words = (source: string) => [...source.matchAll(/[A-Za-z0-9_]+/g)];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...NAMES),
        async (pieces, pick, text) => {
          const source = pieces.join('');
          const all = words(source);
          const word = all[pick % all.length]!;
          const edit = { startPos: word.index, endPos: word.index + word[0].length, insertedText: text };
          if (!renamesOneWord(source, edit) || (await parseError(source)) !== null) return;
          expect(await shapeOf(apply(source, edit))).toBe(await shapeOf(source));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the check of written files, after a rename', () => {
  const rename = (from: string, to: string): Codemod => ({
    id: 'rename',
    version: 1,
    description: `${from} becomes ${to}`,
    async run(tree, { engines }) {
      let changes = 0;
      for (const path of tree.list().filter((p) => p.endsWith('.py')))
        changes += await engines.python.edit(tree, path, (root) =>
          root.findAll({ rule: { kind: 'identifier', regex: `^${from}$` } }).map((n) => n.replace(to)),
        );
      return changes;
    },
  });
  const upgrade = (dir: string, codemod: Codemod) =>
    upgradePipeline('p', dir, { pipelines: [], platform: null, to: 1, codemods: [codemod], only: codemod.id });

  it('parses each module once when the codemod only renames words', async () => {
    const dir = tempDir('rename-');
    for (let i = 0; i < 5; i++)
      writeFileSync(join(dir, `m${i}.py`), `from dagster import solid\n\n@solid\ndef f${i}(): pass\n`);
    const before = parseStats.parses;
    const result = await upgrade(dir, rename('solid', 'op'));
    expect(result.status).toBe('upgraded');
    expect(result.tree.read('m0.py')).toContain('@op\n');
    expect(parseStats.parses - before).toBe(5);
  });

  it('ends when a later codemod renames back, with more modules than its caches hold', async () => {
    // x -> y, then solid -> op, then op -> solid: the last text was made from the one before,
    // which was made from it, and neither differs from the disk's, so both are checked.
    const dir = tempDir('rename-back-');
    for (let i = 0; i < 80; i++) writeFileSync(join(dir, `m${i}.py`), `x = solid${i}\nsolid = 1\n`);
    const codemods = [
      { ...rename('x', 'y'), id: 'first', version: 1 },
      { ...rename('solid', 'op'), id: 'there', version: 2 },
      { ...rename('op', 'solid'), id: 'back', version: 3 },
    ];
    const result = await upgradePipeline('p', dir, { pipelines: [], platform: null, to: 3, codemods });
    expect(result.codemods.map((c) => [c.id, c.changes])).toEqual([
      ['first', 80],
      ['there', 80],
      ['back', 80],
    ]);
    expect(result.status).toBe('upgraded');
    expect(result.tree.read('m0.py')).toBe('y = solid0\nsolid = 1\n');
  });

  it('writes the renames of a module that did not parse before, not parsing it again: the codemod did not break it', async () => {
    const dir = tempDir('rename-broken-');
    writeFileSync(join(dir, 'ok.py'), 'x = solid\ny = f(a=1, 2)\n');
    const before = parseStats.parses;
    const result = await upgrade(dir, rename('solid', 'op'));
    expect(result.status, result.error ?? '').toBe('upgraded');
    expect(result.tree.read('ok.py')).toBe('x = op\ny = f(a=1, 2)\n');
    expect(parseStats.parses - before).toBe(1);
  });
});
