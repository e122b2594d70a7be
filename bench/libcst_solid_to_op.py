"""The LibCST side of the upgrade benchmark: rewrite @solid to @op (and its import) in every .py
file below a folder, with a pool of worker processes, the way a LibCST codemod runner would.

Usage: python libcst_solid_to_op.py <folder> [jobs=2]
"""

import sys
from multiprocessing import Pool
from pathlib import Path

import libcst as cst


class SolidToOp(cst.CSTTransformer):
    def leave_Decorator(self, original, updated):
        target = updated.decorator
        if isinstance(target, cst.Name) and target.value == "solid":
            return updated.with_changes(decorator=cst.Name("op"))
        if isinstance(target, cst.Call) and isinstance(target.func, cst.Name) and target.func.value == "solid":
            return updated.with_changes(decorator=target.with_changes(func=cst.Name("op")))
        return updated

    def leave_ImportAlias(self, original, updated):
        if isinstance(updated.name, cst.Name) and updated.name.value == "solid":
            return updated.with_changes(name=cst.Name("op"))
        return updated


def rewrite(path):
    source = path.read_text()
    module = cst.parse_module(source)
    result = module.visit(SolidToOp()).code
    if result != source:
        path.write_text(result)
        return 1
    return 0


if __name__ == "__main__":
    files = sorted(Path(sys.argv[1]).rglob("*.py"))
    with Pool(int(sys.argv[2]) if len(sys.argv) > 2 else 2) as pool:
        changed = sum(pool.imap_unordered(rewrite, files, chunksize=64))
    print(f"{changed} files changed")
