import { InputError } from '../errors.ts';
import { PYTHON_KEYWORDS, PYTHON_STDLIB } from './python-names.ts';

/** Top-level packages a pipeline's Python package would shadow in the same environment. */
const RESERVED = new Set(['dagster', 'dagster_webserver', 'dagster_graphql', 'dagster_pipes', 'dagster_shared', 'dg', 'pytest', '_pytest', 'pip', 'setuptools', 'pkg_resources', 'boto3', 'botocore', 'sklearn', 'numpy', 'pandas', 'yaml', 'tests', 'test', 'src']);

const PACKAGE = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a pipeline name: it becomes a folder under pipelines/, a Python package, a Dagster code
 * location and a git branch, so it must be a plain lowercase Python identifier.
 */
export function checkPipelineName(name: string, existing: readonly string[] = []): string {
  if (name === '') throw new InputError('pipeline name is empty; pass --name with a name such as orders_daily');
  if (/[\\/]/.test(name) || name.startsWith('.') || /^[A-Za-z]:/.test(name)) {
    throw new InputError(`pipeline name ${JSON.stringify(name)} is a path; pass a plain name such as orders_daily (pipelines always go under pipelines/)`);
  }
  if (!PACKAGE.test(name)) {
    const suggestion = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').replace(/_+$/, '');
    throw new InputError(`pipeline name ${JSON.stringify(name)} is not a valid Python package name; use lowercase letters, digits and underscores, starting with a letter${suggestion ? ` (for example ${suggestion})` : ''}`);
  }
  if (name.length > 50) throw new InputError(`pipeline name ${JSON.stringify(name)} is ${name.length} characters long; use at most 50`);
  if (PYTHON_KEYWORDS.has(name)) throw new InputError(`pipeline name ${JSON.stringify(name)} is a Python keyword; choose another name, such as ${name}_pipeline`);
  if (PYTHON_STDLIB.has(name)) throw new InputError(`pipeline name ${JSON.stringify(name)} would shadow Python's standard-library module ${name}; choose another name, such as ${name}_pipeline`);
  if (RESERVED.has(name) || name.startsWith('dagster_')) throw new InputError(`pipeline name ${JSON.stringify(name)} would shadow the installed package ${name}; choose another name, such as ${name.replace(/^dagster_/, '')}_pipeline`);
  if (existing.includes(name)) throw new InputError(`a pipeline named ${JSON.stringify(name)} already exists in pipelines/${name}; choose another name, or use \`pipeline add\` to change it`);
  return name;
}
