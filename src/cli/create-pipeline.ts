#!/usr/bin/env node
// The `create-pipeline` bin (what `npm init pipeline` runs).
import module from 'node:module';

// Node 22+ keeps compiled code between runs; the rest of the CLI loads after this line.
(module as { enableCompileCache?: () => void }).enableCompileCache?.();
const { runAtEdge } = await import('./edge.ts');
const { run } = await import('../commands/new.ts');

const argv = process.argv.slice(2);
await runAtEdge('create-pipeline', argv.includes('--json'), () => run(argv, 'create-pipeline'));
