// Handlebars rendering of template folders into a list of files (path -> content).
// Templates look like the file they produce; values vary only through the helpers below, which
// escape for the target language. Path segments may carry variables: `__pkg__` becomes data.pkg.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import HandlebarsRuntime from 'handlebars/runtime.js';
import { packageRoot, templatesDir } from '../paths.ts';
import { comparePaths } from '../tree/order.ts';
// The options every template is compiled with, here and by the build's precompiler.
import COMPILE_OPTIONS from './compile-options.json' with { type: 'json' };
import {
  type Literal,
  layoutCallAt,
  pyBlock,
  pyCall,
  pyDocstring,
  pyImport,
  pyLiteral,
  pyString,
  pyTuple,
  tomlString,
  yamlValue,
} from './literals.ts';
import { PRECOMPILED, templateKey } from './precompiled.ts';

type HandlebarsEnv = typeof import('handlebars');

const texts = new Map<string, string>();
/** The text of a template of templates/ (`platform/compose-service.yaml.hbs`), read once, for renderString. */
export function templateText(path: string): string {
  let text = texts.get(path);
  if (text === undefined) {
    text = readFileSync(join(templatesDir(), path), 'utf8');
    texts.set(path, text);
  }
  return text;
}

export interface RenderedFile {
  path: string; // relative, POSIX separators
  content: string;
}

/**
 * Two engines with the same helpers: the runtime renders the templates the build precompiled (all
 * of templates/); the full Handlebars, loaded only when a template was not precompiled (a string
 * in code, a template edited after the build, or any template when run from source), compiles.
 */
let runtime: HandlebarsEnv | undefined;
let compiler: HandlebarsEnv | undefined;

/** The project's helpers, registered on a Handlebars environment (also a platform plopfile's). */
export function registerHelpers(hb: HandlebarsEnv): HandlebarsEnv {
  const safe = (s: string) => new hb.SafeString(s);
  hb.registerHelper('py', (value: Literal) => safe(pyLiteral(value)));
  hb.registerHelper('pyblock', (value: Literal, indent: number, prefix: number) =>
    safe(pyBlock(value, indent, 100, typeof prefix === 'number' ? prefix : 0)),
  );
  // {{pycall "@dg.graph" "name" graph "description" text}}: keyword names and values in turn (a hash would lose their order).
  hb.registerHelper('pycall', (callee: string, ...rest: unknown[]) => {
    const pairs = rest.slice(0, -1) as Literal[];
    return safe(
      pyCall(
        callee,
        Object.fromEntries(pairs.flatMap((key, i) => (i % 2 === 0 ? [[key as string, pairs[i + 1]]] : []))),
      ),
    );
  });
  // {{pyimport pkg ".deployments" "SensorSpec" "build_sensor"}}: the module in parts (joined), then the names.
  hb.registerHelper('pyimport', (...args: unknown[]) => {
    const [head, tail, ...names] = args.slice(0, -1) as string[];
    return safe(pyImport(`${head}${tail}`, names));
  });
  // {{pytuple values}}, or {{pytuple values 41}} at the end of a top-level line of 41 characters before it.
  hb.registerHelper('pytuple', (values: string[], column: unknown) =>
    safe(pyTuple(values ?? [], typeof column === 'number' ? column : undefined)),
  );
  // {{pyenvcall "resource" className fields 4}}: resource=Class(field=dg.EnvVar("VAR"), ...), on a line
  // indented by 4, laid out as ruff does (with the comma after it; the partial indents its lines).
  hb.registerHelper(
    'pyenvcall',
    (keyword: string, className: string, fields: { name: string; env: string }[], indent: number) =>
      safe(
        layoutCallAt(
          `${keyword}=${className}`,
          fields.map((f) => `${f.name}=dg.EnvVar(${pyString(f.env)})`),
          indent,
          ',',
          120,
          0,
        ),
      ),
  );
  hb.registerHelper('pydoc', (value: string) => safe(pyDocstring(value)));
  hb.registerHelper('toml', (value: string) => safe(tomlString(value)));
  hb.registerHelper('yaml', (value: Literal) => safe(yamlValue(value)));
  hb.registerHelper('json', (value: Literal) => safe(JSON.stringify(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

function createRuntime(): HandlebarsEnv {
  const hb = registerHelpers((HandlebarsRuntime as unknown as HandlebarsEnv).create());
  for (const [name, spec] of Object.entries(PRECOMPILED!.partials)) hb.registerPartial(name, hb.template(spec));
  return hb;
}

function createCompiler(): HandlebarsEnv {
  // From the bundle, the compiler is dist/handlebars.cjs (built beside it); from source, the package.
  const require = createRequire(import.meta.url);
  const full = (
    PRECOMPILED ? require(join(packageRoot(), 'dist', 'handlebars.cjs')) : require('handlebars')
  ) as HandlebarsEnv;
  const hb = registerHelpers(full.create());
  const partials = join(templatesDir(), 'partials');
  for (const file of walk(partials)) {
    const name = relative(partials, file)
      .split(sep)
      .join('/')
      .replace(/\.hbs$/, '');
    hb.registerPartial(name, readFileSync(file, 'utf8'));
  }
  return hb;
}

/** Every file below `dir`, sorted, depth first. */
export function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
}

/** Renders one template string; `noEscape` because escaping is the helpers' job, per language. */
const compiled = new Map<string, HandlebarsTemplateDelegate>();

export function renderString(template: string, data: object): string {
  let render = compiled.get(template);
  if (!render) {
    render = precompiledRender(templateKey(template));
    if (!render) {
      compiler ??= createCompiler();
      render = compiler.compile(template, COMPILE_OPTIONS);
    }
    compiled.set(template, render);
  }
  return render(data);
}

/** The render function of the precompiled template of this key, if the build precompiled one. */
const precompiledRenders = new Map<string, HandlebarsTemplateDelegate>();
function precompiledRender(key: string): HandlebarsTemplateDelegate | undefined {
  let render = precompiledRenders.get(key);
  const spec = render ? undefined : PRECOMPILED?.templates.get(key);
  if (spec) {
    runtime ??= createRuntime();
    render = runtime.template(spec);
    precompiledRenders.set(key, render);
  }
  return render;
}

/**
 * Renders the template of templates/ at `path` (`platform/compose-service.yaml.hbs`): from the
 * build's precompiled copy, without reading the file, or else from the file.
 */
export function renderTemplate(path: string, data: object): string {
  const key = PRECOMPILED?.files[path];
  const render = key ? precompiledRender(key) : undefined;
  return render ? render(data) : renderString(templateText(path), data);
}

/** What tells one version of the template at `path` from another: the build's key for it, or its text. */
export function templateIdentity(path: string): string {
  return PRECOMPILED?.files[path] ?? templateText(path);
}

/** The files below templates/<folder>, relative to it (POSIX separators, in `walk`'s order): the build's list, or the disk's. */
function folderFiles(folder: string): string[] {
  if (PRECOMPILED) {
    const prefix = `${folder}/`;
    return Object.keys(PRECOMPILED.files)
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length));
  }
  const base = join(templatesDir(), folder);
  return walk(base).map((file) => relative(base, file).split(sep).join('/'));
}

/**
 * Renders every file below templates/<folder> (`.hbs` files through Handlebars, others copied).
 * Folders listed later override files of earlier ones with the same output path.
 */
export function renderFolders(folders: string[], data: Record<string, unknown>): RenderedFile[] {
  const out = new Map<string, RenderedFile>();
  for (const folder of folders) {
    for (const rel of folderFiles(folder)) {
      const path = rel
        .replace(/__(\w+)__/g, (whole, key: string) => (typeof data[key] === 'string' ? (data[key] as string) : whole))
        .replace(/\.hbs$/, '')
        .replace(/(^|\/)_dot_/g, '$1.');
      const template = `${folder}/${rel}`;
      out.set(path, {
        path,
        content: rel.endsWith('.hbs')
          ? renderTemplate(template, data)
          : readFileSync(join(templatesDir(), template), 'utf8'),
      });
    }
  }
  return [...out.values()].sort((a, b) => comparePaths(a.path, b.path));
}
