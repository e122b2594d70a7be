// Why: from conventions v2 every job carries the conventions version it was built under as the
// tag `conventions`, so a run in the UI says which platform rules made it. Adds the constant to
// conventions.py and the tag to the jobs built in deployments.py. Python, through ast-grep.
import type { SgNode } from '@ast-grep/napi';
import type { Codemod } from '../codemod.ts';
import { editPython } from '../engines/python.ts';

const VERSION = 2;
const pkgDir = (pipeline: string) => `src/${pipeline}`;

/** `CONVENTIONS_VERSION = N` right after `PIPELINE = ...`, or its value raised to VERSION. */
function addConstant(root: SgNode) {
  const existing = root.find({ rule: { pattern: 'CONVENTIONS_VERSION = $V', kind: 'assignment' } });
  if (existing) {
    const value = existing.getMatch('V')!;
    return Number(value.text()) >= VERSION ? [] : [value.replace(String(VERSION))];
  }
  const assignment = root.find({ rule: { pattern: 'PIPELINE = $P', kind: 'assignment' } });
  if (!assignment)
    throw new Error(
      'conventions.py has no PIPELINE = ... assignment to put CONVENTIONS_VERSION after; add CONVENTIONS_VERSION = 2 by hand',
    );
  // After the whole statement, and after a comment that ends its line.
  let anchor = assignment.parent() ?? assignment;
  const next = anchor.next();
  if (next && next.kind() === 'comment' && next.range().start.line === anchor.range().end.line) anchor = next;
  return [
    anchor.replace(
      `${anchor.text()}\n\n# The conventions version this pipeline follows; every job carries it as a tag.\nCONVENTIONS_VERSION = ${VERSION}`,
    ),
  ];
}

/** The `"conventions"` tag after `"pipeline": conventions.PIPELINE` in build_jobs' tags. */
function addTag(root: SgNode) {
  const build = root.find({ rule: { kind: 'function_definition', has: { field: 'name', regex: '^build_jobs$' } } });
  if (!build)
    throw new Error('deployments.py has no build_jobs function to tag jobs in; add the "conventions" tag by hand');
  const tags = build.find({
    rule: { kind: 'dictionary', has: { kind: 'pair', has: { field: 'key', regex: '^"pipeline"$' } } },
  });
  if (!tags)
    throw new Error(
      'build_jobs in deployments.py builds no tags dict with a "pipeline" key; add the "conventions" tag by hand',
    );
  if (tags.find({ rule: { kind: 'pair', has: { field: 'key', regex: '^"conventions"$' } } })) return [];
  const pair = tags.find({ rule: { kind: 'pair', has: { field: 'key', regex: '^"pipeline"$' } } })!;
  const tag = '"conventions": str(conventions.CONVENTIONS_VERSION)';
  // One entry per line stays one per line; a dict on one line stays on one line.
  const oneLine = tags.range().start.line === tags.range().end.line;
  return [
    pair.replace(
      oneLine ? `${pair.text()}, ${tag}` : `${pair.text()},\n${' '.repeat(pair.range().start.column)}${tag}`,
    ),
  ];
}

/** The "(conventions vN)" of the platform-owned header comment. */
function bumpHeader(root: SgNode) {
  return root
    .findAll({ rule: { kind: 'comment', regex: '^# Platform-owned module: .*\\(conventions v\\d+\\)\\.$' } })
    .filter((c) => !c.text().includes(`(conventions v${VERSION})`))
    .map((c) => c.replace(c.text().replace(/\(conventions v\d+\)/, `(conventions v${VERSION})`)));
}

export const conventionsTag: Codemod = {
  id: 'v2-conventions-tag',
  version: VERSION,
  description: 'Tag every job with the conventions version it was built under (conventions.py, deployments.py)',
  async run(tree, { pipeline }) {
    const dir = pkgDir(pipeline);
    if (!tree.exists(`${dir}/conventions.py`) || !tree.exists(`${dir}/deployments.py`)) return 0;
    let changes = 0;
    changes += await editPython(tree, `${dir}/conventions.py`, addConstant);
    changes += await editPython(tree, `${dir}/deployments.py`, addTag);
    for (const path of tree.list(dir).filter((p) => p.endsWith('.py')))
      changes += await editPython(tree, path, bumpHeader);
    for (const path of tree.list('tests').filter((p) => p.endsWith('.py')))
      changes += await editPython(tree, path, bumpHeader);
    return changes;
  },
};
