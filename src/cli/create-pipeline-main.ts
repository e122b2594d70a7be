// The `create-pipeline` command itself: scripts/build.mjs bundles this module into one script,
// dist/create-pipeline.cjs, which the bin (create-pipeline.ts) compiles with a V8 code cache.
import { run } from '../commands/new.ts';
import { runAtEdge } from './edge.ts';

export const main = (argv: string[]): Promise<never> =>
  runAtEdge('create-pipeline', argv.includes('--json'), () => run(argv, 'create-pipeline'));
