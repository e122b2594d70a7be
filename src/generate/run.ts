// Runs generators programmatically (yeoman-generator, in a lean environment: ./environment.ts) into
// one shared in-memory file system, and returns one change plan per generator (what it changed
// after the ones before it). Nothing is written to disk here.
import { GENERATORS, type GeneratorName } from '../../generators/index.ts';
import { type ChangePlan, planFromMemFs } from '../tree/plan.ts';
import { LeanEnvironment } from './environment.ts';

export interface GeneratorRun {
  name: GeneratorName;
  options: Record<string, unknown>;
}

/** Runs the generators in order; returns the whole change, and each generator's own part of it. */
export async function planGenerators(
  root: string,
  runs: GeneratorRun[],
): Promise<{ plan: ChangePlan; steps: ChangePlan[] }> {
  // Yeoman's own log lines (conflicts, installs) do not apply: we plan, check and write ourselves.
  const env = new LeanEnvironment({ cwd: root, skipInstall: true });
  const store = env.sharedFs;
  const steps: ChangePlan[] = [];
  let previous = new Map<string, string>();
  // The store holds every generator's files: after the last one, its whole plan is the plan.
  let whole: ChangePlan = { root, changes: [] };
  for (const run of runs) {
    const { default: Generator } = await GENERATORS[run.name]();
    const generator = await env.create(Generator as never, {
      generatorArgs: [],
      generatorOptions: { ...run.options, skipInstall: true },
    });
    await env.runGenerator(generator as never);
    const current = new Map<string, string>();
    whole = planFromMemFs(store, root, current);
    steps.push({
      root,
      changes: whole.changes
        .filter((c) => previous.get(c.path) !== current.get(c.path))
        // What the file holds once the generators before this one have run.
        .map((c) => {
          const before = previous.has(c.path) ? previous.get(c.path)! : c.before;
          return { ...c, before, kind: before === null ? 'create' : 'modify' };
        }),
    });
    previous = current;
  }
  return { plan: whole, steps };
}
