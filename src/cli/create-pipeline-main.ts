// The `create-pipeline` command itself: scripts/build.mjs bundles this module into one script,
// dist/create-pipeline.cjs, which the bin (create-pipeline.ts) compiles with a V8 code cache.
import { run } from '../commands/new.ts';
import { keepValuesIn } from '../yaml/value-cache.ts';
import { runAtEdge } from './edge.ts';

/** `valuesFile`: where the bin keeps parsed values between runs (src/yaml/value-cache.ts), if anywhere. */
export const main = (argv: string[], valuesFile?: string): Promise<never> => {
  keepValuesIn(valuesFile);
  return runAtEdge('create-pipeline', argv.includes('--json'), () => run(argv, 'create-pipeline'));
};
