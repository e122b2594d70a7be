// Bundles the two bins with esbuild, as create-vite does, so `npm init pipeline` starts fast, into
// the workspace's two packages: packages/create-pipeline/ (the initializer: one CommonJS script
// that its bin compiles with a V8 code cache) and packages/cli/ (the `pipeline` bin: ES modules, one
// file per entry plus lazily loaded chunks, so that a command's heavy modules load only when it runs).

import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packageDir = (pkg) => join(import.meta.dirname, '..', 'node_modules', pkg);
const manifest = (pkg) => JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8'));

/**
 * Yeoman reads its own package.json from disk relative to its source file, which a bundle moves.
 * Inline those reads, and load only yeoman-environment's base environment (we never look up
 * generators on npm, so the full environment's npm machinery stays out of the bundle).
 */
/**
 * Modules Yeoman imports for features we never use (installing generators from npm, looking
 * generators up on disk, its own git and process helpers, mem-fs-editor's copy and template
 * actions, package versions from the registry): each is replaced by a stub whose functions throw
 * if ever called, which keeps npm's arborist, sigstore, ky (and with it undici), globbing and EJS
 * out of the start-up path.
 */
const UNUSED = {
  'fly-import': ['FlyRepository', 'flyImport'],
  'simple-git': ['CheckRepoActions', 'CleanOptions', 'simpleGit'],
  execa: ['execa', 'execaCommand', 'execaCommandSync', 'execaSync'],
  'latest-version': ['default'],
  ejs: ['default'],
  globby: ['globby', 'globbySync', 'isDynamicPattern'],
  multimatch: ['default'],
  tinyglobby: ['glob', 'globSync', 'isDynamicPattern'],
  'which-package-manager': ['whichPackageManager'],
  '@yeoman/conflicter': ['createConflicterTransform', 'createYoResolveTransform', 'forceYoFiles'],
  // yeoman-generator checks the environment's version only when it reports one (ours does not:
  // src/generate/environment.ts); mem-fs-editor filters by glob only when dumping its files.
  semver: ['lte'],
  minimatch: ['minimatch'],
};
const stub = (name) => `const unused = () => { throw new Error('create-pipeline: ${name} is not bundled'); };
${UNUSED[name].map((key) => (key === 'FlyRepository' ? `export class ${key} { constructor() {} }` : key === 'default' ? 'export default unused;' : `export const ${key} = unused;`)).join('\n')}`;

/**
 * Modules Yeoman loads as it starts, replaced by small ones that do the same for what we use:
 * its prompts (inquirer, with rxjs) never ask (we ask with @inquirer/prompts, and only at a
 * terminal); its spinner (ora) never spins (its output goes nowhere); a package.json is read
 * without normalising it (the only way Yeoman reads one).
 */
const LEAN = {
  inquirer: `const prompt = () => { throw new Error('create-pipeline: Yeoman prompts are not bundled'); };
prompt.registerPrompt = () => {};
export const createPromptModule = () => prompt;
export class Separator { constructor(line) { this.type = 'separator'; this.line = line ?? ''; } }
export default { createPromptModule, Separator, prompt };`,
  // Colours for yeoman-generator's error messages: the text alone (its log goes nowhere, and errors are ours to print).
  chalk: `const chalk = new Proxy(function () {}, { get: (_t, key) => (key === 'level' ? 0 : chalk), apply: (_t, _this, args) => args.join(' ') });
export default chalk;`,
  ora: `export default () => ({ isSpinning: false, text: '', suffixText: '', start() { return this; }, stop() { return this; }, succeed() { return this; }, fail() { return this; } });`,
  // Yeoman's and mem-fs-editor's debug lines print only when DEBUG is set: the package (which looks
  // at standard error's terminal as it loads, opening the stream) loads only then.
  debug: `const off = Object.assign(() => {}, { enabled: false });
off.extend = () => off;
export default function createDebug(namespace) {
  return process.env.DEBUG ? require('debug')(namespace) : off;
}`,
  // Yeoman asserts with ok() only; node:assert is four of Node's modules to load.
  'node:assert': `const ok = (value, message) => { if (!value) throw message instanceof Error ? message : new Error(message ?? 'assertion failed'); };
export default Object.assign(ok, { ok });`,
  // Loaded when first called: Yeoman's asynchronous copy and commit, which a generation never runs.
  'node:fs/promises': `const fsp = () => process.getBuiltinModule('node:fs/promises');
export const stat = (...args) => fsp().stat(...args);
export default new Proxy({}, { get: (_target, key) => fsp()[key] });`,
  'read-package-up': `import { readFileSync } from 'node:fs';
import { findUpSync } from 'find-up-simple';
export function readPackageUpSync(options) {
  if (options?.normalize !== false) throw new Error('create-pipeline: read-package-up normalize is not bundled');
  const path = findUpSync('package.json', options);
  return path ? { packageJson: JSON.parse(readFileSync(path, 'utf8')), path } : undefined;
}
export const readPackageUp = async (options) => readPackageUpSync(options);`,
};

const yeomanPlugin = {
  name: 'yeoman-bundle',
  setup(b) {
    // Only Yeoman's imports: other bundled code (node-plop for `pipeline add`) gets the real modules.
    const byYeoman = (args) =>
      /node_modules[\\/](yeoman-environment|yeoman-generator|mem-fs|mem-fs-editor|@yeoman[\\/][^\\/]+)[\\/]/.test(
        args.importer,
      );
    b.onResolve({ filter: new RegExp(`^(${Object.keys(UNUSED).join('|').replaceAll('/', '\\/')})$`) }, (args) =>
      byYeoman(args) ? { path: args.path, namespace: 'cp-unused' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cp-unused' }, (args) => ({ contents: stub(args.path), loader: 'js' }));
    b.onResolve({ filter: new RegExp(`^(${Object.keys(LEAN).join('|')})$`) }, (args) =>
      byYeoman(args) ? { path: args.path, namespace: 'cp-lean', pluginData: args.resolveDir } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cp-lean' }, (args) => ({
      contents: LEAN[args.path],
      loader: 'js',
      resolveDir: args.pluginData,
    }));
    // @yeoman/adapter's test adapter (which loads @inquirer/core) is for generators' own tests.
    b.onResolve({ filter: /^\.\/testing\/index\.js$/ }, (args) =>
      /@yeoman[\\/]adapter[\\/]/.test(args.importer)
        ? { path: 'yeoman-adapter-testing', namespace: 'cp-empty' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cp-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
    const envBase = join(packageDir('yeoman-environment'), 'dist/environment-base.js');
    b.onResolve({ filter: /^yeoman-environment$/ }, () => ({ path: 'yeoman-environment-base', namespace: 'cp-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'cp-shim' }, () => ({
      contents: `export { default as EnvironmentBase } from ${JSON.stringify(envBase)};`,
      loader: 'js',
      resolveDir: dirname(envBase),
    }));
    b.onLoad({ filter: /yeoman-(environment|generator)[\\/]dist[\\/].*\.js$/ }, (args) => {
      const pkg = args.path.includes('yeoman-environment') ? 'yeoman-environment' : 'yeoman-generator';
      const json = JSON.stringify({ name: manifest(pkg).name, version: manifest(pkg).version });
      const source = readFileSync(args.path, 'utf8')
        .replace("require('../package.json')", json)
        .replace("JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))", json)
        .replace("JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString())", json)
        // A generator's `this._` is the whole of lodash (which then cannot be tree-shaken: 94 KiB
        // evaluated at every start); our generators never use it.
        .replace('    _ = _;', '    _ = undefined;');
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * The yaml package, loaded when our code first calls it: a generation whose platform files' parsed
 * values are cached (src/yaml/value-cache.ts) and whose answers file needs no quoting decision of
 * its (src/render/literals.ts) never does, and its modules' start is a share of a generation's.
 * Our code imports these functions of it (a name missing here fails the build), and LineCounter,
 * which it only constructs. The initializer loads it from a script of its own beside the bundle,
 * dist/yaml.cjs (`separate`): its code cache, written after its first run (which parses
 * platform.yaml, as no value is kept yet), then holds none of the yaml package's code, which later
 * runs never use (a cache a quarter smaller, read and deserialised at every start).
 */
const YAML_ENTRY = createRequire(join(import.meta.dirname, '..', 'package.json')).resolve('yaml');
const YAML_FUNCTIONS = ['parse', 'parseDocument', 'stringify', 'isAlias', 'isMap', 'isPair', 'isScalar', 'isSeq'];
const lazyYamlPlugin = ({ separate }) => ({
  name: 'lazy-yaml',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) =>
      /[\\/]node_modules[\\/]/.test(args.importer) ? undefined : { path: 'yaml', namespace: 'cp-lazy-yaml' },
    );
    b.onLoad({ filter: /.*/, namespace: 'cp-lazy-yaml' }, () => ({
      contents: [
        'let loaded;',
        `const yaml = () => (loaded ??= require(${separate ? "require('node:path').join(__dirname, 'yaml.cjs')" : JSON.stringify(YAML_ENTRY)}));`,
        ...YAML_FUNCTIONS.map((name) => `export const ${name} = (...args) => yaml().${name}(...args);`),
        'export function LineCounter(...args) { return new (yaml().LineCounter)(...args); }',
      ].join('\n'),
      loader: 'js',
      resolveDir: dirname(YAML_ENTRY),
    }));
  },
});

/**
 * Node's modules as ES modules import them (`import fs from 'node:fs'`, `import * as path from
 * 'path'`, as the bundled packages do): esbuild makes each such import a copy of the module's
 * properties, a getter each (__toESM), at every import site: 26 copies of fs, path and process in
 * the initializer, a tenth of its module start. Instead a package imports each through a module of
 * our own that re-exports it (one copy per Node module) and exports it as its default. Our own
 * code's named imports were never copied; a require() of one (CommonJS) stays as it is.
 */
const esmBuiltinsPlugin = {
  name: 'esm-builtins',
  setup(b) {
    const names = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && /[\\/]node_modules[\\/]/.test(args.importer) && names.has(args.path)
        ? // Without side effects, as esbuild takes Node's modules to be: an unused import is dropped.
          { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'cp-builtin', sideEffects: false }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cp-builtin' }, (args) => ({
      contents: `export default require(${JSON.stringify(args.path)});\nexport * from ${JSON.stringify(args.path)};`,
      loader: 'js',
    }));
  },
};

/**
 * Every template below templates/, precompiled (src/render/precompiled.ts is replaced by them), so
 * that the bundle ships only the Handlebars runtime; the full Handlebars goes to dist/handlebars.cjs,
 * which loads only for a template that was not precompiled (a string in code).
 */
const templatesRoot = join(import.meta.dirname, '..', 'templates');
const walk = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
/** A template's key (its length, FNV-1a and djb2 of its text); the generated module exports this copy. */
function templateKey(source) {
  let fnv = 0x811c9dc5;
  let djb = 5381;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    djb = (Math.imul(djb, 33) + c) | 0;
  }
  return `${source.length}:${(fnv >>> 0).toString(36)}:${(djb >>> 0).toString(36)}`;
}

function precompiledModule() {
  const Handlebars = createRequire(import.meta.url)('handlebars');
  const options = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'src', 'render', 'compile-options.json'), 'utf8'),
  );
  const hbs = walk(templatesRoot).filter((file) => file.endsWith('.hbs'));
  const spec = (source) => Handlebars.precompile(source, { ...options });
  const sources = [...new Set(hbs.map((file) => readFileSync(file, 'utf8')))];
  const partialsDir = join(templatesRoot, 'partials');
  const partials = hbs.filter((file) => file.startsWith(partialsDir + sep));
  const files = walk(templatesRoot).map((file) => [
    relative(templatesRoot, file).split(sep).join('/'),
    file.endsWith('.hbs') ? templateKey(readFileSync(file, 'utf8')) : null,
  ]);
  return [
    'export const PRECOMPILED = {',
    `  templates: new Map([\n${sources.map((source) => `    [${JSON.stringify(templateKey(source))}, ${spec(source)}],`).join('\n')}\n  ]),`,
    `  partials: {\n${partials
      .map(
        (file) =>
          `    ${JSON.stringify(
            relative(partialsDir, file)
              .split(sep)
              .join('/')
              .replace(/\.hbs$/, ''),
          )}: ${spec(readFileSync(file, 'utf8'))},`,
      )
      .join('\n')}\n  },`,
    `  files: ${JSON.stringify(Object.fromEntries(files))},`,
    '};',
    `export ${templateKey.toString()}`,
  ].join('\n');
}

const precompiledPlugin = {
  name: 'precompiled-templates',
  setup(b) {
    b.onLoad({ filter: /src[\\/]render[\\/]precompiled\.ts$/ }, () => ({
      contents: precompiledModule(),
      loader: 'js',
    }));
  },
};

// Built into a staging folder and copied into each package's dist/ file by file (below), so that a
// command or test running while another build runs never finds dist/ half written or gone.
const root = join(import.meta.dirname, '..');
const staging = join(root, `.dist-${process.pid}`);
rmSync(staging, { recursive: true, force: true });

/**
 * The service names of the platform template's compose file, found by the source's own function
 * (src/validate/compose.ts, bundled on its own and run here), become
 * src/validate/compose-template.ts, so that a run need not parse the template.
 */
async function composeTemplateModule() {
  const probe = join(staging, 'compose-template-probe.mjs');
  await build({
    entryPoints: ['src/validate/compose.ts'],
    outfile: probe,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    logLevel: 'warning',
  });
  const { parseComposeTemplate } = await import(pathToFileURL(probe).href);
  const found = parseComposeTemplate();
  rmSync(probe);
  return `export const TEMPLATE_SERVICES = ${found ? JSON.stringify(found) : 'undefined'};`;
}
const composeTemplate = await composeTemplateModule();
const composeTemplatePlugin = {
  name: 'compose-template-services',
  setup(b) {
    b.onLoad({ filter: /src[\\/]validate[\\/]compose-template\.ts$/ }, () => ({
      contents: composeTemplate,
      loader: 'js',
    }));
  },
};

/**
 * Each bin's command is one CommonJS script (create-pipeline.cjs, pipeline.cjs) that its bin
 * (src/cli/create-pipeline.ts, src/cli/pipeline.ts: a few lines each) compiles with a V8 code cache
 * (src/cli/cached-script.ts); modules a command imports lazily stay lazy (esbuild evaluates each
 * only when it is first imported). Its first line names the build (the content's hash), which keys
 * the cache. A script compiled so cannot import(): the build makes every import() a require, and
 * a module known only at run time (an ES module a platform wrote) goes through the bin's own
 * import() (src/import-at-run-time.ts).
 */
const scriptOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  minify: process.env.NO_MINIFY !== '1',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
// What the script's wrapper (in the bin) passes instead of import.meta.url, __filename and __dirname.
const scriptDefines = {
  __filename: '__cpFilename',
  __dirname: '__cpDirnameValue',
  'import.meta.url': '__cpImportMetaUrl',
};
/**
 * The initializer: @inquirer/prompts (with its editor's encodings, half the size) is a script of
 * its own, prompts.cjs, required only when someone answers.
 */
const promptsPlugin = {
  name: 'prompts-script',
  setup(b) {
    b.onResolve({ filter: /^@inquirer\/prompts$/ }, () => ({ path: 'prompts', namespace: 'cp-prompts' }));
    b.onLoad({ filter: /.*/, namespace: 'cp-prompts' }, () => ({
      contents: "module.exports = require(require('node:path').join(__dirname, 'prompts.cjs'));",
      loader: 'js',
    }));
  },
};
/** The packages the pipeline bin loads from node_modules: native modules cannot be bundled, and TypeScript is 14 MiB. */
const NODE_MODULES = ['@ast-grep/napi', '@ast-grep/lang-python', 'ts-morph'];
const initializer = await build({
  ...scriptOptions,
  entryPoints: ['src/cli/create-pipeline-main.ts'],
  outfile: join(staging, 'create-pipeline.cjs'),
  write: false,
  define: scriptDefines,
  plugins: [
    yeomanPlugin,
    precompiledPlugin,
    composeTemplatePlugin,
    promptsPlugin,
    lazyYamlPlugin({ separate: true }),
    esmBuiltinsPlugin,
  ],
});
const prompts = await build({
  ...scriptOptions,
  entryPoints: [createRequire(join(root, 'package.json')).resolve('@inquirer/prompts')],
  outfile: join(staging, 'prompts.cjs'),
});
const cli = await build({
  ...scriptOptions,
  entryPoints: ['src/cli/pipeline-main.ts'],
  outfile: join(staging, 'pipeline.cjs'),
  write: false,
  define: scriptDefines,
  external: NODE_MODULES,
  // Every import() becomes a require (a script compiled from a code cache cannot import).
  supported: { 'dynamic-import': false },
  plugins: [
    yeomanPlugin,
    precompiledPlugin,
    composeTemplatePlugin,
    lazyYamlPlugin({ separate: false }),
    esmBuiltinsPlugin,
  ],
});
/** The packages (not Node's own modules) a build's outputs load, and how. */
const externalsOf = (...results) =>
  results.flatMap((r) =>
    Object.values(r.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path)),
    ),
  );
const fail = (message) => {
  rmSync(staging, { recursive: true, force: true });
  throw new Error(`build: ${message}`);
};
const initializerExternals = externalsOf(initializer, prompts);
if (initializerExternals.length)
  fail(
    `packages/create-pipeline must load no external module, but reaches ${initializerExternals.map((i) => i.path).join(', ')}: load it only from the pipeline bin`,
  );
const cliImports = externalsOf(cli).filter((i) => !NODE_MODULES.includes(i.path));
if (cliImports.length)
  fail(
    `pipeline.cjs may load only ${NODE_MODULES.join(', ')} from node_modules, but reaches ${cliImports.map((i) => i.path).join(', ')}: add it to NODE_MODULES, or bundle it`,
  );
/** The script with its first line, `// <bin> <version> <hash>`, which keys its code cache. */
function writeScript(result, bin, pkg) {
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const version = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')).version;
  writeFileSync(join(staging, `${bin}.cjs`), `// ${bin} ${version} ${hash}\n${code}`);
}
writeScript(initializer, 'create-pipeline', 'packages/create-pipeline');
writeScript(cli, 'pipeline', 'packages/cli');
// The bins.
for (const bin of ['create-pipeline', 'pipeline'])
  await build({
    ...scriptOptions,
    metafile: false,
    entryPoints: [`src/cli/${bin}.ts`],
    outfile: join(staging, `${bin}.js`),
  });
// The bins are CommonJS (an ES module main starts Node's ES module loader): dist/ says so.
writeFileSync(join(staging, 'package.json'), '{ "type": "commonjs" }\n');
// The yaml package, for the initializer: one CommonJS file loaded only when a value is not kept (above).
await build({
  ...scriptOptions,
  metafile: false,
  entryPoints: [YAML_ENTRY],
  outfile: join(staging, 'yaml.cjs'),
});
// The full Handlebars (compiler included), one CommonJS file loaded only when a template needs compiling.
await build({
  ...scriptOptions,
  metafile: false,
  entryPoints: [join(packageDir('handlebars'), 'lib', 'index.js')],
  outfile: join(staging, 'handlebars.cjs'),
});
// The two packages of the workspace (packages/*/) get what their bins load: the initializer
// `create-pipeline` its scripts (no external module: it has no dependencies), the day-two CLI
// `@create-pipeline/cli` its script (which requires the codemod engines from its dependencies);
// both the full Handlebars and a copy of templates/, and the CLI the codemod types.
const PACKAGES = [
  {
    dir: 'packages/create-pipeline',
    scripts: ['package.json', 'handlebars.cjs', 'prompts.cjs', 'yaml.cjs', 'create-pipeline.cjs', 'create-pipeline.js'],
    copies: ['templates'],
  },
  {
    dir: 'packages/cli',
    scripts: ['package.json', 'handlebars.cjs', 'pipeline.cjs', 'pipeline.js'],
    copies: ['templates', 'types'],
  },
];
/** Writes beside the target and renames over it, so a running command never reads half a file. */
function put(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  const temp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}
const same = (a, b) => existsSync(b) && readFileSync(a).equals(readFileSync(b));
for (const pkg of PACKAGES) {
  const dist = join(root, pkg.dir, 'dist');
  // The bin last: it reads the scripts beside it.
  for (const file of pkg.scripts) put(join(staging, file), join(dist, file));
  // Earlier builds' ES modules (chunks/ and the upgrade worker) are gone from the build.
  for (const old of ['chunks', 'upgrade-worker.js']) rmSync(join(dist, old), { recursive: true, force: true });
  // This build's files, for a publish from a copy (test/helpers/registry.ts).
  writeFileSync(join(dist, 'files.json'), `${JSON.stringify([...pkg.scripts, 'files.json'].sort(), null, 2)}\n`);
  // templates/ (and types/) are copied file by file, only where they differ; files gone from the
  // source go from the copy.
  for (const folder of pkg.copies) {
    const source = join(root, folder);
    const target = join(root, pkg.dir, folder);
    const wanted = new Set(walk(source).map((file) => relative(source, file)));
    for (const file of wanted)
      if (!same(join(source, file), join(target, file))) put(join(source, file), join(target, file));
    if (existsSync(target))
      for (const file of walk(target)) if (!wanted.has(relative(target, file))) rmSync(file, { force: true });
  }
}
rmSync(staging, { recursive: true, force: true });
// METAFILE=path writes the pipeline script's esbuild metafile there, to see what it holds (https://esbuild.github.io/analyze/).
if (process.env.METAFILE) writeFileSync(process.env.METAFILE, JSON.stringify(cli.metafile));
const sizes = [initializer, cli].map((r) => r.outputFiles[0].text.length);
console.log(
  `built create-pipeline.cjs (${(sizes[0] / 1024).toFixed(0)} KiB) and pipeline.cjs (${(sizes[1] / 1024).toFixed(0)} KiB) into ${PACKAGES.map((pkg) => `${pkg.dir}/dist/`).join(' and ')}`,
);
