import { existsSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that start a lakeFS server (test/helpers/lakefs.ts). On a fresh machine `npm run setup`
// builds lakeFS in the background; while it builds, these run last so the others use the time.
const LAKEFS_TESTS = ['dev-modes', 'sandbox', 'sandbox-loop', 'tutorial'];
const cache = (name: string) => fileURLToPath(new URL(`.cache/${name}`, import.meta.url));
const lakeFSBuilding = () => existsSync(cache('lakefs-build.pid')) && !existsSync(cache('lakefs-build.result'));

// Seconds each slow file took in the last measured run: the order of a first run, when vitest has no
// timings of its own yet (longest first, so the workers end together). Later runs use vitest's own.
const EXPECTED_SECONDS: Record<string, number> = {
  'dev-modes': 77,
  tutorial: 70,
  'team-flow': 64,
  'sandbox-loop': 54,
  'fuzz-inputs': 45,
  'crash-safety': 48,
  sandbox: 31,
  'add-job-resource': 29,
  'npm-init': 29,
  'ui-browser': 26,
  legacy: 24,
  add: 21,
  templates: 19,
  'public-types': 14,
  upgrade: 13,
  check: 10,
  create: 9,
  'bad-input': 8,
  'add-mode': 8,
};

// Python writes the bytecode of what it imports unless PYTHONDONTWRITEBYTECODE is set (this machine and
// many CI images set it). Then every Python process in a venv the tests make (a pipeline's own, `uv run`'s
// .venv) compiles Dagster and pandas from source again: dev-modes took 109 s of CPU with it set, 64 s
// without. The suite's own venv is compiled once by scripts/setup-python.sh. Test workers inherit this.
delete process.env.PYTHONDONTWRITEBYTECODE;

export class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const name = (f: TestSpecification) => basename(f.moduleId, '.test.ts');
    const state = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`);
    const duration = (f: TestSpecification) => state(f)?.duration ?? (EXPECTED_SECONDS[name(f)] ?? 5) * 1000;
    const sorted = [...files].sort(
      (a, b) => Number(state(b)?.failed ?? false) - Number(state(a)?.failed ?? false) || duration(b) - duration(a),
    );
    if (!lakeFSBuilding()) return sorted;
    const needsLakeFS = (f: TestSpecification) => LAKEFS_TESTS.includes(name(f));
    return [...sorted.filter((f) => !needsLakeFS(f)), ...sorted.filter(needsLakeFS)];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No limit a loaded 2-core machine can hit while the code is right: a hung test still ends.
    testTimeout: 1_200_000,
    hookTimeout: 1_200_000,
    // Python and git subprocesses do the heavy lifting, and the tests wait on them (servers
    // starting, crash-safety's slowed writes): three workers keep two cores busy where two left
    // them idle about a quarter of the run (289-295 s against 340-348 s, the same CPU).
    pool: 'forks',
    maxWorkers: 3,
    // One worker process runs file after file, without a fresh one (and a fresh import of vitest,
    // the helpers and the source) for each of the 49 files: a warm run took 318 s isolated. The
    // helpers' per-file cleanup is test/setup.ts; no test changes process state it does not restore.
    isolate: false,
    setupFiles: ['test/setup.ts'],
    sequence: { sequencer: Sequencer },
  },
});
