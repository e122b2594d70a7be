// Why: every job carries the conventions version it was built under as its `conventions` tag
// (v2-conventions-tag), and every platform-owned module says in its header which conventions
// rendered it; a v3 pipeline must say 3 in both places, or a run in the UI would claim rules it
// no longer follows. Raises `CONVENTIONS_VERSION` in conventions.py and the "(conventions vN)" of
// the platform-owned headers, through ast-grep. Runs after the other v3 codemods; the same
// codemod, made by recordConventionsVersion, closes every later version (v4-conventions-version).
import type { SgNode } from '@ast-grep/napi';
import type { Codemod } from '../codemod.ts';
import { editPython } from '../engines/python.ts';

const HEADER = '^# Platform-owned module: .*\\(conventions v\\d+\\)\\.$';

function raiseConstant(root: SgNode, version: number) {
  const value = root.find({ rule: { pattern: 'CONVENTIONS_VERSION = $V', kind: 'assignment' } })?.getMatch('V');
  return value && /^\d+$/.test(value.text()) && Number(value.text()) < version ? [value.replace(String(version))] : [];
}

function bumpHeader(root: SgNode, version: number) {
  return root
    .findAll({ rule: { kind: 'comment', regex: HEADER } })
    .filter((c) => Number(/\(conventions v(\d+)\)/.exec(c.text())![1]) < version)
    .map((c) => c.replace(c.text().replace(/\(conventions v\d+\)/, `(conventions v${version})`)));
}

/** The codemod that records conventions `version` (run last of that version's codemods). */
export function recordConventionsVersion(version: number): Codemod {
  return {
    id: `v${version}-conventions-version`,
    version,
    description: `Record conventions v${version} in conventions.py (the jobs' "conventions" tag) and the platform-owned headers`,
    async run(tree, { pipeline, todo }) {
      const dir = `src/${pipeline}`;
      if (!tree.exists(`${dir}/conventions.py`)) return 0;
      let changes = await editPython(tree, `${dir}/conventions.py`, (root) => raiseConstant(root, version));
      if (!tree.read(`${dir}/conventions.py`)!.includes('CONVENTIONS_VERSION'))
        todo(
          `${dir}/conventions.py has no CONVENTIONS_VERSION; run the v2-conventions-tag codemod first (pipeline upgrade --codemod v2-conventions-tag)`,
        );
      for (const path of [...tree.list(dir), ...tree.list('tests')].filter((p) => p.endsWith('.py')))
        changes += await editPython(tree, path, (root) => bumpHeader(root, version));
      return changes;
    },
  };
}

export const conventionsVersion: Codemod = recordConventionsVersion(3);
