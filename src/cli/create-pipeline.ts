#!/usr/bin/env node
// The `create-pipeline` bin (what `npm init pipeline` runs). The command is one script beside this
// file, dist/create-pipeline.cjs (src/cli/create-pipeline-main.ts, bundled), compiled with a V8
// code cache (src/cli/cached-script.ts), under which V8's optimizing compilers are off: a run takes
// about a tenth of a second, and compiling optimized code took about 8 MiB of peak memory on
// Node 24 (67 to 59 MiB, bench/generate.mjs). Beside the cache, one file per build keeps what
// platform.yaml and the compose file parse to (src/yaml/value-cache.ts).
import { join } from 'node:path';
import { commandVariant, runCachedScript } from './cached-script.ts';

const argv = process.argv.slice(2);
const { exports, valuesFile } = runCachedScript<{ main: (argv: string[], valuesFile?: string) => Promise<never> }>({
  bin: 'create-pipeline',
  folder: 'create-pipeline',
  file: join(__dirname, 'create-pipeline.cjs'),
  variant: commandVariant(argv, 'new'),
  optimize: false,
});
// main never returns: it exits with the command's code, errors included (src/cli/edge.ts).
void exports.main(argv, valuesFile);
