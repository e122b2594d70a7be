// A synthetic platform repo of legacy Dagster 0.x pipelines for the upgrade benchmark:
// N pipelines of 10 modules each (one pipeline module, nine of solids).
//   node bench/corpus.mjs <dir> [pipelines=1000]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeCorpus(dir, pipelines = 1000) {
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(join(mkdirSync(dir, { recursive: true }) ?? dir, 'README.md'), 'benchmark corpus\n');
  for (let p = 0; p < pipelines; p++) {
    const pkg = join(dir, 'pipelines', `p${p}`, 'src', `p${p}`);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, '__init__.py'), '');
    for (let m = 0; m < 9; m++) {
      const solids = Array.from(
        { length: 4 },
        (_, s) => `
@solid(config_schema={"limit": int})
def step_${m}_${s}(context, rows):
    # keep: the team's note on step ${s}
    limit = context.solid_config["limit"]
    return rows[:limit] + [${p}, ${m}, ${s}]
`,
      ).join('\n');
      writeFileSync(join(pkg, `solids_${m}.py`), `"""Solids of module ${m}."""\nfrom dagster import solid\n${solids}`);
    }
    writeFileSync(
      join(pkg, 'pipeline.py'),
      `from dagster import pipeline, solid\n\n\n@solid\ndef start(context):\n    return []\n\n\n@pipeline\ndef p${p}_pipeline():\n    start()\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  makeCorpus(process.argv[2], Number(process.argv[3] ?? 1000));
}
