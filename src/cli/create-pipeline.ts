#!/usr/bin/env node
// The `create-pipeline` bin (what `npm init pipeline` runs).
import { run } from '../commands/new.ts';
import { runAtEdge } from './edge.ts';

const argv = process.argv.slice(2);
await runAtEdge('create-pipeline', argv.includes('--json'), () => run(argv, 'create-pipeline'));
