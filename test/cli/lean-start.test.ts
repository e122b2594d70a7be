// `create-pipeline --yes` starts lean: it loads no network code, no prompt library and no template
// compiler (every template is precompiled), and Node's own modules tell: the CLI runs with a
// preloaded module that lists, at exit, Node's built-in modules and the CommonJS files it loaded.
// Yeoman runs the generators without yeoman-environment (its debug lines would show), and the
// command's script compiles from a V8 code cache after its first run (NODE_DEBUG says which).
// (How fast it is, bench/generate.mjs prints; no test asserts a time.)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtBin } from '../../src/paths.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { git, makePlatform, tempDir } from '../helpers/workspace.ts';

const REPORT = `import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.on('exit', () => writeSync(2, 'LOADED ' + JSON.stringify({
  builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
  files: Object.keys(require.cache),
}) + '\\n'));
`;

function loaded(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { builtins: string[]; files: string[]; stdout: string } {
  const hook = join(tempDir('hook-'), 'report-loaded.mjs');
  writeFileSync(hook, REPORT);
  const result = createPipeline(args, cwd, { ...env, NODE_OPTIONS: `--import ${pathToFileURL(hook).href}` });
  expect(result.code, result.stderr).toBe(0);
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  expect(line, result.stderr).toBeDefined();
  return { ...JSON.parse(line!.slice('LOADED '.length)), stdout: result.stdout };
}

describe('create-pipeline --yes', () => {
  it('loads no network code, no prompts and no template compiler', () => {
    const dir = makePlatform();
    for (const args of [['--dry-run'], ['--no-branch']]) {
      const { builtins, files, stdout } = loaded(['orders', '--yes', '--template', 'transform', ...args], dir);
      expect(stdout).toContain('pipelines/orders/');
      // The report is real: the modules generation needs are listed.
      expect(builtins).toContain('fs');
      // A generation that starts no process (--no-branch: no git) does not load node:child_process.
      if (args.includes('--no-branch')) expect(builtins).not.toContain('child_process');
      for (const network of ['http', 'https', 'tls', 'http2', 'zlib', 'internal/deps/undici/undici'])
        expect(builtins, args.join(' ')).not.toContain(network);
      // It prints to its pipes without opening a stream on them (a socket: node:net, a tenth of its
      // CPU; node:child_process loads it too, for git), and --yes never asks whether a terminal is
      // there (node:tty).
      if (args.includes('--no-branch')) expect(builtins).not.toContain('net');
      expect(builtins, args.join(' ')).not.toContain('tty');
      // @inquirer/prompts reads keys with readline; without a terminal nothing asks.
      expect(builtins).not.toContain('readline');
      expect(files.filter((file) => /handlebars/.test(file))).toEqual([]);
    }
  });

  it('runs its generators with yeoman-generator alone, without yeoman-environment', () => {
    const dir = makePlatform();
    const result = createPipeline(['orders', '--yes', '--template', 'transform', '--dry-run'], dir, {
      DEBUG: 'yeoman:*',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('pipelines/orders/');
    // The debug lines are real: Yeoman's generator ran the generator's writing task.
    expect(result.stderr).toMatch(/yeoman:generator Running \S+#writing/);
    expect(result.stderr).not.toContain('yeoman:environment');
  });

  it("knows the platform template's Compose services from the build, and still refuses a pipeline folder named like one", () => {
    const dir = makePlatform();
    // A folder `pipeline sync` would list (a dg project), named like a service of the template's compose file.
    mkdirSync(join(dir, 'pipelines', 'webserver'), { recursive: true });
    writeFileSync(
      join(dir, 'pipelines', 'webserver', 'pyproject.toml'),
      '[project]\nname = "webserver"\n\n[tool.dg]\ndirectory_type = "project"\n',
    );
    const result = createPipeline(['orders', '--yes', '--template', 'transform', '--dry-run'], dir);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/pipelines\/webserver is not a usable pipeline folder \(.*Compose service webserver/);
  });

  it('compiles from a code cache written by its first run; a cache V8 refuses is replaced', () => {
    const dir = makePlatform();
    const cache = tempDir('compile-cache-');
    const run = (name: string, env: Record<string, string> = {}) => {
      const result = createPipeline([name, '--yes', '--template', 'transform', '--dry-run'], dir, {
        NODE_COMPILE_CACHE: cache,
        NODE_DEBUG: 'create-pipeline',
        ...env,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`pipelines/${name}/`);
      return result.stderr;
    };
    const folder = join(cache, 'create-pipeline');
    const caches = () => readdirSync(folder).filter((name) => name.endsWith('.v8cache'));
    // Bad input (exit 2) compiles little of a generation: it writes no cache.
    const bad = createPipeline(['Not A Name', '--yes'], dir, {
      NODE_COMPILE_CACHE: cache,
      NODE_DEBUG: 'create-pipeline',
    });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/code cache none/);
    expect(bad.stderr).not.toMatch(/code cache written/);
    // A run that compiles little (--version) keeps a cache of its own: a generation never starts from it.
    const version = createPipeline(['--version'], dir, { NODE_COMPILE_CACHE: cache, NODE_DEBUG: 'create-pipeline' });
    expect(version.stderr).toMatch(/code cache none/);
    expect(caches()).toEqual([expect.stringMatching(/-new-help\.v8cache$/)]);
    expect(run('first')).toMatch(/code cache none/);
    const generation = caches().find((name) => name.endsWith('-new.v8cache'))!;
    expect(generation).toBeDefined();
    expect(statSync(join(folder, generation)).size).toBeGreaterThan(
      statSync(join(folder, caches().find((name) => name !== generation)!)).size,
    );
    expect(run('second')).toMatch(/code cache used/);
    // A cache from another V8 (or a damaged one): compiled as usual, and written anew.
    writeFileSync(join(folder, generation), 'not a V8 code cache');
    expect(run('third')).toMatch(/code cache rejected/);
    expect(run('fourth')).toMatch(/code cache used/);
    // NODE_DISABLE_COMPILE_CACHE (Node's own switch) turns it off.
    expect(run('fifth', { NODE_DISABLE_COMPILE_CACHE: '1' })).toMatch(/code cache none: off/);
  });

  it('keeps one cache per install of the same build, so that a stack trace names the script that ran', () => {
    const dir = makePlatform();
    const cache = tempDir('compile-cache-');
    // Two installs of this build: one whole, one without its templates (every run of it fails
    // with an internal error, whose trace names the script).
    const [whole, broken] = ['whole', 'broken'].map((name) => join(tempDir('install-'), name));
    for (const install of [whole!, broken!]) {
      cpSync(dirname(dirname(builtBin('create-pipeline'))), install, { recursive: true });
    }
    rmSync(join(broken!, 'templates'), { recursive: true });
    const env = { NODE_COMPILE_CACHE: cache, NODE_DEBUG: 'create-pipeline' };
    const bin = (install: string) => join(install, 'dist', 'create-pipeline.js');
    const ran = spawnSync(process.execPath, [bin(whole!), 'first', '--yes', '--template', 'transform', '--dry-run'], {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/code cache written/);
    const failed = spawnSync(
      process.execPath,
      [bin(broken!), 'second', '--yes', '--template', 'transform', '--dry-run'],
      {
        cwd: dir,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/internal error/);
    // Not the other install's cache: its script, and its path in the trace.
    expect(failed.stderr).toMatch(/code cache none/);
    expect(failed.stderr).toContain(join(broken!, 'dist', 'create-pipeline.cjs'));
    expect(failed.stderr).not.toContain(whole!);
    expect(readdirSync(join(cache, 'create-pipeline')).filter((name) => name.endsWith('.v8cache'))).toHaveLength(2);
  });

  it('renders the templates the build precompiled, without reading them: an install without its .hbs files generates the same pipeline', () => {
    const install = join(tempDir('install-'), 'create-pipeline');
    cpSync(dirname(dirname(builtBin('create-pipeline'))), install, { recursive: true });
    const hbs = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? hbs(join(dir, entry.name)) : entry.name.endsWith('.hbs') ? [join(dir, entry.name)] : [],
      );
    const templates = hbs(join(install, 'templates'));
    expect(templates.length).toBeGreaterThan(20);
    for (const file of templates) rmSync(file);
    const generate = (bin: string) => {
      const dir = makePlatform();
      const result = spawnSync(process.execPath, [bin, 'orders', '--yes', '--template', 'transform', '--no-branch'], {
        cwd: dir,
        env: { ...process.env, NODE_COMPILE_CACHE: tempDir('compile-cache-') },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const files = (sub: string): string[] =>
        readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? files(join(sub, entry.name)) : [join(sub, entry.name)],
        );
      return Object.fromEntries(files('pipelines/orders').map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
    };
    const whole = generate(builtBin('create-pipeline'));
    // The pipeline's sample data is copied as it is, from the install's templates/.
    expect(Object.keys(whole)).toContain('pipelines/orders/src/orders/sample_data/raw/orders.csv');
    expect(generate(join(install, 'dist', 'create-pipeline.js'))).toEqual(whole);
  });

  it('loads the yaml package only to parse what it has not kept, from a script of its own that its code cache leaves out', () => {
    const dir = makePlatform();
    const env = { NODE_COMPILE_CACHE: tempDir('compile-cache-') };
    const yaml = (files: string[]) => files.filter((file) => file.endsWith(join('dist', 'yaml.cjs')));
    // The first run parses platform.yaml (nothing is kept yet): dist/yaml.cjs, beside the bundle.
    const first = loaded(['orders', '--yes', '--template', 'transform', '--dry-run'], dir, env);
    expect(first.stdout).toContain('pipelines/orders/');
    expect(yaml(first.files)).toHaveLength(1);
    // The next runs read the kept values, and never load it.
    const second = loaded(['billing', '--yes', '--template', 'transform', '--dry-run'], dir, env);
    expect(second.stdout).toContain('pipelines/billing/');
    expect(yaml(second.files)).toEqual([]);
  });

  it("keeps platform.yaml's parsed value between runs, and reads the file anew once it is edited", () => {
    const dir = makePlatform();
    const cache = tempDir('compile-cache-');
    const run = (name: string, ...args: string[]) =>
      createPipeline([name, '--yes', '--template', 'transform', '--dry-run', ...args], dir, {
        NODE_COMPILE_CACHE: cache,
      });
    expect(run('first').code).toBe(0);
    const [values] = readdirSync(join(cache, 'create-pipeline')).filter((name) => name.endsWith('-values.json'));
    expect(values).toBeDefined();
    const kept = () => Object.keys(JSON.parse(readFileSync(join(cache, 'create-pipeline', values!), 'utf8')));
    expect(kept().filter((key) => key.startsWith('yaml:'))).toHaveLength(1);
    // A team added to platform.yaml by hand: the next run knows it (a stale value would refuse it).
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(
      platformFile,
      readFileSync(platformFile, 'utf8').replace(/^owners:\n/m, 'owners:\n  - name: finance\n'),
    );
    expect(run('second', '--owner', 'finance').code).toBe(0);
    expect(kept().filter((key) => key.startsWith('yaml:'))).toHaveLength(2);
    // A damaged cache file is no cache: the run parses as usual.
    writeFileSync(join(cache, 'create-pipeline', values!), '{"yaml:');
    const third = run('third', '--owner', 'finance');
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('pipelines/third/');
  });
});

describe('pipeline', () => {
  it('compiles each command from a code cache of its own, written by its first run', () => {
    const dir = makePlatform();
    const cache = tempDir('compile-cache-');
    const run = (...args: string[]) => {
      const result = runBin('pipeline', args, dir, { NODE_COMPILE_CACHE: cache, NODE_DEBUG: 'pipeline' });
      // The cache's file name ends in the Node version, the architecture, the script's place and the variant.
      const named = new RegExp(
        `code cache (none|used|rejected): \\S+-${process.version}-${process.arch}-[0-9a-z]+-([a-z-]+)\\.v8cache`,
      );
      return { ...result, cache: named.exec(result.stderr) };
    };
    const first = run('list');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('no pipelines');
    expect(first.cache?.slice(1)).toEqual(['none', 'list']);
    expect(first.stderr).toMatch(/code cache written: \S+-list\.v8cache/);
    expect(run('list').cache?.slice(1)).toEqual(['used', 'list']);
    // Another command compiles other functions: it keeps a cache of its own.
    expect(run('check').cache?.slice(1)).toEqual(['none', 'check']);
    expect(run('check').cache?.slice(1)).toEqual(['used', 'check']);
    // Bad input (exit 2) writes none.
    const bad = run('lsit');
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/code cache written/);
    expect(readdirSync(join(cache, 'create-pipeline-cli')).sort()).toEqual([
      expect.stringMatching(/-check\.v8cache$/),
      expect.stringMatching(/-list\.v8cache$/),
    ]);
  });

  it("runs an upgrade's worker threads from a code cache of their own, which they write as they end", async () => {
    const { makeCorpus } = (await import('../../bench/corpus.mjs')) as { makeCorpus: (dir: string, n: number) => void };
    const cache = tempDir('compile-cache-');
    const upgrade = () => {
      // 16 pipelines: enough for worker threads, two on this machine's cores (or one per core).
      const dir = join(tempDir('many-'), 'platform');
      makeCorpus(dir, 16);
      cpSync(
        join(import.meta.dirname, '..', 'fixtures', 'conventions-v1', 'platform.yaml'),
        join(dir, 'platform.yaml'),
      );
      const result = runBin('pipeline', ['upgrade', '--json'], dir, {
        NODE_COMPILE_CACHE: cache,
        NODE_DEBUG: 'pipeline',
      });
      expect(result.code, result.stderr).toBe(0);
      const pipelines = JSON.parse(result.stdout).pipelines as { status: string }[];
      expect(pipelines.map((p) => p.status)).toEqual(Array(16).fill('upgraded'));
      return [...result.stderr.matchAll(/code cache (none|used|rejected): \S+-upgrade-worker\.v8cache/g)].map(
        (m) => m[1],
      );
    };
    const workers = Math.min(availableParallelism(), 16);
    expect(upgrade()).toEqual(Array(workers).fill('none'));
    expect(upgrade()).toEqual(Array(workers).fill('used'));
  });
  it('writes no cache into the folder it runs in, whatever HOME and XDG_CACHE_HOME say', () => {
    // An empty HOME (os.homedir() gives "") or a relative XDG_CACHE_HOME made the cache folder
    // relative: it was written into the platform repo, whose tree the next create-pipeline then
    // found dirty (and put its pipeline on the current branch, uncommitted).
    const dir = makePlatform();
    // (A relative XDG_CACHE_HOME is passed over for ~/.cache, as the XDG spec says; the others leave none.)
    const home = new RegExp(`code cache \\w+: ${join(homedir(), '.cache')}/`);
    for (const [name, env, where] of [
      ['first', { HOME: '', XDG_CACHE_HOME: '' }, /code cache none: off/],
      ['second', { XDG_CACHE_HOME: 'cache' }, home],
      ['third', { NODE_COMPILE_CACHE: 'cache' }, /code cache none: off/],
    ] as const) {
      const result = createPipeline([name, '--yes', '--template', 'transform'], dir, {
        ...env,
        NODE_DEBUG: 'create-pipeline',
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(where);
      const listed = runBin('pipeline', ['list'], dir, { ...env, NODE_DEBUG: 'pipeline' });
      expect(listed.stderr).toMatch(where);
      expect(git(dir, 'status', '--porcelain'), name).toBe('');
      expect(git(dir, 'log', '--format=%s', '-1', `pipeline/${name}`)).toContain(name);
      git(dir, 'checkout', '-q', 'main');
    }
  });

  it('removes files unused for a day, never a cache in use, nor what a failed write began', () => {
    const dir = makePlatform();
    const cache = tempDir('compile-cache-');
    const folder = join(cache, 'create-pipeline-cli');
    const env = { NODE_COMPILE_CACHE: cache, NODE_DEBUG: 'pipeline' };
    expect(runBin('pipeline', ['list'], dir, env).code).toBe(0);
    const [list] = readdirSync(folder);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    // Written two days ago and used since (the sweep goes by use, not by when it was written),
    // beside another build's cache and a killed write's temporary file, unused for two days.
    for (const old of ['0.0.9-0123456789abcdef-v20.0.0-x64-abc-list.v8cache', `${list}.123-abc.tmp`])
      writeFileSync(join(folder, old), 'old');
    for (const name of readdirSync(folder)) utimesSync(join(folder, name), twoDaysAgo, twoDaysAgo);
    expect(runBin('pipeline', ['list'], dir, env).stderr).toMatch(/code cache used/);
    // A run that writes a cache (another command's) sweeps the folder.
    expect(runBin('pipeline', ['check'], dir, env).stderr).toMatch(/code cache written/);
    expect(readdirSync(folder).sort()).toEqual([expect.stringMatching(/-check\.v8cache$/), list]);
    // A write that fails (a folder where the cache goes) leaves no temporary file behind.
    const sync = readdirSync(folder)
      .find((name) => name.endsWith('-check.v8cache'))!
      .replace('-check.', '-sync.');
    mkdirSync(join(folder, sync));
    for (let i = 0; i < 3; i++) expect(runBin('pipeline', ['sync', '--dry-run'], dir, env).code).toBe(0);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
