// Bundles the two bins with esbuild, as create-vite does, so `npm init pipeline` starts fast:
// one file per bin plus lazily loaded chunks (a command's heavy modules load only when it runs).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const packageDir = (pkg) => join(import.meta.dirname, '..', 'node_modules', pkg);
const manifest = (pkg) => JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8'));

/**
 * Yeoman reads its own package.json from disk relative to its source file, which a bundle moves.
 * Inline those reads, and load only yeoman-environment's base environment (we never look up
 * generators on npm, so the full environment's npm machinery stays out of the bundle).
 */
/**
 * Modules Yeoman imports for features we never use (installing generators from npm, its own git
 * and process helpers): each is replaced by a stub whose functions throw if ever called, which
 * keeps npm's arborist, sigstore and friends out of the start-up path.
 */
const UNUSED = {
  'fly-import': ['FlyRepository', 'flyImport'],
  'simple-git': ['CheckRepoActions', 'CleanOptions', 'simpleGit'],
  execa: ['execa', 'execaCommand', 'execaCommandSync', 'execaSync'],
};
const stub = (name) => `const unused = () => { throw new Error('create-pipeline: ${name} is not bundled'); };
${UNUSED[name].map((key) => (key === 'FlyRepository' ? `exports.${key} = class { constructor() {} };` : `exports.${key} = unused;`)).join('\n')}`;

const yeomanPlugin = {
  name: 'yeoman-bundle',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(UNUSED).join('|')})$`) }, (args) => ({ path: args.path, namespace: 'cp-unused' }));
    b.onLoad({ filter: /.*/, namespace: 'cp-unused' }, (args) => ({ contents: stub(args.path), loader: 'js' }));
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
        .replace("JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString())", json);
      return { contents: source, loader: 'js' };
    });
  },
};

// Built beside dist/ and moved in file by file (below), so that a command or test running while
// another build runs never finds dist/ half written or gone.
const root = join(import.meta.dirname, '..');
const staging = join(root, `.dist-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
const result = await build({
  entryPoints: { 'create-pipeline': 'src/cli/create-pipeline.ts', pipeline: 'src/cli/pipeline.ts', 'upgrade-worker': 'src/upgrade/worker.ts' },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: process.env.NO_MINIFY !== '1',
  legalComments: 'none',
  metafile: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Native modules cannot be bundled; they are loaded from node_modules when a command needs them.
  external: ['@ast-grep/napi', '@ast-grep/lang-python', 'ts-morph'],
  // Some bundled CommonJS dependencies use require, __dirname and __filename: their free uses are
  // renamed to the banner's, so that a module declaring its own __filename does not collide.
  define: { __filename: '__cpFilename', __dirname: '__cpDirnameValue' },
  banner: {
    js: [
      "import { createRequire as __cpCreateRequire } from 'node:module';",
      "import { fileURLToPath as __cpFileURLToPath } from 'node:url';",
      "import { dirname as __cpDirname } from 'node:path';",
      'const require = __cpCreateRequire(import.meta.url);',
      'const __cpFilename = __cpFileURLToPath(import.meta.url);',
      'const __cpDirnameValue = __cpDirname(__cpFilename);',
    ].join('\n'),
  },
  plugins: [yeomanPlugin],
  logLevel: 'warning',
});
// Chunks have content-hashed names: new ones are moved in first, then each entry file is renamed
// over the old one, and chunks of earlier builds are removed only once they are an hour old, so a
// command started before this build can still load the lazy chunks its entry file names.
const dist = join(root, 'dist');
mkdirSync(join(dist, 'chunks'), { recursive: true });
const fresh = new Set(readdirSync(join(staging, 'chunks')));
for (const chunk of fresh) renameSync(join(staging, 'chunks', chunk), join(dist, 'chunks', chunk));
for (const entry of readdirSync(staging)) if (entry !== 'chunks') renameSync(join(staging, entry), join(dist, entry));
rmSync(staging, { recursive: true, force: true });
for (const chunk of readdirSync(join(dist, 'chunks'))) {
  const path = join(dist, 'chunks', chunk);
  if (!fresh.has(chunk) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
}
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`built ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB, into dist/`);
