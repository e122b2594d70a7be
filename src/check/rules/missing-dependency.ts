// A module that the pipeline's mode and resource code imports, but that its pyproject does not
// depend on: the image builds, the code location loads, and the first dev or prod run fails.

import { ADDED_RESOURCES } from '../../../generators/pipeline/files.ts';
import { normaliseDistribution, pyprojectDependencies } from '../../upgrade/pyproject.ts';
import { INSTALLED_MODULES, PYTHON_STDLIB } from '../../validate/python-names.ts';
import { RESOURCE_FILES } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

/** Modules that come with `dagster` itself (its own requirements), so a pipeline need not list them. */
const WITH_DAGSTER = new Set([
  'dagster',
  'dagster_pipes',
  'dagster_shared',
  'pydantic',
  'pydantic_core',
  'typing_extensions',
  'yaml',
  'requests',
  'urllib3',
  'sqlalchemy',
  'alembic',
  'click',
  'grpc',
  'google',
  'packaging',
  'dateutil',
  'pytz',
  'tzdata',
  'jinja2',
  'rich',
  'structlog',
  'tqdm',
  'toposort',
  'filelock',
  'tomli',
  'docstring_parser',
  'coloredlogs',
  'watchdog',
  'setuptools',
  'upath',
  'jsonschema',
  'six',
]);

/** Well-known modules whose distribution has another name, for those the venv's own map lacks. */
const KNOWN_DISTRIBUTIONS: Record<string, string> = {
  snowflake: 'snowflake-connector-python',
  sklearn: 'scikit-learn',
  PIL: 'pillow',
  bs4: 'beautifulsoup4',
  cv2: 'opencv-python',
  dotenv: 'python-dotenv',
  jwt: 'pyjwt',
  Crypto: 'pycryptodome',
  MySQLdb: 'mysqlclient',
  kafka: 'kafka-python',
  OpenSSL: 'pyopenssl',
  attr: 'attrs',
  docx: 'python-docx',
  magic: 'python-magic',
};

/** `google.cloud.<x>`: the distribution google-cloud-<x> (`bigquery`, `storage`, `secret_manager` ...). */
const GOOGLE_CLOUD = /^google\.cloud\.(\w+)/;

/** The distribution that provides a module: the venv's own map, else a well-known one, else the module's name. */
export const distributionOf = (module: string) =>
  normaliseDistribution(INSTALLED_MODULES[module] ?? KNOWN_DISTRIBUTIONS[module] ?? module);

export const missingDependency: PipelineRule = {
  id: 'missing-dependency',
  scope: 'pipeline',
  severity: 'error',
  title: "A module the pipeline's modes import is not in its dependencies",
  why: 'The image installs only what pyproject.toml lists; a mode that imports anything else loads locally (where it happens to be installed) and fails when its first run starts in dev or prod.',
  fix: "add the module's distribution to [project].dependencies in the pipeline's pyproject.toml",
  async check(pipeline) {
    const pyproject = pipeline.read('pyproject.toml');
    if (pyproject === undefined) return [];
    const declared = new Set(pyprojectDependencies(pyproject).runtime.map((d) => d.name));
    const findings: RawFinding[] = [];
    // The resource modules, and each resource `pipeline add resource` made a module of its own.
    const added = pipeline
      .pythonFiles()
      .filter((path) => path.startsWith(`${pipeline.pkg}/${ADDED_RESOURCES}/`))
      .map((path) => path.slice(pipeline.pkg.length + 1));
    for (const file of [...RESOURCE_FILES, ...added]) {
      const facts = await pipeline.python(`${pipeline.pkg}/${file}`);
      const seen = new Set<string>();
      for (const { module: top, names, line } of facts?.imports ?? []) {
        // google is a namespace: protobuf (which dagster needs) provides it, each google.cloud.X its own distribution.
        const cloud = top === 'google' ? names.map((n) => GOOGLE_CLOUD.exec(n)?.[1]).find(Boolean) : undefined;
        const module = cloud ? `google.cloud.${cloud}` : top;
        if (
          !module ||
          seen.has(module) ||
          module === '__future__' ||
          module === pipeline.name ||
          PYTHON_STDLIB.has(module) ||
          WITH_DAGSTER.has(module)
        )
          continue;
        seen.add(module);
        const dist = cloud ? normaliseDistribution(`google-cloud-${cloud}`) : distributionOf(module);
        if (declared.has(dist) || declared.has(normaliseDistribution(module))) continue;
        findings.push({
          file: `${pipeline.rel}/${pipeline.pkg}/${file}`,
          line,
          message: `${file} imports ${module}, but pyproject.toml does not depend on ${dist}: runs in the modes that use it fail in the image`,
          fix: `add "${dist}" to [project].dependencies in ${pipeline.rel}/pyproject.toml`,
        });
      }
    }
    return findings;
  },
};
