// What the two bins (create-pipeline.ts, pipeline.ts) share: each command is one CommonJS script
// beside its bin (dist/create-pipeline.cjs, dist/pipeline.cjs), which the bin compiles here with a
// V8 code cache: compiling it is a large part of a run, and Node 20 has no compile cache of its own
// (Node 22's module.enableCompileCache() does not cover vm scripts either). A cache is written
// after a run into a per-user folder, keyed by the build, the Node version, the platform, the
// script's path and what the run did (its `variant`: a command, or its help); V8 rejects a cache
// that does not fit its version or flags, and the run then compiles as usual and writes a new one.
// Never an error: a folder that cannot be written means no cache. NODE_DISABLE_COMPILE_CACHE=1
// turns it off, NODE_COMPILE_CACHE=<absolute dir> moves it (Node's own variables); NODE_DEBUG=<bin> prints
// whether the cache was used. The bins are bundled as CommonJS (their dist/ holds a package.json
// saying so): an ES module as the main module would start Node's ES module loader, which costs
// about a quarter of Node's own start.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { debuglog } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { DAY, HOUR, sweep, touch, userCacheFolder } from '../user-cache.ts';

export interface CachedScriptOptions {
  /** The bin's name: NODE_DEBUG's word. */
  bin: string;
  /** The cache's folder in the user's cache folder (or in NODE_COMPILE_CACHE). */
  folder: string;
  /** The script beside the bin, as the build names it (its first line: `// <bin> <version> <hash>`). */
  file: string;
  /**
   * What this run does, from its arguments (`commandVariant`): each variant keeps a cache of its
   * own, so that a run compiles from one that holds what a run like it compiled.
   */
  variant: string;
  /**
   * False: V8's optimizing compilers (Maglev, TurboFan) off, before the script compiles (V8 keys
   * a code cache by its flags, so the cache is made and used under these), for a bin whose run
   * takes about a tenth of a second, too short for optimized code to pay for itself.
   */
  optimize: boolean;
}

export interface CachedScript<Exports> {
  exports: Exports;
  /** A file in the cache's folder for this build's own values (src/yaml/value-cache.ts), if there is a folder. */
  valuesFile: string | undefined;
}

/**
 * The cache's folder: Node's NODE_COMPILE_CACHE (when absolute), else the user's cache folder
 * (src/user-cache.ts); none when turned off, or when there is no absolute one.
 */
function cacheFolder(folder: string): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const given = process.env.NODE_COMPILE_CACHE;
  if (given) return isAbsolute(given) ? join(given, folder) : undefined;
  return userCacheFolder(folder);
}

/**
 * A short hash (FNV-1a) of where this copy of the script is. V8 names the script of a cached
 * compile after the run that wrote the cache, whatever filename this run gives: two installs of
 * one build (npx's and a global one) sharing one cache would print each other's paths in a stack
 * trace. Each install keeps a cache of its own.
 */
function placeOf(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * A run's variant: its command (the first word, when it is one) and whether it only prints help
 * or the version, which compiles little. `pipeline list` and `pipeline check` keep a cache each;
 * `create-pipeline` (no command word) keeps one for generating and one for its help.
 */
export function commandVariant(argv: readonly string[], command?: string): string {
  const word = command ?? (argv[0] && /^[a-z][a-z-]{0,30}$/.test(argv[0]) ? argv[0] : 'none');
  const help = argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v');
  return help ? `${word}-help` : word;
}

/**
 * Compiles and runs the script (CommonJS's own wrapper, plus what the bundle uses instead of
 * import.meta.url, __filename and __dirname) and returns its exports.
 */
export function runCachedScript<Exports>(options: CachedScriptOptions): CachedScript<Exports> {
  if (!options.optimize) {
    setFlagsFromString('--no-turbofan');
    setFlagsFromString('--no-maglev');
  }
  const debug = debuglog(options.bin);
  const file = options.file;
  const source = readFileSync(file, 'utf8');
  // The build writes its content hash on the first line: `// <bin> <version> <hash>`.
  const build = source.slice(0, source.indexOf('\n')).split(' ').slice(2).join('-');
  const folder = cacheFolder(options.folder);
  const prefix = `${build}-${process.version}-${process.arch}-${placeOf(file)}`;
  const cacheFile = folder && join(folder, `${prefix}-${options.variant}.v8cache`);
  // Parsed values of the files a run reads (src/yaml/value-cache.ts), one file per build.
  const valuesFile = folder && join(folder, `${build}-values.json`);
  let cachedData: Buffer | undefined;
  if (cacheFile)
    try {
      cachedData = readFileSync(cacheFile);
    } catch {}
  const script = new Script(
    `(function (exports, require, module, __cpFilename, __cpDirnameValue, __cpImportMetaUrl) {${source}\n})`,
    { filename: file, cachedData },
  );
  // V8 sets cachedDataRejected (to true or false) only when it was given a cache.
  const used = script.cachedDataRejected === false;
  debug('code cache %s: %s', used ? 'used' : cachedData ? 'rejected' : 'none', cacheFile ?? 'off');
  // A cache in use is touched (at most hourly): the sweep below goes by the time a file was last
  // used, so that another install's runs never remove one a run of this install still uses.
  if (used) touch(cacheFile!, HOUR);
  if (cacheFile && !used)
    // After the run, so that the cache holds every function the run compiled, not only the top
    // level; only after a run that did its work (exit 0, or 1: its own verdict, such as check's
    // findings), not after bad input (2) or a cancelled prompt (130), which compile little of it.
    process.once('exit', (code) => {
      if (code !== 0 && code !== 1) return;
      // (An upgrade's worker threads write theirs as they end, at about the same time.)
      const temp = `${cacheFile}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
      try {
        mkdirSync(folder!, { recursive: true });
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
        debug('code cache written: %s', cacheFile);
      } catch {
        rmSync(temp, { force: true });
        return;
      }
      // Files unused for a day go (other builds' caches, other installs' and Node versions' that
      // stopped running, what a killed write left), but this build's kept values.
      sweep(folder!, DAY, (path) => path === valuesFile);
    });
  const module = { exports: {} as Exports };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  return { exports: module.exports, valuesFile };
}
