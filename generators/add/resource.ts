// `pipeline add resource`: its questions and its edits: a typed resource class (dg.ConfigurableResource,
// every field read from the environment through dg.EnvVar) and its binding to the modes that get it,
// in the pipeline's own resources.py (made on first use), whose MODES jobs.py then takes.
import type { SgNode } from '@ast-grep/napi';
import { InputError } from '../../src/errors.ts';
import { type Answers, type AnswersOf, defineQuestions, splitList } from '../../src/options/question.ts';
import { renderString, templateText } from '../../src/render/templates.ts';
import { possessive } from '../../src/text.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { editPython } from '../../src/upgrade/engines/python.ts';
import { appendToList, assignedList, statementOf } from '../../src/upgrade/engines/python-lists.ts';
import { checkText, ENV_VAR } from '../../src/validate/index.ts';
import { checkModuleName, checkPythonIdentifier } from '../../src/validate/names.ts';
import { ADDED_RESOURCES } from '../pipeline/files.ts';
import { type AddContext, hasOwnModules, pipelineModes } from './context.ts';

/** The resource keys every mode of modes.py binds already (the platform's). */
const PLATFORM_KEYS = ['store'];
/** Keys Dagster gives a meaning of its own, each with what it is. */
const DAGSTER_KEYS: Record<string, string> = {
  context: "an op takes Dagster's context by that name",
  config: "an op takes its own config by that name (Dagster's dg.Config)",
  io_manager: "Dagster stores every op's outputs with the resource of that key (the platform's store does that here)",
};

/**
 * The public attributes of dg.ConfigurableResource (Dagster 1.13, pydantic 2): a field of one of
 * these names fails when the class is made (`model_config`: pydantic's own; `json`, `copy`: shadows
 * an attribute of BaseModel), so the code location would not load.
 */
const RESOURCE_ATTRIBUTES = new Set([
  'configure_at_launch',
  'construct',
  'copy',
  'create_resource',
  'dict',
  'from_orm',
  'from_resource_context',
  'from_resource_context_cm',
  'get_resource_context',
  'get_resource_definition',
  'json',
  'model_computed_fields',
  'model_config',
  'model_construct',
  'model_copy',
  'model_dump',
  'model_dump_json',
  'model_extra',
  'model_fields',
  'model_fields_set',
  'model_json_schema',
  'model_parametrized_name',
  'model_post_init',
  'model_rebuild',
  'model_validate',
  'model_validate_json',
  'model_validate_strings',
  'nested_resources',
  'parse_file',
  'parse_obj',
  'parse_raw',
  'process_config_and_initialize',
  'process_config_and_initialize_cm',
  'schema',
  'schema_json',
  'setup_for_execution',
  'teardown_after_execution',
  'to_config_schema',
  'to_fields_dict',
  'update_forward_refs',
  'validate',
  'with_replaced_resource_context',
  'with_resource_context',
  'yield_for_execution',
]);

/** A class and a binding, as resources.py's first ones: the same partials. */
const CLASS = '{{> resource-class}}';
const BINDING = '{{> resource-binding}}';

const pascal = (name: string) =>
  name
    .split('_')
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

export const RESOURCE_QUESTIONS = defineQuestions<AddContext>()
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'key',
    help: 'Resource key: the parameter name an op takes it by (warehouse, slack, ...)',
    message: 'Resource key:',
    default: () => {
      throw new InputError('--name is required without a terminal; pass --name warehouse (a Python name)');
    },
    parse: (raw, ctx) => {
      const name = checkModuleName(checkPythonIdentifier(raw, '--name', 'a resource key'), '--name');
      // An op takes its resources as parameters named by their keys, after Dagster's own `context`
      // (and `config`, its config); Dagster binds `io_manager` itself, to every op's outputs.
      const dagsters = DAGSTER_KEYS[name];
      if (dagsters)
        throw new InputError(`--name ${name}: ${dagsters}, so it cannot be a resource of yours; pick another key`);
      if (PLATFORM_KEYS.includes(name))
        throw new InputError(
          `--name ${name}: every mode binds ${name} already (modes.py, the platform's); pick another key`,
        );
      if (ctx.resources.includes(name))
        throw new InputError(
          `--name ${name}: the pipeline already binds a resource named ${name} (in resources.py or added_resources/); pick another key`,
        );
      return name;
    },
  })
  .ask({
    key: 'className',
    flag: 'class',
    kind: 'text',
    valueName: 'Name',
    help: 'Its class, in added_resources/<key>.py (default: the key in PascalCase + Resource)',
    message: 'Class name:',
    default: (_ctx, a) => `${pascal(a.name)}Resource`,
    parse: (raw, ctx) => {
      const name = checkPythonIdentifier(raw, '--class', 'a Python class name');
      // PEP 8's CapWords, as ruff's pep8-naming (N801) and every class the templates write.
      if (!/^[A-Z][A-Za-z0-9]*$/.test(name))
        throw new InputError(
          `--class ${name} is not a class name in CapWords (PEP 8); use ${pascal(name.replace(/^_+/, '')) || 'WarehouseResource'}`,
        );
      if (
        ctx.resourcesNames.includes(name) ||
        ['Binding', 'BINDINGS', 'EVERY_MODE', 'MODES', 'dg', 'modes'].includes(name)
      )
        throw new InputError(
          `--class ${name}: the pipeline's resources (resources.py, added_resources/) already define ${name}; pick another name`,
        );
      return name;
    },
  })
  .ask({
    key: 'fields',
    flag: 'env',
    kind: 'text',
    valueName: 'field=VAR,...',
    help: 'Its fields and the environment variables they are read from (default: url=<KEY>_URL); never a value',
    message: 'Fields, as field=ENV_VAR,...:',
    default: (_ctx, a) => [{ name: 'url', env: `${a.name.toUpperCase()}_URL` }],
    show: (v: { name: string; env: string }[]) => v.map((f) => `${f.name}=${f.env}`).join(','),
    parse: (raw) => {
      const fields = splitList(raw).map((pair) => {
        const [name, env, ...more] = pair.split('=').map((s) => s.trim());
        if (!name || !env || more.length)
          throw new InputError(
            `--env ${JSON.stringify(pair)} is not field=ENV_VAR; pass e.g. --env url=WAREHOUSE_URL,password=WAREHOUSE_PASSWORD`,
          );
        checkPythonIdentifier(name, '--env field', 'a Python field name');
        if (name.startsWith('_') || RESOURCE_ATTRIBUTES.has(name))
          throw new InputError(
            `--env ${name}=${env}: ${name.startsWith('_') ? 'a field starting with _ is private to pydantic, never read from config' : `dg.ConfigurableResource has an attribute ${name} (pydantic's or Dagster's), so the class would not load`}; pick another field name`,
          );
        if (!ENV_VAR.test(env))
          throw new InputError(
            `--env ${name}=${env}: ${JSON.stringify(env)} is not an environment variable name (capitals, digits, underscores); the value itself never goes into code`,
          );
        return { name, env };
      });
      if (fields.length === 0)
        throw new InputError('--env needs at least one field=ENV_VAR, e.g. --env url=WAREHOUSE_URL');
      const names = fields.map((f) => f.name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new InputError(`--env names field ${twice} twice; give each field once`);
      return fields;
    },
  })
  .ask({
    key: 'modes',
    flag: 'modes',
    kind: 'text',
    valueName: 'a,b,...',
    help: 'The modes whose jobs get it (default: every mode, those added later too: EVERY_MODE)',
    message: 'Modes that get it (comma-separated):',
    default: (ctx) => pipelineModes(ctx),
    show: (v: string[]) => v.join(','),
    parse: (raw, ctx) => {
      const modes = splitList(raw);
      const known = pipelineModes(ctx);
      const unknown = modes.find((m) => !known.includes(m));
      if (unknown)
        throw new InputError(
          `--modes ${unknown}: not a mode ${possessive(ctx.pipeline)} deployments load (${known.join(', ')})`,
        );
      if (modes.length === 0) throw new InputError(`--modes needs at least one mode (${known.join(', ')})`);
      return known.filter((m) => modes.includes(m));
    },
  })
  .ask({
    key: 'description',
    flag: 'description',
    kind: 'text',
    valueName: 'text',
    help: 'One line on what it is, the class docstring (default: "TODO: what <key> is, and the methods your ops call.")',
    message: 'Describe the resource:',
    default: (_ctx, a) => `TODO: what ${a.name} is, and the methods your ops call.`,
    parse: (raw, _ctx, a) =>
      checkText(raw.trim() || `TODO: what ${a.name} is, and the methods your ops call.`, '--description', 300),
  });

const render = (template: string, data: Answers) => renderString(template, data);

/** The statement of `class Binding` (with its decorator): new classes go above it. */
const bindingClass = (root: SgNode) =>
  root.find({ rule: { kind: 'class_definition', has: { field: 'name', regex: '^Binding$' } } });

/** jobs.py takes its MODES from resources.py from now on (the first resource added). */
async function takeModesFromResources(tree: FileTree, jobsPath: string): Promise<void> {
  let switched = false;
  await editPython(tree, jobsPath, (root) => {
    const local = root
      .children()
      .filter((n) => n.kind() === 'import_from_statement' && n.field('module_name')!.text().startsWith('.'));
    const only = local.find((n) => n.text().replace(/\s+/g, ' ') === 'from .modes import MODES');
    if (!only) return [];
    switched = true;
    // The line goes where ruff's isort puts it: among the package's own imports, by module.
    const source = root.text();
    const lineOf = (n: SgNode) => ({
      start: n.range().start.index - n.range().start.column,
      end: source.indexOf('\n', n.range().end.index) + 1 || source.length,
    });
    const next = local.find((n) => n !== only && n.field('module_name')!.text() > '.resources');
    const at = next ? lineOf(next).start : lineOf(local[local.length - 1]!).end;
    const remove = lineOf(only);
    // What follows the import on its line (the team's comment) goes with it.
    const line = `from .resources import MODES${source.slice(only.range().end.index, remove.end).replace(/\n?$/, '\n')}`;
    return at === remove.start || at === remove.end
      ? [{ startPos: remove.start, endPos: remove.end, insertedText: line }]
      : [
          { startPos: remove.start, endPos: remove.end, insertedText: '' },
          { startPos: at, endPos: at, insertedText: line },
        ];
  });
  if (!switched)
    throw new InputError(
      `${jobsPath} does not import MODES with "from .modes import MODES"; make it "from .resources import MODES" by hand, then add the resource again`,
    );
}

/** How an op takes the resource: the parameter and the import of its class. */
const takeNote = (answers: { name: string; className: string }, module: string): string =>
  `an op takes it as a parameter ${answers.name}: ${answers.className}, with from ${module} import ${answers.className}`;

export async function addResource(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof RESOURCE_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const path = `${ctx.pkg}/resources.py`;
  const jobsPath = `${ctx.pkg}/jobs.py`;
  if (!tree.exists(jobsPath))
    throw new InputError(`${ctx.rel}/${jobsPath} does not exist; a pipeline builds its jobs there`);
  const fresh = !tree.exists(path);
  // From conventions v5 (deployments.py's modules_in) each resource is a module of its own in
  // added_resources/, which resources.py gathers: two branches that each add one merge without a
  // conflict. A resources.py made before lists every class and binding itself, as before.
  const folder = `${ctx.pkg}/${ADDED_RESOURCES}`;
  const ownModule = hasOwnModules(ctx) && (fresh || tree.exists(`${folder}/__init__.py`));
  const module = `${folder}/${answers.name}.py`;
  if (ownModule && tree.exists(module))
    throw new InputError(`--name ${answers.name}: ${ctx.rel}/${module} exists already; pick another key`);
  // In every mode the pipeline loads: bound in EVERY_MODE, so that a mode added later (on another
  // branch too, merged after this one) has it; a resources.py made before EVERY_MODE lists them.
  const everyMode =
    pipelineModes(ctx).every((m) => answers.modes.includes(m)) && (fresh || ctx.resourcesNames.includes('EVERY_MODE'));
  const data = { ...answers, everyMode };
  const where = ownModule ? `${ADDED_RESOURCES}/${answers.name}.py` : 'resources.py';
  const added = [
    `resource ${answers.name} (${answers.className} in ${where}, from ${answers.fields.map((f) => f.env).join(', ')}) in ${everyMode ? 'every mode (those added later too)' : `modes ${answers.modes.join(', ')}`}`,
  ];
  if (ownModule) {
    if (fresh) {
      tree.write(path, render(templateText('pipeline/added-resources-gathered.py.hbs'), data));
      tree.write(`${folder}/__init__.py`, render(templateText('pipeline/added-resources-init.py.hbs'), data));
      await takeModesFromResources(tree, jobsPath);
    }
    tree.write(module, render(templateText('pipeline/added-resource.py.hbs'), data));
    return { added, notes: [takeNote(answers, `.${ADDED_RESOURCES}.${answers.name}`)] };
  }
  if (fresh) {
    tree.write(path, render(templateText('pipeline/resources-in-one-file.py.hbs'), data));
    await takeModesFromResources(tree, jobsPath);
    return { added, notes: [takeNote(answers, '.resources')] };
  }
  let found = false;
  await editPython(tree, path, (root) => {
    const binding = bindingClass(root);
    if (!binding) return [];
    found = true;
    const at = statementOf(binding).range().start.index;
    return [{ startPos: at, endPos: at, insertedText: render(CLASS, data) }];
  });
  if (!found)
    throw new InputError(
      `${path} has no class Binding to put the new class above; restore it, or add the resource by hand`,
    );
  await appendToList(tree, path, 'BINDINGS list', (root) => assignedList(root, 'BINDINGS'), render(BINDING, data));
  return { added, notes: [takeNote(answers, '.resources')] };
}
