// A module in added_jobs/ without GRAPH, or in added_resources/ without BINDING: the package's
// gatherer reads that name from every module there (`module.GRAPH for module in modules_in(...)`),
// so one module without it (a helper a team put there) fails the code location's load with an
// AttributeError in every deployment.
import { ADDED_JOBS, ADDED_RESOURCES } from '../../../generators/pipeline/files.ts';
import { parsePython } from '../../upgrade/engines/python.ts';
import { binds, enclosingFunction } from '../../upgrade/engines/python-bindings.ts';
import type { PipelineModel } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

/** Each package whose modules must define a name: the name, and the file that gathers the modules. */
const PACKAGES = [
  {
    folder: ADDED_JOBS,
    name: 'GRAPH',
    gatherer: `${ADDED_JOBS}/__init__.py`,
    holds: 'the graph its jobs are built from',
  },
  { folder: ADDED_RESOURCES, name: 'BINDING', gatherer: 'resources.py', holds: "the resource's Binding" },
];

/** Whether a module binds `name` at its top level: an assignment, a def or class, or an import. */
export async function definesAtTop(source: string, name: string): Promise<boolean> {
  // Most modules hold the name (a text test first), and one that never says it cannot define it.
  if (!new RegExp(`\\b${name}\\b`).test(source)) return false;
  const named = { regex: `^${name}$` };
  const atTop = { inside: { kind: 'module' } };
  const root = (await parsePython(source)).root();
  // Bound anywhere outside a function or class (in a try or an if too), as one target of several
  // (`GRAPH, NAME = ...`) too.
  const assigned = root
    .findAll({ rule: { kind: 'identifier', ...named } })
    .some(
      (id) =>
        binds(id) &&
        !enclosingFunction(id) &&
        !id.inside({ rule: { kind: 'class_definition' }, stopBy: 'end' } as never),
    );
  if (assigned) return true;
  return (
    root.find({
      rule: {
        any: [
          { kind: 'assignment', has: { field: 'left', ...named }, inside: { kind: 'expression_statement', ...atTop } },
          { kind: 'function_definition', has: { field: 'name', ...named }, ...atTop },
          { kind: 'class_definition', has: { field: 'name', ...named }, ...atTop },
          {
            any: [{ kind: 'function_definition' }, { kind: 'class_definition' }],
            has: { field: 'name', ...named },
            inside: { kind: 'decorated_definition', ...atTop },
          },
          { kind: 'aliased_import', has: { field: 'alias', ...named } },
          { kind: 'dotted_name', ...named, inside: { kind: 'import_from_statement', field: 'name' } },
          { kind: 'dotted_name', ...named, inside: { kind: 'import_statement', field: 'name' } },
        ],
      },
    } as never) !== null
  );
}

function gathered(pipeline: PipelineModel, gatherer: string, name: string): boolean {
  return pipeline.read(`${pipeline.pkg}/${gatherer}`)?.includes(`module.${name}`) ?? false;
}

export const addedModuleName: PipelineRule = {
  id: 'added-module-name',
  scope: 'pipeline',
  severity: 'error',
  title: 'A module of added_jobs/ or added_resources/ without the name its package reads',
  why: "added_jobs/__init__.py reads GRAPH from every module of added_jobs/, and resources.py reads BINDING from every module of added_resources/: a module without it (a helper put there) fails the code location's load with an AttributeError, in every deployment.",
  fix: 'define the name in the module, or move the module out of the package (into the pipeline package itself)',
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const { folder, name, gatherer, holds } of PACKAGES) {
      if (!gathered(pipeline, gatherer, name)) continue;
      const prefix = `${pipeline.pkg}/${folder}/`;
      for (const path of pipeline.pythonFiles()) {
        const module = path.slice(prefix.length);
        if (!path.startsWith(prefix) || module.includes('/') || module === '__init__.py') continue;
        const source = pipeline.read(path);
        if (source === undefined || (await definesAtTop(source, name))) continue;
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: 1,
          message: `${folder}/${module} defines no ${name} (${holds}), which ${gatherer} reads from every module of ${folder}/: the code location does not load (AttributeError)`,
          fix: `define ${name} in it, or move it out of ${folder}/`,
        });
      }
    }
    return findings;
  },
};
