#!/usr/bin/env node
// The `create-pipeline` bin (what `npm init pipeline` runs). The command is one script beside this
// file, dist/create-pipeline.cjs (src/cli/create-pipeline-main.ts, bundled), compiled here with a V8
// code cache: compiling it is a large part of a run, and Node 20 has no compile cache of its own
// (Node 22's module.enableCompileCache() does not cover vm scripts either). The cache is written
// after the first run into a per-user folder, keyed by the build, the Node version, the
// platform and the script's path; V8 rejects a cache that does not fit its version or flags, and the run then compiles
// as usual and writes a new one. Never an error: a folder that cannot be written means no cache.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, NODE_COMPILE_CACHE=<dir> moves it (Node's own variables);
// NODE_DEBUG=create-pipeline prints whether the cache was used. Beside it, one file per build keeps
// what platform.yaml and the compose file parse to (src/yaml/value-cache.ts).
// This file is bundled as CommonJS (dist/ holds a package.json saying so): an ES module as the main
// module would start Node's ES module loader, which costs about a quarter of Node's own start.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { debuglog } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// V8's optimizing compilers (Maglev, TurboFan) off, before the script compiles (V8 keys a code cache
// by its flags, so the cache is made and used under these): a run takes about a tenth of a second,
// too short for optimized code to pay for itself, and compiling it took about 8 MiB of peak memory
// on Node 24 (67 to 59 MiB, bench/generate.mjs). The baseline compiler (Sparkplug) stays.
setFlagsFromString('--no-turbofan');
setFlagsFromString('--no-maglev');

const debug = debuglog('create-pipeline');
const file = join(__dirname, 'create-pipeline.cjs');
const source = readFileSync(file, 'utf8');
// The build writes its content hash on the first line: `// create-pipeline <version> <hash>`.
const build = source.slice(0, source.indexOf('\n')).split(' ').slice(2).join('-');

function cacheFolder(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (process.env.NODE_COMPILE_CACHE) return join(process.env.NODE_COMPILE_CACHE, 'create-pipeline');
  try {
    const base = process.env.XDG_CACHE_HOME || process.env.LOCALAPPDATA || join(homedir(), '.cache');
    return join(base, 'create-pipeline');
  } catch {
    return undefined;
  }
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
const folder = cacheFolder();
const prefix = `${build}-${process.version}-${process.arch}-${placeOf(file)}`;
const cacheFile = folder && join(folder, `${prefix}.v8cache`);
// Parsed values of the files a run reads (src/yaml/value-cache.ts), one file per build.
const valuesFile = folder && join(folder, `${build}-values.json`);
let cachedData: Buffer | undefined;
if (cacheFile)
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}

// CommonJS's own wrapper, plus what the bundle uses instead of import.meta.url, __filename and __dirname.
const script = new Script(
  `(function (exports, require, module, __cpFilename, __cpDirnameValue, __cpImportMetaUrl) {${source}\n})`,
  { filename: file, cachedData },
);
// V8 sets cachedDataRejected (to true or false) only when it was given a cache.
const used = script.cachedDataRejected === false;
debug('code cache %s: %s', used ? 'used' : cachedData ? 'rejected' : 'none', cacheFile ?? 'off');
// A cache smaller than the script comes from a run that compiled little (--help, --version): a run
// after it writes its own, once, so that the cache holds what generating a pipeline compiles.
const thin = used && cachedData!.length < source.length;
if (cacheFile && (!used || thin))
  // After the run, so that the cache holds every function the run compiled, not only the top level.
  process.once('exit', () => {
    try {
      mkdirSync(folder!, { recursive: true });
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
      debug('code cache written: %s', cacheFile);
      // Caches of other builds go once they are a day old.
      for (const name of readdirSync(folder!)) {
        const path = join(folder!, name);
        if (name !== `${prefix}.v8cache` && path !== valuesFile && Date.now() - statSync(path).mtimeMs > 86_400_000)
          rmSync(path, { force: true });
      }
    } catch {}
  });
const command = { exports: {} as { main: (argv: string[], valuesFile?: string) => Promise<never> } };
script.runInThisContext()(command.exports, createRequire(file), command, file, dirname(file), pathToFileURL(file).href);
// main never returns: it exits with the command's code, errors included (src/cli/edge.ts).
void command.exports.main(process.argv.slice(2), valuesFile);
