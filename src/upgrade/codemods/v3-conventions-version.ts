// Why: every job carries the conventions version it was built under as its `conventions` tag
// (v2-conventions-tag), and every platform-owned module says in its header which conventions
// rendered it; a v3 pipeline must say 3 in both places, or a run in the UI would claim rules it
// no longer follows. Raises `CONVENTIONS_VERSION` in conventions.py and the "(conventions vN)" of
// the platform-owned headers, through ast-grep. Runs after the other v3 codemods.
import type { SgNode } from '@ast-grep/napi';
import type { Codemod } from '../codemod.ts';
import { editPython } from '../engines/python.ts';

const VERSION = 3;
const HEADER = '^# Platform-owned module: .*\\(conventions v\\d+\\)\\.$';

function raiseConstant(root: SgNode) {
  const value = root.find({ rule: { pattern: 'CONVENTIONS_VERSION = $V', kind: 'assignment' } })?.getMatch('V');
  return value && /^\d+$/.test(value.text()) && Number(value.text()) < VERSION ? [value.replace(String(VERSION))] : [];
}

function bumpHeader(root: SgNode) {
  return root
    .findAll({ rule: { kind: 'comment', regex: HEADER } })
    .filter((c) => Number(/\(conventions v(\d+)\)/.exec(c.text())![1]) < VERSION)
    .map((c) => c.replace(c.text().replace(/\(conventions v\d+\)/, `(conventions v${VERSION})`)));
}

export const conventionsVersion: Codemod = {
  id: 'v3-conventions-version',
  version: VERSION,
  description: 'Record conventions v3 in conventions.py (the jobs\' "conventions" tag) and the platform-owned headers',
  async run(tree, { pipeline, todo }) {
    const dir = `src/${pipeline}`;
    if (!tree.exists(`${dir}/conventions.py`)) return 0;
    let changes = await editPython(tree, `${dir}/conventions.py`, raiseConstant);
    if (!tree.read(`${dir}/conventions.py`)!.includes('CONVENTIONS_VERSION')) todo(`${dir}/conventions.py has no CONVENTIONS_VERSION; run the v2-conventions-tag codemod first (pipeline upgrade --codemod v2-conventions-tag)`);
    for (const path of [...tree.list(dir), ...tree.list('tests')].filter((p) => p.endsWith('.py'))) changes += await editPython(tree, path, bumpHeader);
    return changes;
  },
};
