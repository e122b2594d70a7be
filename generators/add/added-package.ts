// A package of added modules (added_presets/, added_jobs/: conventions v5): what `pipeline add`
// writes a preset or a graph to, so that two branches that each add one merge without a conflict.
// The first module added makes the package and has the pipeline's own module gather it (presets.py,
// jobs.py): the same edit on every branch. Where that module no longer loads the package, the add
// is refused; where it cannot take the edit (its imports are not the generated ones, or the
// pipeline is older than v5), the caller edits that module itself, as before v5.
import { InputError } from '../../src/errors.ts';
import { renderString, templateText } from '../../src/render/templates.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { parsePython } from '../../src/upgrade/engines/python.ts';
import { type AddContext, hasOwnModules } from './context.ts';
import { addedModulesNote, withAddedModulesNote } from './readme.ts';

export interface AddedPackage {
  /** The package, relative to the pipeline's package: added_presets. */
  folder: string;
  /** The pipeline's module that gathers it: presets.py. */
  gatherer: string;
  /** Makes the gatherer gather the package (with its first module); returns whether it could. */
  gather: (tree: FileTree, path: string) => Promise<boolean>;
  /** An ast-grep rule that matches where the gatherer loads the package. */
  loads: object;
  /** What the gatherer does with the package (`gather`), and what to put back when it no longer does: for the refusal. */
  refusal: { does: string; putBack: string };
  /** The package's __init__.py template, below templates/. */
  init: string;
}

/** Whether the module at `path` of the tree has a node `rule` matches (the gatherer's loading line). */
async function gathers(tree: FileTree, path: string, rule: object): Promise<boolean> {
  const source = tree.read(path);
  return source !== undefined && (await parsePython(source)).root().find(rule as never) !== null;
}

/** Where a new module of the package goes, or undefined when the caller edits the gatherer instead. */
export async function placeInPackage(
  tree: FileTree,
  ctx: AddContext,
  pkg: AddedPackage,
  name: string,
  what: string,
): Promise<{ module: string; first: boolean } | undefined> {
  if (!hasOwnModules(ctx)) return undefined;
  const folder = `${ctx.pkg}/${pkg.folder}`;
  const gatherer = `${ctx.pkg}/${pkg.gatherer}`;
  const module = `${folder}/${name}.py`;
  if (tree.exists(module))
    throw new InputError(`--name ${name}: ${ctx.rel}/${module} exists already; pick another name`);
  if (!tree.exists(`${folder}/__init__.py`))
    return (await pkg.gather(tree, gatherer)) ? { module, first: true } : undefined;
  if (!(await gathers(tree, gatherer, pkg.loads)))
    throw new InputError(
      `${ctx.rel}/${gatherer} does not ${pkg.refusal.does} ${pkg.folder}/, so the ${what} would never load; put back its ${pkg.refusal.putBack}, then run again`,
    );
  return { module, first: false };
}

/**
 * Writes the module (and, with the first, the package's __init__.py and the README's line below
 * its jobs table); returns the note `pipeline add` prints.
 */
export function writeInPackage(
  tree: FileTree,
  ctx: AddContext,
  pkg: AddedPackage,
  placed: { module: string; first: boolean },
  template: string,
  data: object,
): string {
  if (placed.first) {
    tree.write(`${ctx.pkg}/${pkg.folder}/__init__.py`, renderString(templateText(pkg.init), data));
    // A row per job in the README's table would put two branches' rows at one place again.
    const readme = tree.read('README.md');
    const updated = readme === undefined ? undefined : withAddedModulesNote(readme, ctx.pkg);
    if (updated) tree.write('README.md', updated);
  }
  tree.write(placed.module, renderString(templateText(template), data));
  return addedModulesNote(ctx.pipeline);
}
