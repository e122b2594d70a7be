// Why: two branches that each ran `pipeline add schedule` on one pipeline conflicted when merged:
// both appended their ScheduleSpec to schedules.py's SCHEDULES, just before the list's closing
// bracket, and git cannot merge two insertions at one place. From conventions v5 each schedule
// `pipeline add schedule` adds is a module of its own, added_schedules/<name>.py, and
// definitions.py loads every ScheduleSpec there next to SCHEDULES (deployments.py's `specs_in`).
// This codemod makes a v4 pipeline v5: it writes added_schedules/__init__.py as the template
// renders it, adds `specs_in` (and the imports it needs) to deployments.py, and has definitions.py
// load the added schedules. Each node changes only while it is still what v4 generated, so an
// unmodified pipeline ends byte for byte as a fresh v5 one; otherwise a TODO says what to change.
// The schedules already in schedules.py stay there.

import type { Edit, SgNode } from '@ast-grep/napi';
import { ADDED_SCHEDULES } from '../../../generators/pipeline/files.ts';
import type { Codemod } from '../codemod.ts';
import { editPython } from '../engines/python.ts';

const VERSION = 5;

/** Replaces the node of `kind` whose text is exactly `old` (none: no edit). */
const exact = (root: SgNode, kind: string, old: string, fresh: string): Edit[] =>
  root
    .findAll({ rule: { kind } })
    .filter((n) => n.text() === old)
    .slice(0, 1)
    .map((n) => n.replace(fresh));

const IMPORTS: [kind: string, v4: string, v5: string][] = [
  ['import_statement', 'import os', 'import importlib\nimport os\nimport pkgutil'],
  [
    'import_from_statement',
    'from dataclasses import dataclass, field',
    'from dataclasses import dataclass, field\nfrom types import ModuleType',
  ],
  ['import_from_statement', 'from typing import Any', 'from typing import Any, TypeVar'],
];

const SPECS_IN = `


Spec = TypeVar("Spec")


def specs_in(package: ModuleType, kind: type[Spec]) -> list[Spec]:
    """Every \`\`kind\`\` a module of \`\`package\`\` defines at its top level, the modules in name order.

    \`\`pipeline add schedule\`\` writes each schedule it adds to a module of its own in
    added_schedules/, so that two branches that each add one merge without a conflict.
    """
    specs: list[Spec] = []
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda found: found.name):
        loaded = importlib.import_module(f"{package.__name__}.{module.name}")
        specs.extend(value for value in vars(loaded).values() if isinstance(value, kind))
    return specs`;

/** deployments.py: the imports specs_in needs, and specs_in after visible_sensors (v4's last function). */
function deploymentsEdits(root: SgNode): Edit[] {
  if (root.find({ rule: { kind: 'function_definition', has: { field: 'name', regex: '^specs_in$' } } })) return [];
  const imports = IMPORTS.map(([kind, v4, v5]) => exact(root, kind, v4, v5));
  const last = root
    .children()
    .filter((n) => n.kind() !== 'comment')
    .at(-1);
  const isVisibleSensors = last?.kind() === 'function_definition' && last.field('name')?.text() === 'visible_sensors';
  if (imports.some((e) => e.length === 0) || !last || !isVisibleSensors) return [];
  return [...imports.flat(), last.replace(`${last.text()}${SPECS_IN}`)];
}

const DEPLOYMENTS_IMPORT_V4 =
  'from .deployments import current_deployment, visible_jobs, visible_schedules, visible_sensors';
const DEPLOYMENTS_IMPORT_V5 = `from . import ${ADDED_SCHEDULES}
from .deployments import ScheduleSpec, current_deployment, specs_in, visible_jobs, visible_schedules, visible_sensors`;
const SCHEDULES_ARGUMENT_V4 = 'schedules=visible_schedules(SCHEDULES, JOBS, PRESETS, deployment)';
const SCHEDULES_ARGUMENT_V5 = 'schedules=visible_schedules(schedules, JOBS, PRESETS, deployment)';
const SCHEDULES_LIST = `# schedules.py's, then those \`pipeline add schedule\` added, one module each (${ADDED_SCHEDULES}/).
    schedules = [*SCHEDULES, *specs_in(${ADDED_SCHEDULES}, ScheduleSpec)]
    `;

/** definitions.py, first pass: the import and the argument (v4's text exactly, else nothing). */
function definitionsEdits(root: SgNode): Edit[] {
  const edits = [
    ...exact(root, 'import_from_statement', DEPLOYMENTS_IMPORT_V4, DEPLOYMENTS_IMPORT_V5),
    ...exact(root, 'keyword_argument', SCHEDULES_ARGUMENT_V4, SCHEDULES_ARGUMENT_V5),
  ];
  return edits.length === 2 ? edits : [];
}

/** definitions.py, second pass: the list of every schedule, just before `defs = dg.Definitions(...)`. */
function schedulesListEdit(root: SgNode): Edit[] {
  if (root.find({ rule: { kind: 'assignment', has: { field: 'left', regex: '^schedules$' } } })) return [];
  const defs = root.find({
    rule: {
      kind: 'expression_statement',
      has: { kind: 'assignment', has: { field: 'left', regex: '^defs$' } },
      inside: { kind: 'function_definition', has: { field: 'name', regex: '^build_definitions$' }, stopBy: 'end' },
    },
  });
  return defs ? [defs.replace(`${SCHEDULES_LIST}${defs.text()}`)] : [];
}

/**
 * added_schedules/__init__.py as conventions v5 generates it (a codemod writes the version it
 * names, whatever later templates say).
 */
const ADDED_SCHEDULES_INIT = `"""Schedules that \`pipeline add schedule\` added (yours to edit): one module each.

Every ScheduleSpec a module here defines at its top level is loaded next to schedules.py's
SCHEDULES (see definitions.py). A module of its own per schedule means that two branches that each
add one merge without a conflict; move one into schedules.py, or back, as you like.
"""
`;

export const addedSchedules: Codemod = {
  id: 'v5-added-schedules',
  version: VERSION,
  description:
    'Each schedule pipeline add schedule adds is a module of its own (added_schedules/), which definitions.py loads: two branches that each add one merge without a conflict',
  async run(tree, { pipeline, todo }) {
    const dir = `src/${pipeline}`;
    if (!tree.exists(`${dir}/definitions.py`) || !tree.exists(`${dir}/deployments.py`)) return 0;
    let changes = 0;
    const init = `${dir}/${ADDED_SCHEDULES}/__init__.py`;
    if (!tree.exists(init)) {
      tree.write(init, ADDED_SCHEDULES_INIT);
      changes++;
    }
    changes += await editPython(tree, `${dir}/deployments.py`, deploymentsEdits);
    if (!tree.read(`${dir}/deployments.py`)!.includes('def specs_in('))
      todo(
        `${dir}/deployments.py is not as conventions v4 generated it: add specs_in (see a new pipeline's deployments.py), which definitions.py needs to load ${ADDED_SCHEDULES}/`,
      );
    const first = await editPython(tree, `${dir}/definitions.py`, definitionsEdits);
    changes += first;
    if (first) changes += await editPython(tree, `${dir}/definitions.py`, schedulesListEdit);
    else if (!tree.read(`${dir}/definitions.py`)!.includes(`specs_in(${ADDED_SCHEDULES}, ScheduleSpec)`))
      todo(
        `${dir}/definitions.py is not as conventions v4 generated it: load the schedules of ${ADDED_SCHEDULES}/ too (schedules = [*SCHEDULES, *specs_in(${ADDED_SCHEDULES}, ScheduleSpec)], as a new pipeline's definitions.py does)`,
      );
    return changes;
  },
};
