// Names: a pipeline's name becomes its folder, Python package and distribution, Dagster code location
// and asset group, Compose service and image, and git branch; the platform's and owners' names land
// in Compose, image names and Dagster tags. Each rule below is the rule of the tool that would
// refuse the name later, taken from that tool where it can be (python-names.ts is generated from
// Python, Dagster and PyYAML by scripts/python-names.py).
import { InputError } from '../errors.ts';
import { composeServices } from './compose.ts';
import {
  DAGSTER_DISALLOWED_NAMES,
  DAGSTER_STRICT_TAG_VALUE,
  INSTALLED_DISTRIBUTIONS,
  INSTALLED_MODULES,
  PYTHON_KEYWORDS,
  PYTHON_STDLIB,
} from './python-names.ts';
import { quote } from './text.ts';
import { yaml11Type } from './yaml.ts';

/** Packages a pipeline environment has beyond the test venv's: the build backend, pip, and the pipeline's own folders. */
const ALSO_RESERVED: Record<string, string> = {
  pip: 'from pip',
  hatchling: 'the build backend',
  editables: 'from editables, which the build backend uses',
  pathspec: 'from pathspec, which the build backend uses',
  trove_classifiers: 'from trove-classifiers, which the build backend uses',
  pandas: 'from pandas, which most data pipelines add',
  dg: 'the dg command',
};
/** Folder names inside a pipeline (tests/, src/): a package named so would collide with them. */
const PIPELINE_FOLDERS = ['tests', 'test', 'src'];

const PACKAGE = /^[a-z][a-z0-9_]*$/;
const MAX_NAME = 50;

const normalizedDistribution = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

/** Docker's rule for one path component of an image name (distribution/reference: path-component). */
const IMAGE_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export interface NameContext {
  /** Pipelines already in the platform repo. */
  existing?: readonly string[];
  /** The platform's own Compose services (default: the platform template's). */
  services?: readonly string[];
}

/** Why `name` cannot be a pipeline's name, or undefined. The message names the fix. */
export function pipelineNameProblem(name: string, context: NameContext = {}): string | undefined {
  const instead = `choose another name, such as ${name}_pipeline`;
  if (name === '') return 'is empty; pass --name with a name such as orders_daily';
  if (/[\\/]/.test(name) || name.startsWith('.') || /^[A-Za-z]:/.test(name))
    return 'is a path; pass a plain name such as orders_daily (pipelines always go under pipelines/)';
  if (!PACKAGE.test(name)) {
    const suggestion = suggestName(name);
    return `is not a valid Python package name; use lowercase letters, digits and underscores, starting with a letter${suggestion ? ` (for example ${suggestion})` : ''}`;
  }
  if (name.length > MAX_NAME) return `is ${name.length} characters long; use at most ${MAX_NAME}`;
  if (!IMAGE_COMPONENT.test(name))
    return `is not a valid Docker image name (${name.endsWith('_') ? 'it ends with an underscore' : 'it has three or more underscores in a row'}), and the pipeline's image is named after it; use ${suggestName(name)}`;
  if (PYTHON_KEYWORDS.has(name)) return `is a Python keyword; ${instead}`;
  const yamlType = yaml11Type(name);
  if (yamlType)
    return `reads as a ${yamlType}, not a name, in YAML 1.1 (PyYAML, with which Dagster reads its workspace files); ${instead}`;
  if (DAGSTER_DISALLOWED_NAMES.has(name))
    return `is a name Dagster reserves (dagster._core.definitions.utils.DISALLOWED_NAMES); ${instead}`;
  if (PYTHON_STDLIB.has(name)) return `would shadow Python's standard-library module ${name}; ${instead}`;
  const installed = Object.hasOwn(INSTALLED_MODULES, name)
    ? `from ${INSTALLED_MODULES[name]}`
    : Object.hasOwn(ALSO_RESERVED, name)
      ? ALSO_RESERVED[name]
      : undefined;
  if (installed || name.startsWith('dagster_'))
    return `would shadow the installed package ${name} (${installed ?? 'a Dagster library'}) that every pipeline's environment has, so \`import ${name}\` (in the pipeline, or in Dagster and its libraries) would find the pipeline instead; choose another name, such as ${name.replace(/^dagster_/, '')}_pipeline`;
  if (INSTALLED_DISTRIBUTIONS.has(normalizedDistribution(name)))
    return `would be installed as the distribution ${normalizedDistribution(name)}, and replace the installed one of that name; ${instead}`;
  // pytest imports tests/conftest.py and tests/test_*.py under their own names, ahead of src/.
  if (name === 'conftest' || name.startsWith('test_'))
    return `is a name pytest gives the modules of every pipeline's tests/ (conftest.py, test_*.py), which it imports ahead of src/, so the pipeline's own tests would not find its package; ${name === 'conftest' ? instead : `choose a name that does not start with test_, such as ${name.slice(5)}_checks`}`;
  if (PIPELINE_FOLDERS.includes(name))
    return name === 'test'
      ? `is too close to tests/, a folder inside every pipeline (and is Python's own test package); ${instead}`
      : `is the name of a folder inside every pipeline (${name}/); ${instead}`;
  if (context.existing?.includes(name))
    return `already exists in pipelines/${name}; choose another name (to change that pipeline, edit its files)`;
  const services = context.services ?? composeServices(undefined);
  if (services.includes(name))
    return `is taken by the platform's own Compose service ${name}, and each pipeline runs as a Compose service named after it; ${instead}`;
  return undefined;
}

/**
 * Checks a pipeline name and returns it, or throws an InputError naming the fix.
 * `existing` is the platform's pipelines, `services` its own Compose services (default: the template's).
 */
export function checkPipelineName(
  name: string,
  existing: readonly string[] = [],
  services?: readonly string[],
): string {
  const problem = pipelineNameProblem(name, { existing, services });
  if (!problem) return name;
  if (problem.startsWith('already exists')) throw new InputError(`a pipeline named ${quote(name)} ${problem}`);
  if (name === '') throw new InputError(`pipeline name ${problem}`);
  throw new InputError(`pipeline name ${quote(name)} ${problem}`);
}

/** Letters without their accents (`ünï`: `uni`), so a suggestion keeps what it can of the name. */
const unaccented = (value: string) => value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');

function suggestName(name: string): string {
  return unaccented(name)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_{3,}/g, '__')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '');
}

/** Platform and team names: lowercase slugs. */
const SLUG = /^[a-z][a-z0-9-]*$/;

export function slugify(value: string, fallback = 'data-platform'): string {
  return (
    unaccented(value)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '')
      .slice(0, 63)
      .replace(/-+$/, '') || fallback
  );
}

/**
 * Why `name` cannot be the platform's name, or undefined: it names the Compose project, its network
 * and the first part of every image name (`<platform>/<pipeline>`), so Docker's rules apply.
 */
export function platformNameProblem(name: string): string | undefined {
  if (!SLUG.test(name))
    return `must be lowercase letters, digits and dashes, starting with a letter (for example ${slugify(name)})`;
  if (name.length > 63) return `is ${name.length} characters long; use at most 63`;
  if (!IMAGE_COMPONENT.test(name))
    return `ends with a dash, which Docker refuses in image names (the platform's images are named <platform>/<pipeline>); use ${slugify(name)}`;
  return undefined;
}

/**
 * Why `name` cannot be a team (owner) name, or undefined: it is an asset tag value, and Dagster's
 * strict tag rule (dagster._utils.tags) allows at most 63 letters, digits, `_`, `.` and `-`.
 */
export function ownerNameProblem(name: string): string | undefined {
  if (!SLUG.test(name))
    return `must be lowercase letters, digits and dashes, starting with a letter (for example ${slugify(name, 'analytics')})`;
  if (!DAGSTER_STRICT_TAG_VALUE.test(name))
    return `is ${name.length} characters long, and Dagster allows at most 63 in a tag value (the owner tag); use a shorter name`;
  return undefined;
}

/** A Dagster definition name (a schedule, sensor or preset): letters, digits and underscores, as Dagster's own name check. */
export function checkDagsterName(raw: string, flag: string): string {
  const value = raw.trim();
  if (!/^[A-Za-z0-9_]+$/.test(value))
    throw new InputError(
      `${flag} ${JSON.stringify(raw)} is not a Dagster name; use letters, digits and underscores only`,
    );
  return value;
}

/** Python's soft keywords: names only in some places (`match`, `case`, `type` statements), so valid identifiers. */
const SOFT_KEYWORDS = new Set(['_', 'case', 'match', 'type']);

/** A name that is also a Python identifier (a function, class, field or resource key is made from it). */
export function checkPythonIdentifier(raw: string, flag: string, what = 'a Python name'): string {
  const value = raw.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
    throw new InputError(
      `${flag} ${JSON.stringify(raw)} is not ${what}; use letters, digits and underscores, not starting with a digit`,
    );
  if (PYTHON_KEYWORDS.has(value) && !SOFT_KEYWORDS.has(value))
    throw new InputError(`${flag} ${value} is a Python keyword; pick another name`);
  return value;
}

/** The longest name `pipeline add` takes for what it writes as a module `<name>.py`. */
export const MAX_MODULE_NAME = 100;

/**
 * Refuses, for what `pipeline add` writes as a module `<name>.py` of a package: a name of the
 * form `__x__` (`__init__.py` is the package itself: a graph named `__init__` replaced
 * added_jobs/'s, so the code location loaded nowhere; such names are Python's own), and one too
 * long for a file name (the write failed as if the disk had).
 */
export function checkModuleName(name: string, flag: string): string {
  if (/^__.*__$/.test(name))
    throw new InputError(
      `${flag} ${name}: names like __${name.slice(2, -2)}__ are Python's own (the module ${name}.py would be${name === '__init__' ? ' its package itself' : ' one Python treats specially'}); pick another name`,
    );
  if (name.length > MAX_MODULE_NAME)
    throw new InputError(
      `${flag} ${name.slice(0, 20)}... is ${name.length} characters; use at most ${MAX_MODULE_NAME} (the name of the module it writes)`,
    );
  return name;
}

/** Refuses a name Dagster will not load as a definition's (a job's, schedule's or sensor's). */
export function checkNotReservedByDagster(name: string, flag: string): string {
  if (DAGSTER_DISALLOWED_NAMES.has(name))
    throw new InputError(
      `${flag} ${name} is a name Dagster reserves for definitions (dagster._core.definitions.utils.DISALLOWED_NAMES), so the code location would not load; pick another name`,
    );
  return name;
}

/**
 * Python's builtin functions and types (Python 3.12's dir(builtins), lowercase, keywords aside): a
 * top-level function named like one shadows it for the rest of its module.
 */
const PYTHON_BUILTINS = new Set([
  'abs',
  'aiter',
  'all',
  'anext',
  'any',
  'ascii',
  'bin',
  'bool',
  'breakpoint',
  'bytearray',
  'bytes',
  'callable',
  'chr',
  'classmethod',
  'compile',
  'complex',
  'copyright',
  'credits',
  'delattr',
  'dict',
  'dir',
  'divmod',
  'enumerate',
  'eval',
  'exec',
  'exit',
  'filter',
  'float',
  'format',
  'frozenset',
  'getattr',
  'globals',
  'hasattr',
  'hash',
  'help',
  'hex',
  'id',
  'input',
  'int',
  'isinstance',
  'issubclass',
  'iter',
  'len',
  'license',
  'list',
  'locals',
  'map',
  'max',
  'memoryview',
  'min',
  'next',
  'object',
  'oct',
  'open',
  'ord',
  'pow',
  'print',
  'property',
  'quit',
  'range',
  'repr',
  'reversed',
  'round',
  'set',
  'setattr',
  'slice',
  'sorted',
  'staticmethod',
  'str',
  'sum',
  'super',
  'tuple',
  'type',
  'vars',
  'zip',
]);

/**
 * Refuses a top-level function name that would shadow a Python builtin in `file`: after
 * `def dict(...)` in sensors.py, its `EVALUATIONS: dict[...]` failed to load (`'function' object
 * is not subscriptable`).
 */
export function checkNotBuiltin(name: string, flag: string, file: string): string {
  if (PYTHON_BUILTINS.has(name))
    throw new InputError(
      `${flag} ${name} would shadow Python's builtin ${name} in ${file}, which the module may use (the code location would not load); pick another name`,
    );
  return name;
}
