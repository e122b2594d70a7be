#!/usr/bin/env node
// The `pipeline` bin: the command is one script beside this file, dist/pipeline.cjs
// (src/cli/pipeline-main.ts, bundled), compiled with a V8 code cache per command
// (src/cli/cached-script.ts). Optimizing compilers stay on: an upgrade of many pipelines runs for
// seconds. An upgrade's worker threads run this file too.
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Importer } from '../import-at-run-time.ts';
import { commandVariant, runCachedScript } from './cached-script.ts';

const argv = process.argv.slice(2);
const { exports } = runCachedScript<{
  main: (argv: string[], importer: Importer) => Promise<never>;
  worker: (importer: Importer) => Promise<void>;
}>({
  bin: 'pipeline',
  folder: 'create-pipeline-cli',
  file: join(__dirname, 'pipeline.cjs'),
  variant: isMainThread ? commandVariant(argv) : 'upgrade-worker',
  optimize: true,
});
// A script compiled from a code cache cannot import(): this file's import() is handed in.
const importer: Importer = (specifier) => import(specifier);
// main never returns: it exits with the command's code, errors included (src/cli/edge.ts).
void (isMainThread ? exports.main(argv, importer) : exports.worker(importer));
