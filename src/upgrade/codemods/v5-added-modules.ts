// Why: two branches that each ran `pipeline add schedule` (or `add sensor`) on one pipeline
// conflicted when merged: both appended their spec to schedules.py's SCHEDULES (sensors.py's
// SENSORS and EVALUATIONS), just before the closing bracket, and git cannot merge two insertions at
// one place. From conventions v5 each schedule or sensor `pipeline add` adds is a module of its
// own, added_schedules/<name>.py or added_sensors/<name>.py, and definitions.py loads them next to
// the shared modules' (deployments.py's `specs_in` and `functions_in`). This codemod makes a v4
// pipeline v5: it writes both packages' __init__.py as the templates render them, adds those
// functions (and the imports they need) to deployments.py, has definitions.py load the added
// schedules and sensors, and tests/test_schedules_and_sensors.py evaluate the added sensors too;
// definitions.py and the tests take MODES from jobs.py (the modes the jobs are built with).
// Each node changes only while it is still what v4 generated, so an unmodified pipeline ends byte
// for byte as a fresh v5 one; otherwise a TODO says what to change. The schedules and sensors
// already in schedules.py and sensors.py stay there.
import type { Edit, SgNode } from '@ast-grep/napi';
import { ADDED } from '../../../generators/pipeline/files.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import type { Codemod } from '../codemod.ts';
import { editPython, removeExactLine, replaceExact } from '../engines/python.ts';

const VERSION = 5;

/** Every edit, or none when one of them finds its node changed. */
const allOrNone = (edits: Edit[][]): Edit[] => (edits.every((e) => e.length === 1) ? edits.flat() : []);

const IMPORTS: [kind: string, v4: string, v5: string][] = [
  ['import_statement', 'import os', 'import importlib\nimport inspect\nimport os\nimport pkgutil'],
  [
    'import_from_statement',
    'from dataclasses import dataclass, field',
    'from dataclasses import dataclass, field\nfrom types import ModuleType',
  ],
  ['import_from_statement', 'from typing import Any', 'from typing import Any, TypeVar'],
];

/** What deployments.py gains after visible_sensors, v4's last function. */
const ADDED_FUNCTIONS = `


Spec = TypeVar("Spec")


def modules_in(package: ModuleType) -> list[ModuleType]:
    """The modules of \`\`package\`\`, in name order.

    \`\`pipeline add schedule\`\` and \`\`pipeline add sensor\`\` write each schedule or sensor they add to a
    module of its own (added_schedules/, added_sensors/), so that two branches that each add one
    merge without a conflict.
    """
    found = sorted(pkgutil.iter_modules(package.__path__), key=lambda module: module.name)
    return [importlib.import_module(f"{package.__name__}.{module.name}") for module in found]


def specs_in(package: ModuleType, kind: type[Spec]) -> list[Spec]:
    """Every \`\`kind\`\` a module of \`\`package\`\` defines at its top level."""
    return [value for module in modules_in(package) for value in vars(module).values() if isinstance(value, kind)]


def functions_in(package: ModuleType) -> dict[str, Callable[..., Any]]:
    """The functions the modules of \`\`package\`\` define at their top level, by name (sensors' evaluations)."""
    return {
        name: value
        for module in modules_in(package)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    }`;

/** deployments.py: the imports the functions need, and the functions after visible_sensors. */
function deploymentsEdits(root: SgNode): Edit[] {
  if (root.find({ rule: { kind: 'function_definition', has: { field: 'name', regex: '^specs_in$' } } })) return [];
  const last = root
    .children()
    .filter((n) => n.kind() !== 'comment')
    .at(-1);
  if (last?.kind() !== 'function_definition' || last.field('name')?.text() !== 'visible_sensors') return [];
  return allOrNone([
    ...IMPORTS.map(([kind, v4, v5]) => replaceExact(root, kind, v4, v5)),
    [last.replace(`${last.text()}${ADDED_FUNCTIONS}`)],
  ]);
}

const DEFINITIONS_IMPORT_V4 =
  'from .deployments import current_deployment, visible_jobs, visible_schedules, visible_sensors';
const DEFINITIONS_IMPORT_V5 = `from . import ${ADDED.schedule}, ${ADDED.sensor}
from .deployments import (
    ScheduleSpec,
    SensorSpec,
    current_deployment,
    functions_in,
    specs_in,
    visible_jobs,
    visible_schedules,
    visible_sensors,
)`;
const DEFS_V4 = `defs = dg.Definitions(
        jobs=visible_jobs(JOBS, deployment),
        schedules=visible_schedules(SCHEDULES, JOBS, PRESETS, deployment),
        sensors=visible_sensors(SENSORS, EVALUATIONS, JOBS, PRESETS, MODES, deployment),
    )`;
const DEFS_V5 = `# schedules.py's and sensors.py's, then those \`pipeline add\` added, one module each (added_*/).
    schedules = [*SCHEDULES, *specs_in(${ADDED.schedule}, ScheduleSpec)]
    sensors = [*SENSORS, *specs_in(${ADDED.sensor}, SensorSpec)]
    evaluations = {**EVALUATIONS, **functions_in(${ADDED.sensor})}
    defs = dg.Definitions(
        jobs=visible_jobs(JOBS, deployment),
        schedules=visible_schedules(schedules, JOBS, PRESETS, deployment),
        # The modes the jobs are built with (modes.py's, or resources.py's once \`pipeline add
        # resource\` bound one): a sensor gets the resources of the job it launches.
        sensors=visible_sensors(sensors, evaluations, JOBS, PRESETS, MODES, deployment),
    )`;

/**
 * `from <package>.jobs import JOBS` and `from <package>.modes import MODES` as one import of both
 * from jobs.py: the modes the jobs are built with, which `pipeline add resource` makes
 * resources.py's. A sensor's evaluation then gets the resources its job runs with, and the tests'
 * placeholders cover the added resources' variables (conftest.py: `MODES` alone).
 */
function modesOfTheJobs(root: SgNode, pkg: string): Edit[] {
  // pkg '' reads the imports of a module inside the package (`from .modes import MODES`).
  const modes = `from ${pkg}.modes import MODES`;
  const jobs = `from ${pkg}.jobs import JOBS`;
  if (!root.findAll({ rule: { kind: 'import_from_statement' } }).some((n) => n.text() === jobs))
    return allOrNone([replaceExact(root, 'import_from_statement', modes, `from ${pkg}.jobs import MODES`)]);
  return allOrNone([
    replaceExact(root, 'import_from_statement', jobs, `${jobs}, MODES`),
    removeExactLine(root, 'import_from_statement', modes),
  ]);
}

/** definitions.py: its import of deployments.py, the schedules and sensors it loads, and its MODES. */
const definitionsEdits = (root: SgNode): Edit[] => [
  ...allOrNone([
    replaceExact(root, 'import_from_statement', DEFINITIONS_IMPORT_V4, DEFINITIONS_IMPORT_V5),
    replaceExact(root, 'expression_statement', DEFS_V4, DEFS_V5),
  ]),
  // definitions.py imports its own package relatively: `from .jobs`, `from .modes`.
  ...modesOfTheJobs(root, ''),
];

const SENSORS_LOOP_V4 = `for spec in SENSORS:
        sensor = build_sensor(spec, EVALUATIONS[spec.evaluation], JOBS, PRESETS, LOCAL_RESOURCES, "local")`;
const SENSORS_LOOP_V5 = `evaluations = {**EVALUATIONS, **functions_in(${ADDED.sensor})}
    for spec in [*SENSORS, *specs_in(${ADDED.sensor}, SensorSpec)]:
        sensor = build_sensor(spec, evaluations[spec.evaluation], JOBS, PRESETS, LOCAL_RESOURCES, "local")`;

const LOCAL_RESOURCES_V4 = [
  "# Sensors are evaluated against local mode's store (the bundled sample data), whatever their mode.",
  'LOCAL_RESOURCES = dict.fromkeys(MODES, MODES["local"])',
];
const LOCAL_RESOURCES_V5 = [
  "# Sensors are evaluated against local mode's resources (the bundled sample data), whatever their\n# mode; a resource only their mode binds (pipeline add resource --modes) is their mode's.",
  'LOCAL_RESOURCES = {mode: {**resources, **MODES["local"]} for mode, resources in MODES.items()}',
];

/**
 * tests/test_schedules_and_sensors.py: a sensor gets local mode's resources and, under them, those
 * only its own mode binds (a resource `pipeline add resource --modes prod` bound, which it reads).
 */
const localResourcesEdits = (root: SgNode): Edit[] =>
  allOrNone([
    replaceExact(root, 'comment', LOCAL_RESOURCES_V4[0]!, LOCAL_RESOURCES_V5[0]!),
    replaceExact(root, 'expression_statement', LOCAL_RESOURCES_V4[1]!, LOCAL_RESOURCES_V5[1]!),
  ]);

/** tests/test_schedules_and_sensors.py: the sensors it evaluates include the added ones. */
function sensorsTestEdits(root: SgNode, pkg: string): Edit[] {
  const loop = root.findAll({ rule: { kind: 'for_statement' } }).find((n) => n.text().startsWith(SENSORS_LOOP_V4));
  return allOrNone([
    replaceExact(
      root,
      'import_from_statement',
      `from ${pkg} import conventions`,
      `from ${pkg} import ${ADDED.sensor}, conventions`,
    ),
    replaceExact(
      root,
      'import_from_statement',
      `from ${pkg}.deployments import build_sensor, job_name`,
      `from ${pkg}.deployments import SensorSpec, build_sensor, functions_in, job_name, specs_in`,
    ),
    loop ? [loop.replace(`${SENSORS_LOOP_V5}${loop.text().slice(SENSORS_LOOP_V4.length)}`)] : [],
  ]);
}

/**
 * The packages' __init__.py as conventions v5 generates them (a codemod writes the version it
 * names, whatever later templates say).
 */
const INITS: Record<keyof typeof ADDED, string> = {
  schedule: `"""Schedules that \`pipeline add schedule\` added (yours to edit): one module each.

Every ScheduleSpec a module here defines at its top level is loaded next to schedules.py's
SCHEDULES (see definitions.py). A module of its own per schedule means that two branches that each
add one merge without a conflict; move one into schedules.py, or back, as you like.
"""
`,
  sensor: `"""Sensors that \`pipeline add sensor\` added (yours to edit): one module each.

Every SensorSpec a module here defines at its top level is loaded next to sensors.py's SENSORS,
and its evaluation function, named by the spec, next to EVALUATIONS (see definitions.py). A module
of its own per sensor means that two branches that each add one merge without a conflict.
"""
`,
};

const TODO = '# TODO(pipeline upgrade): conventions v5';

/**
 * A module that is not as v4 generated it gets a TODO comment above its first import, and the
 * report a line, once: a run that finds the comment says nothing more. Returns the edits made.
 */
async function todoIn(tree: FileTree, path: string, what: string, todo: (message: string) => void): Promise<number> {
  if (tree.read(path)!.includes(TODO)) return 0;
  todo(`${path} is not as conventions v4 generated it: ${what}`);
  return editPython(tree, path, (root) => {
    const first = root.children().find((n) => /^(future_)?import(_from)?_statement$/.test(String(n.kind())));
    return first ? [first.replace(`${TODO}: ${what}\n${first.text()}`)] : [];
  });
}

export const addedModules: Codemod = {
  id: 'v5-added-modules',
  version: VERSION,
  description:
    'Each schedule or sensor pipeline add adds is a module of its own (added_schedules/, added_sensors/), which definitions.py loads: two branches that each add one merge without a conflict',
  async run(tree, { pipeline, todo }) {
    const dir = `src/${pipeline}`;
    if (!tree.exists(`${dir}/definitions.py`) || !tree.exists(`${dir}/deployments.py`)) return 0;
    let changes = 0;
    for (const kind of ['schedule', 'sensor'] as const) {
      const init = `${dir}/${ADDED[kind]}/__init__.py`;
      if (tree.exists(init)) continue;
      tree.write(init, INITS[kind]);
      changes++;
    }
    const deployments = `${dir}/deployments.py`;
    changes += await editPython(tree, deployments, deploymentsEdits);
    if (!tree.read(deployments)!.includes('def functions_in('))
      changes += await todoIn(
        tree,
        deployments,
        `add modules_in, specs_in and functions_in (see a new pipeline's deployments.py), which definitions.py needs to load ${ADDED.schedule}/ and ${ADDED.sensor}/`,
        todo,
      );
    const definitions = `${dir}/definitions.py`;
    changes += await editPython(tree, definitions, definitionsEdits);
    if (!tree.read(definitions)!.includes(`functions_in(${ADDED.sensor})`))
      changes += await todoIn(
        tree,
        definitions,
        `load the schedules and sensors of ${ADDED.schedule}/ and ${ADDED.sensor}/ too, as a new pipeline's definitions.py does`,
        todo,
      );
    // The tests that build sensors, and conftest.py's placeholders, take the jobs' MODES too.
    for (const path of ['tests/test_schedules_and_sensors.py', 'tests/test_ingest.py', 'tests/conftest.py'])
      if (tree.exists(path)) changes += await editPython(tree, path, (root) => modesOfTheJobs(root, pipeline));
    const test = 'tests/test_schedules_and_sensors.py';
    if (tree.exists(test)) {
      changes += await editPython(tree, test, localResourcesEdits);
      changes += await editPython(tree, test, (root) => sensorsTestEdits(root, pipeline));
      if (!tree.read(test)!.includes(`functions_in(${ADDED.sensor})`))
        changes += await todoIn(
          tree,
          test,
          `evaluate the sensors of ${ADDED.sensor}/ too, as a new pipeline's test does`,
          todo,
        );
    }
    return changes;
  },
};
