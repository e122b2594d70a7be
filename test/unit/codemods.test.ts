// Every built-in codemod against its fixture cases (input, expected output): already migrated
// input stays as it is, comments and odd formatting are kept, and a second run changes nothing.
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import { describe, expect, it } from 'vitest';
import { loadPlatformConfig } from '../../src/conventions/platform-config.ts';
import { FileTree } from '../../src/tree/file-tree.ts';
import type { Codemod } from '../../src/upgrade/codemod.ts';
import { BUILTIN_CODEMODS } from '../../src/upgrade/codemods/index.ts';
import { legacyDagster } from '../../src/upgrade/codemods/legacy-dagster/index.ts';
import { type PlatformLayout, planPlatformLayout } from '../../src/upgrade/codemods/platform-steps.ts';
import { addedModules } from '../../src/upgrade/codemods/v5-added-modules.ts';
import { ENGINES } from '../../src/upgrade/engines/index.ts';
import { parseError } from '../../src/upgrade/engines/python-parses.ts';
import { upgradePipeline } from '../../src/upgrade/runner.ts';
import { codemodCases } from '../../src/upgrade/testing.ts';
import { readFiles, tempDir } from '../helpers/workspace.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'codemods');

for (const codemod of BUILTIN_CODEMODS) {
  describe(`codemod ${codemod.id}`, () => {
    for (const testCase of codemodCases(join(FIXTURES, codemod.id))) {
      it(`${testCase.name}: gives the expected output`, async () => {
        const { changes, actual, expected } = await testCase.check(codemod);
        expect(actual).toEqual(expected);
        expect(changes > 0).toBe(
          JSON.stringify(actual) !== JSON.stringify((await testCase.check({ ...codemod, run: () => 0 })).actual),
        );
      });
    }

    it('is idempotent: a second run on its own output changes nothing', async () => {
      for (const testCase of codemodCases(join(FIXTURES, codemod.id))) {
        const { actual, again, againActual } = await testCase.check(codemod);
        expect(again, testCase.name).toBe(0);
        expect(JSON.stringify(againActual)).toBe(JSON.stringify(actual));
      }
    });
  });
}

// The one platform-level step: planned in memory on a platform repo, as `pipeline upgrade` does
// when platform.yaml moves to conventions v3 (the e2e test writes it and runs pipeline sync).
describe('platform step v3-platform-layout', () => {
  const V1 = join(FIXTURES, '..', 'conventions-v1');
  const REMOVED = ['deployments/compose/workspace.yaml', 'docker-compose.yaml', 'workspace.yaml'];

  const copyOfV1 = () => {
    const root = tempDir('v3-layout-');
    cpSync(V1, root, { recursive: true });
    return root;
  };
  const write = (step: PlatformLayout) => {
    for (const c of step.tree.changes()) {
      mkdirSync(dirname(join(step.root, c.path)), { recursive: true });
      writeFileSync(join(step.root, c.path), c.after);
    }
    for (const path of step.remove) rmSync(join(step.root, path));
  };

  it("from v1: the platform files become a fresh v3 platform's, the registration files go", () => {
    const step = planPlatformLayout(V1, loadPlatformConfig(V1), 3);
    expect(Object.fromEntries(step.tree.changes().map((c) => [c.path, c.after]))).toEqual(
      readFiles(join(FIXTURES, 'v3-platform-layout', 'from-v1', 'expected')),
    );
    expect([...step.remove].sort()).toEqual(REMOVED);
    expect(step.todos).toEqual([]);
  });

  it('is idempotent: planned again on its own output, it changes nothing', () => {
    const root = copyOfV1();
    write(planPlatformLayout(root, loadPlatformConfig(root)));
    const again = planPlatformLayout(root, loadPlatformConfig(root));
    expect(again.tree.changes()).toEqual([]);
    expect(again.remove).toEqual([]);
  });

  it('keeps a registration file or CI workflow the team changed, with a TODO for each', () => {
    const root = copyOfV1();
    appendFileSync(
      join(root, 'workspace.yaml'),
      '  - python_module:\n      module_name: extra.defs\n      location_name: extra\n',
    );
    appendFileSync(
      join(root, '.github/workflows/pipelines.yaml'),
      '  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n',
    );
    const step = planPlatformLayout(root, loadPlatformConfig(root), 3);
    expect([...step.remove].sort()).toEqual(['deployments/compose/workspace.yaml', 'docker-compose.yaml']);
    expect(step.tree.changes().map((c) => c.path)).not.toContain('.github/workflows/pipelines.yaml');
    expect(step.todos).toEqual([
      expect.stringMatching(/^workspace\.yaml holds entries or comments of your own/),
      expect.stringMatching(/^\.github\/workflows\/pipelines\.yaml is not the workflow create-pipeline generated/),
    ]);
  });
});

// The platform step of v4: a v3 platform (v1 moved to 3 here) gets ruff.toml and CI's ruff job.
describe('platform step v4-ruff-config', () => {
  const V1 = join(FIXTURES, '..', 'conventions-v1');
  const atV3 = () => {
    const root = tempDir('v4-ruff-');
    cpSync(V1, root, { recursive: true });
    const step = planPlatformLayout(root, loadPlatformConfig(root), 3);
    for (const c of step.tree.changes()) {
      mkdirSync(dirname(join(root, c.path)), { recursive: true });
      writeFileSync(join(root, c.path), c.after);
    }
    // The v3 workflow: today's without its last job, the ruff one.
    const ci = join(root, '.github/workflows/pipelines.yaml');
    writeFileSync(ci, readFileSync(ci, 'utf8').replace(/\n {2}ruff:\n[\s\S]*$/, ''));
    const yaml = join(root, 'platform.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^conventions_version: \d+$/m, 'conventions_version: 3'));
    return root;
  };

  it('writes ruff.toml and gives the v3 CI workflow its ruff job, and only those', () => {
    const root = atV3();
    const step = planPlatformLayout(root, loadPlatformConfig(root));
    expect(step.ids).toEqual(['v4-ruff-config']);
    expect(
      step.tree
        .changes()
        .map((c) => c.path)
        .sort(),
    ).toEqual(['.github/workflows/pipelines.yaml', 'ruff.toml']);
    expect(step.tree.read('ruff.toml')).toMatch(/^line-length = 120$/m);
    expect(step.tree.read('.github/workflows/pipelines.yaml')).toMatch(
      /\n {2}ruff:\n[\s\S]*ruff@[\d.]+ check [\s\S]*ruff@[\d.]+ format --check /,
    );
    expect(step.todos).toEqual([]);
  });

  it("keeps a ruff.toml and a CI workflow of the team's own, with a TODO for each", () => {
    const root = atV3();
    writeFileSync(join(root, 'ruff.toml'), 'line-length = 88\n');
    appendFileSync(
      join(root, '.github/workflows/pipelines.yaml'),
      '  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n',
    );
    const step = planPlatformLayout(root, loadPlatformConfig(root));
    expect(step.tree.changes()).toEqual([]);
    expect(step.todos).toEqual([
      expect.stringMatching(/^ruff\.toml is yours already/),
      expect.stringMatching(/^\.github\/workflows\/pipelines\.yaml is not the workflow create-pipeline generated/),
    ]);
  });
});

describe('codemod legacy-dagster-0x: nothing unparsable, nothing silent', () => {
  const run = async (dir: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    const tree = new FileTree(dir);
    const todos: string[] = [];
    await legacyDagster.run(tree, {
      pipeline: 'p',
      answers: {},
      platform: null,
      todo: (m) => todos.push(m),
      engines: ENGINES,
    });
    return { tree, todos };
  };

  it('finds the syntax errors the first real-world runs wrote: a positional after a keyword, an empty import', async () => {
    expect(await parseError('@op(ins={"a": In(description="x", String)})\ndef f(a):\n    pass\n')).toMatchObject({
      line: 1,
      what: expect.stringMatching(/positional argument "String" follows a keyword/),
    });
    expect(await parseError('import os\nfrom dagster import \n')).toMatchObject({ line: 2 });
    expect(await parseError('from dagster import op\n')).toBeNull();
    // tree-sitter's recovery wraps the module's first statements in an ERROR: the line is the inner one's.
    expect(
      await parseError('import x\n\n\ndef a():\n    return 1\n\n\ndef summary(rows)\n    return len(rows)\n'),
    ).toMatchObject({ line: 8, what: 'cannot parse "def summary(rows)"' });
  });

  it('leaves a pipeline as it was when a codemod writes Python that does not parse, naming file:line', async () => {
    const dir = tempDir('unparsable-');
    writeFileSync(join(dir, 'ok.py'), 'x = 1\n');
    const broken: Codemod = {
      id: 'broken',
      version: 1,
      description: 'writes a bad call',
      run: (tree) => {
        tree.write('ok.py', 'x = 1\ny = f(a=1, 2)\n');
        return 1;
      },
    };
    const result = await upgradePipeline('p', dir, {
      pipelines: [],
      platform: null,
      to: 1,
      codemods: [broken],
      only: 'broken',
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /^broken: ok\.py:2: the code it wrote does not parse \(positional argument "2" follows a keyword argument\)/,
    );
    expect(result.tree.changes()).toEqual([]);
  });

  it('writes a rename in a file that did not parse before (the codemod did not break it), and still refuses a rename of what it broke', async () => {
    const dir = tempDir('renamed-');
    const broken = 'from dagster import solid\n\n\n@solid\ndef f(context):\n    return (1\n';
    writeFileSync(join(dir, 'broken.py'), broken);
    writeFileSync(join(dir, 'fine.py'), 'from dagster import solid\n\nx = 1\n');
    const run = (codemod: Codemod['run']) =>
      upgradePipeline('p', dir, {
        pipelines: [],
        platform: null,
        to: 1,
        codemods: [{ id: 'solid-to-op', version: 1, description: 'renames', run: codemod }],
        only: 'solid-to-op',
      });
    const renameSolid = (root: SgNode) =>
      root.findAll({ rule: { kind: 'identifier', regex: '^solid$' } }).map((n) => n.replace('op'));
    const renamed = await run(async (tree, { engines }) => engines.python.edit(tree, 'broken.py', renameSolid));
    expect(renamed.status, renamed.error ?? '').toBe('upgraded');
    expect(renamed.tree.read('broken.py')).toBe(broken.replaceAll('solid', 'op'));
    // Broken by the codemod's first edit, then renamed: the rename does not hide what the first did.
    const breaks = await run(async (tree, { engines }) => {
      await engines.python.edit(tree, 'fine.py', (root) => [
        root.find({ rule: { pattern: 'x = 1' } })!.replace('x = ('),
      ]);
      return 1 + (await engines.python.edit(tree, 'fine.py', renameSolid));
    });
    expect(breaks.status).toBe('failed');
    expect(breaks.error).toMatch(/^solid-to-op: fine\.py:3: the code it wrote does not parse/);
  });

  it("counts a codemod's edits by the files it changed when it says 0, and fails its pipeline when it returns no count", async () => {
    const dir = tempDir('counted-');
    writeFileSync(join(dir, 'a.py'), 'x = 1\n');
    const run = (returns: unknown) =>
      upgradePipeline('p', dir, {
        pipelines: [],
        platform: null,
        to: 1,
        codemods: [
          {
            id: 'quiet',
            version: 1,
            description: 'edits, and says so or not',
            run: (tree) => {
              tree.write('a.py', 'x = 2\n');
              tree.write('b.py', 'y = 2\n');
              return returns as number;
            },
          },
        ],
        only: 'quiet',
      });
    const quiet = await run(0);
    expect(quiet.status).toBe('upgraded');
    expect(quiet.codemods).toMatchObject([{ id: 'quiet', changes: 2 }]);
    for (const returns of [undefined, '1', -1, 1.5]) {
      const wrong = await run(returns);
      expect(wrong.status).toBe('failed');
      expect(wrong.error).toBe(
        `quiet: run returned ${typeof returns === 'string' ? '"1"' : String(returns)}, not a number of edits: return how many edits it made (0 when there was nothing to do)`,
      );
      expect(wrong.tree.changes()).toEqual([]);
    }
  });

  it('reports every TODO as file:line: construct: what to do, and writes each only once', async () => {
    const dir = tempDir('todos-');
    const input = readFileSync(join(FIXTURES, 'legacy-dagster-0x/todos-once/input/leftovers.py'), 'utf8');
    const { tree, todos } = await run(dir, { 'leftovers.py': input });
    const text = tree.read('leftovers.py')!;
    expect(todos.length).toBe(5);
    for (const todo of todos) {
      const [, line, construct] = /^leftovers\.py:(\d+): ([^:]+):/.exec(todo)!;
      expect(text.split('\n')[Number(line) - 1]).toContain(`# TODO(pipeline upgrade): ${construct}:`);
    }
    // A second run adds nothing and reports the same TODOs, where they are.
    writeFileSync(join(dir, 'leftovers.py'), text);
    const again = await run(dir, {});
    expect(again.tree.changes()).toEqual([]);
    expect(again.todos).toEqual(todos);
  });

  it('says which entry of a repository dict it cannot place', async () => {
    const source =
      'from dagster import pipeline, repository, solid\n\n\n@solid\ndef a(context):\n    return 1\n\n\n@pipeline\ndef p():\n    a()\n\n\n@repository\ndef repo():\n    return {"pipelines": {"p": lambda: p}, "partition_sets": {}}\n';
    const { todos } = await run(tempDir('repo-dict-'), { 'repo.py': source });
    expect(todos).toEqual([
      'repo.py:14: @repository repo: its dict\'s "partition_sets" entry has no place in Definitions (it holds jobs=, schedules= and sensors=; a partition set is a partitioned job now); build defs = Definitions(jobs=..., schedules=..., sensors=...) by hand',
    ]);
  });

  it('says a partitioned schedule names a mode its pipeline lacks, and which jobs there are', async () => {
    const source =
      'from datetime import datetime\n\nfrom dagster import ModeDefinition, daily_schedule, pipeline, solid\n\n\n@solid\ndef s(_):\n    return 1\n\n\n@pipeline(mode_defs=[ModeDefinition("test"), ModeDefinition("dev")])\ndef q():\n    s()\n\n\n@daily_schedule(pipeline_name="q", start_date=datetime(2021, 1, 1), mode="prod")\ndef q_daily(date):\n    return {}\n';
    const { todos } = await run(tempDir('mode-'), { 'q.py': source });
    expect(todos).toEqual([
      expect.stringMatching(
        /^q\.py:21: @daily_schedule: mode "prod" is not one of pipeline q's \(its jobs: q_test, q_dev\); partition the job of the mode it should run; give the job partitions_def=DailyPartitionsDefinition/,
      ),
    ]);
  });

  it('puts a TODO on a dagster name 1.13 lacks that the module still uses, and keeps its import only then', async () => {
    const source =
      'from dagster import ModeDefinition, default_system_storage_defs, pipeline, solid\n\nSTORAGE = default_system_storage_defs\n\n\n@solid\ndef a(context):\n    return 1\n';
    const { tree, todos } = await run(tempDir('lacks-'), { 'm.py': source });
    expect(todos).toEqual([
      'm.py:3: default_system_storage_defs: not in Dagster 1.13 (removed or made private); replace it with its current equivalent',
    ]);
    expect(tree.read('m.py')).toMatch(/^from dagster import default_system_storage_defs, op\n/);
  });

  it("puts a TODO on a run's mode (DagsterRun has none), and renames the rest of the line", async () => {
    const source =
      'from dagster import pipeline_failure_sensor\n\n\n@pipeline_failure_sensor\ndef report(context):\n    context.log.info(f"{context.pipeline_run.pipeline_name} in {context.pipeline_run.mode}")\n';
    const { tree, todos } = await run(tempDir('run-mode-'), { 's.py': source });
    expect(todos).toEqual([
      "s.py:6: dagster_run.mode: a run has no mode since 1.0 (modes are gone: one job per mode); name the run's job instead (.job_name)",
    ]);
    expect(tree.read('s.py')).toContain('{context.dagster_run.job_name} in {context.dagster_run.mode}');
  });

  it('leaves "solids" read from what a file gave at run time, with a TODO: the file keeps its key', async () => {
    const source =
      'import yaml\nfrom dagster import RunRequest, sensor\n\n\n@sensor(job_name="p")\ndef s(_context):\n    config = yaml.safe_load(open("run.yaml"))\n    config["solids"]["a"]["config"]["x"] = 2\n    direct = yaml.safe_load(open("run.yaml"))["solids"]\n    built = {"solids": {"a": {}}}\n    built["solids"]["a"] = direct\n    yield RunRequest(run_key="k", run_config=config)\n';
    const { tree, todos } = await run(tempDir('loaded-'), { 's.py': source });
    const text = tree.read('s.py')!;
    expect(todos).toEqual([
      expect.stringMatching(
        /^s\.py:8: yaml\.safe_load\(\.\.\.\)\["solids"\]: run config read from a file at run time keeps its solids: key/,
      ),
      expect.stringMatching(/^s\.py:\d+: yaml\.safe_load\(\.\.\.\)\["solids"\]: /),
    ]);
    expect(text).toContain('config["solids"]["a"]["config"]["x"] = 2');
    expect(text).toContain('yaml.safe_load(open("run.yaml"))["solids"]');
    // A dict the code builds is renamed where it is written and where it is read.
    expect(text).toContain('built = {"ops": {"a": {}}}\n    built["ops"]["a"] = direct');
  });

  it("keeps a composite's input descriptions (GraphIn), and says where a type is left to its ops", async () => {
    const source =
      'from dagster import InputDefinition, composite_solid, solid\n\n\n@solid\ndef add_one(_, x):\n    return x + 1\n\n\n@composite_solid(input_defs=[InputDefinition("x", int, description="the x to add to")])\ndef wrapped(x):\n    return add_one(x)\n';
    const { tree, todos } = await run(tempDir('graph-in-'), { 'c.py': source });
    expect(tree.read('c.py')).toContain('@graph(ins={"x": GraphIn(description="the x to add to")})\ndef wrapped(x):');
    expect(todos).toEqual([
      expect.stringMatching(
        /^c\.py:\d+: @composite_solid\(input_defs=\.\.\.\): a graph input has no type of its own \(x: int\): the ops it feeds check theirs/,
      ),
    ]);
  });

  it('puts a TODO on run-config storage and executor keys it cannot translate exactly', async () => {
    const source = [
      'from dagster import ModeDefinition, PresetDefinition, multiprocess_executor, pipeline, solid',
      '',
      '',
      '@solid',
      'def a(context):',
      '    return 1',
      '',
      '',
      '@pipeline(',
      '    mode_defs=[ModeDefinition(executor_defs=[multiprocess_executor])],',
      '    preset_defs=[',
      '        PresetDefinition(',
      '            "memory",',
      '            run_config={',
      '                "intermediate_storage": {"in_memory": {}},',
      '                "execution": {"multiprocess": {"config": {"max_concurrent": 2}}},',
      '            },',
      '        )',
      '    ],',
      ')',
      'def p():',
      '    a()',
      '',
    ].join('\n');
    const { tree, todos } = await run(tempDir('run-config-'), { 'p.py': source });
    expect(todos).toEqual([
      expect.stringMatching(
        /^p\.py:\d+: "intermediate_storage": \{"in_memory": \.\.\.\}: outputs are stored by an IO manager since 1\.0/,
      ),
      expect.stringMatching(
        /^p\.py:\d+: "execution": \{"multiprocess": \.\.\.\}: Dagster 1\.x takes an executor's config under "config"/,
      ),
    ]);
    // Left as written: the job has executor_def=multiprocess_executor, whose config has another shape.
    expect(tree.read('p.py')).toContain('"execution": {"multiprocess": {"config": {"max_concurrent": 2}}}');
  });

  it('puts a TODO in a preset file on a storage or executor key it cannot translate, reported, and written once', async () => {
    const dir = tempDir('preset-file-');
    const source =
      'from dagster import PresetDefinition, file_relative_path, pipeline, solid\n\n\n@solid\ndef a(context):\n    return 1\n\n\n@pipeline(preset_defs=[PresetDefinition.from_files("files", config_files=[file_relative_path(__file__, "run.yaml")])])\ndef p():\n    a()\n';
    const yaml =
      'intermediate_storage:\n  in_memory: {}\nexecution:\n  multiprocess:\n    config:\n      max_concurrent: 2\nsolids:\n  a: {}\n';
    const { tree, todos } = await run(dir, { 'p.py': source, 'run.yaml': yaml });
    const text = tree.read('run.yaml')!;
    expect(text).toBe(
      "# TODO(pipeline upgrade): intermediate_storage: in_memory: outputs are stored by an IO manager since 1.0, and Dagster refuses this key: bind one as the job's io_manager resource, then remove it\nintermediate_storage:\n  in_memory: {}\n# TODO(pipeline upgrade): execution: multiprocess: Dagster 1.x takes an executor's config under config: (the default executor: config: {multiprocess: ...}); reshape it for the job's executor\nexecution:\n  multiprocess:\n    config:\n      max_concurrent: 2\nops:\n  a: {}\n",
    );
    expect(todos).toEqual([
      expect.stringMatching(/^run\.yaml:1: intermediate_storage: in_memory: /),
      expect.stringMatching(/^run\.yaml:4: execution: multiprocess: /),
    ]);
    // A second run adds nothing and reports the same TODOs.
    writeFileSync(join(dir, 'p.py'), tree.read('p.py')!);
    writeFileSync(join(dir, 'run.yaml'), text);
    const again = await run(dir, {});
    expect(again.tree.changes()).toEqual([]);
    expect(again.todos).toEqual(todos);
  });

  it('puts a TODO on a DagsterType materializer, which 1.0 removed', async () => {
    const source =
      'from dagster import DagsterType, solid\n\nfrom mytypes import csv_materializer\n\nRows = DagsterType(name="Rows", type_check_fn=lambda _, v: True, materializer=csv_materializer)\n\n\n@solid\ndef a(context):\n    return 1\n';
    const { todos } = await run(tempDir('materializer-'), { 't.py': source });
    expect(todos).toEqual([
      't.py:5: materializer=: materializers were removed in 1.0: an IO manager writes outputs (io_manager_key= on the Out)',
    ]);
  });

  it("keeps execute_job of a preset's job in one process only by a TODO: a run config given replaces the preset's", async () => {
    const source =
      'from dagster import PresetDefinition, execute_pipeline, pipeline, reconstructable, solid\n\n\n@solid\ndef a(context):\n    return 1\n\n\n@pipeline(preset_defs=[PresetDefinition("small", run_config={})])\ndef p():\n    a()\n\n\ndef run(config):\n    execute_pipeline(reconstructable(p), preset="small")\n    execute_pipeline(reconstructable(p), run_config=config)\n';
    const { todos } = await run(tempDir('execute-job-'), { 'e.py': source });
    // And reconstructable() refuses a job of to_job (the preset's, and the default mode's): a TODO each.
    const refused = (job: string) =>
      `: reconstructable(${job}): ${job} is made by to_job, which reconstructable() refuses: define def ${job}_def(): return p.to_job(...) at module scope (the same arguments), and pass reconstructable(${job}_def)`;
    expect(todos).toEqual([
      expect.stringMatching(new RegExp(`^e\\.py:\\d+${refused('p_small').replace(/[()[\].]/g, '\\$&')}$`)),
      expect.stringMatching(
        /^e\.py:\d+: execute_pipeline\(reconstructable\(\.\.\.\)\): 0\.x ran it in process unless its run config chose multiprocess; .* \(the preset's, given whole: a run config replaces the job's\)/,
      ),
      expect.stringMatching(new RegExp(`^e\\.py:\\d+${refused('p_default').replace(/[()[\].]/g, '\\$&')}$`)),
      expect.stringMatching(
        /^e\.py:\d+: execute_pipeline\(reconstructable\(\.\.\.\)\): .*, or pass a persistent instance$/,
      ),
    ]);
  });

  it("names IOManager in the TODO on 0.10's object managers", async () => {
    const source =
      'from dagster import ObjectManager, object_manager\n\n\nclass Keep(ObjectManager):\n    def load_input(self, context):\n        return 1\n\n\n@object_manager\ndef keep(_):\n    return Keep()\n';
    const { todos } = await run(tempDir('object-manager-'), { 'om.py': source });
    expect(todos).toEqual([
      'om.py:4: ObjectManager: removed in Dagster 1.0; use IOManager (the same handle_output and load_input)',
      'om.py:11: object_manager: removed in Dagster 1.0; use @io_manager',
    ]);
  });

  it("says where a composite's output type or an op output's asset key is left, and drops the import only the type used", async () => {
    const source =
      'from dagster import AssetKey, Int, Out, OutputDefinition, composite_solid, op, solid\n\n\n@solid\ndef one(_):\n    return 1\n\n\n@composite_solid(output_defs=[OutputDefinition(Int, "total")])\ndef wrapped():\n    return one()\n\n\n@op(out=Out(asset_key=AssetKey("table_a")))\ndef make_table():\n    return 1\n';
    const { tree, todos } = await run(tempDir('late-todos-'), { 'l.py': source });
    expect(todos).toEqual([
      expect.stringMatching(
        /^l\.py:\d+: @composite_solid\(output_defs=\.\.\.\): a graph output has no type of its own \(total: Int\)/,
      ),
      expect.stringMatching(/^l\.py:\d+: Out\(asset_key=\.\.\.\): an op's output has no asset key in 1\.x/),
    ]);
    expect(tree.read('l.py')).toMatch(/^from dagster import AssetKey, GraphOut, Out, graph, op\n/);
  });

  it('writes a run config without its filesystem storage again unless a comment in it would be lost (then a TODO)', async () => {
    const source = [
      'from dagster import RunRequest, sensor',
      '',
      '',
      'SETTINGS = {"execution": {"timeout": 30}}',
      '',
      '',
      '@sensor(job_name="p")',
      'def s(_context):',
      '    yield RunRequest(run_key="a", run_config={"storage": {"filesystem": {}}, "tags": {"color": "#fff"}})',
      '    yield RunRequest(',
      '        run_key="b",',
      '        run_config={',
      '            "storage": {"filesystem": {}},  # where outputs went',
      '            "ops": {},',
      '        },',
      '    )',
      '',
    ].join('\n');
    const { tree, todos } = await run(tempDir('run-config-comment-'), { 's.py': source });
    const text = tree.read('s.py')!;
    // A setting named execution in other config is no executor: left alone.
    expect(text).toContain('SETTINGS = {"execution": {"timeout": 30}}');
    // A "#" in a string is no comment: that dict is written again.
    expect(text).toContain('run_config={"tags": {"color": "#fff"}}');
    expect(text).toContain('"storage": {"filesystem": {}},  # where outputs went');
    expect(todos).toEqual([
      expect.stringMatching(
        /^s\.py:\d+: run config: Dagster 1\.x refuses its "storage" or "execution" keys as 0\.x wrote them/,
      ),
    ]);
  });

  it('says what is left where it cannot tell: an executor set in another module, __all__, a result not named so, a TYPE_CHECKING import', async () => {
    const dir = tempDir('edges-todos-');
    const jobs =
      'from dagster import ModeDefinition, multiprocess_executor, pipeline, solid\n\n\n@solid\ndef a(_):\n    return 1\n\n\n@pipeline(mode_defs=[ModeDefinition(executor_defs=[multiprocess_executor])])\ndef mp():\n    a()\n';
    const sensors =
      'from dagster import RunRequest, sensor\n\n\n@sensor(pipeline_name="mp")\ndef s(_context):\n    yield RunRequest(run_key=None, run_config={"execution": {"multiprocess": {"config": {"max_concurrent": 2}}}})\n';
    const other =
      'from typing import TYPE_CHECKING\n\nfrom dagster import OutputDefinition, execute_pipeline, pipeline, solid\n\nif TYPE_CHECKING:\n    from dagster import PipelineRun\n\n\n@solid(output_defs=[OutputDefinition(int)])\ndef one(_):\n    return 1\n\n\n@pipeline\ndef q():\n    one()\n\n\ndef events():\n    res = execute_pipeline(q)\n    return res.event_list\n\n\n__all__ = ["one", "OutputDefinition"]\n';
    const { tree, todos } = await run(dir, { 'jobs.py': jobs, 'sensors.py': sensors, 'other.py': other });
    expect(todos).toEqual([
      expect.stringMatching(/^other\.py:\d+: from dagster import: Dagster 1\.13 has no PipelineRun \(now DagsterRun\)/),
      expect.stringMatching(/^other\.py:\d+: \.event_list: a run's result has \.all_events$/),
      expect.stringMatching(
        /^other\.py:\d+: __all__: lists OutputDefinition, which Dagster 1\.13 does not have; remove it$/,
      ),
      // The job of another module has executor_def=multiprocess_executor: its config has another shape.
      expect.stringMatching(
        /^sensors\.py:\d+: "execution": \{"multiprocess": \.\.\.\}: Dagster 1\.x takes an executor's config under "config"/,
      ),
    ]);
    // Run again once jobs.py is a job (no mode left to name the executor): nothing changes.
    for (const path of ['jobs.py', 'sensors.py', 'other.py']) writeFileSync(join(dir, path), tree.read(path)!);
    const again = await run(dir, {});
    expect(again.tree.changes()).toEqual([]);
  });

  it('reports an instance it cannot read, __all__ grown later, and each 0.x attribute of one statement', async () => {
    const source =
      'from dagster import DagsterInstance, SolidExecutionContext, execute_pipeline, pipeline, reconstructable, solid\n\n\n@solid\ndef a(_):\n    return 1\n\n\n@pipeline\ndef p():\n    a()\n\n\ndef run():\n    with DagsterInstance.ephemeral() as inst:\n        execute_pipeline(reconstructable(p), {}, instance=inst)\n\n\ndef successes(run):\n    return [x for x in run.event_list if x.is_pipeline_success]\n\n\n__all__ = ["a"]\n__all__ += ["SolidExecutionContext"]\n';
    const { todos } = await run(tempDir('attack2-'), { 'm.py': source });
    expect(todos).toEqual([
      expect.stringMatching(/^m\.py:\d+: execute_pipeline\(reconstructable\(\.\.\.\)\): .* \(is inst one\?\)/),
      expect.stringMatching(/^m\.py:\d+: \.event_list: /),
      expect.stringMatching(/^m\.py:\d+: \.is_pipeline_success: an event has \.is_job_success$/),
      expect.stringMatching(
        /^m\.py:\d+: __all__: lists SolidExecutionContext, which Dagster 1\.0 renamed OpExecutionContext/,
      ),
    ]);
  });

  it("judges a preset file's keys as a Python run config: an empty storage gets a TODO, an execution setting none", async () => {
    const dir = tempDir('preset-file-same-');
    const source =
      'from dagster import PresetDefinition, file_relative_path, pipeline, solid\n\n\n@solid\ndef a(context):\n    return 1\n\n\n@pipeline(preset_defs=[PresetDefinition.from_files("files", config_files=[file_relative_path(__file__, "run.yaml")])])\ndef p():\n    a()\n';
    const { tree, todos } = await run(dir, {
      'p.py': source,
      'run.yaml': 'storage: {}\nexecution:\n  timeout: 30\nsolids:\n  a: {}\n',
    });
    expect(todos).toEqual([
      expect.stringMatching(/^run\.yaml:1: storage: \.\.\.: outputs are stored by an IO manager since 1\.0/),
    ]);
    expect(tree.read('run.yaml')).toContain('storage: {}\nexecution:\n  timeout: 30\nops:\n');
  });

  it('names @graph, not @op, in what a @composite_solid it cannot read becomes', async () => {
    const source =
      'from dagster import OutputDefinition, composite_solid, solid\n\n\n@solid\ndef a(context):\n    return 1\n\n\nOUTS = [OutputDefinition(int)]\n\n\n@composite_solid(output_defs=OUTS)\ndef c():\n    return a()\n';
    const { todos } = await run(tempDir('composite-'), { 'c.py': source });
    expect(todos).toContain(
      'c.py:14: @composite_solid(output_defs=...): could not be read; write out=GraphOut() or out={"name": GraphOut()} by hand, then use @graph',
    );
  });

  // tree-sitter's grammar still parses some Python 2 (it keeps them for old code): a module holding
  // one is not Python 3 either, and a codemod would otherwise rewrite it and call it migrated.
  it.each([
    ['a print statement', 'print "bad", e', 'a print statement'],
    ['except E, name', 'try:\n    x = 1\nexcept Exception, e:\n    pass', '`except E, name:`'],
    ['an exec statement', 'exec "x = 1"', 'an exec statement'],
    ['backquotes', 'y = `x`', 'a backquoted expression'],
    ['an octal literal', 'MODE = 0755', 'an octal or long integer literal'],
    ['a long literal', 'BIG = 10L', 'an octal or long integer literal'],
    ['raise E, value', 'raise ValueError, "x"', '`raise E, value`'],
    ['a tuple parameter', 'def g(a, (b, c)):\n    pass', 'a tuple parameter'],
  ])('leaves a Python 2 module (%s) as it was, and reports it', async (_what, code, what) => {
    const dir = tempDir('py2-');
    const source = `from dagster import solid\n\n\n@solid\ndef f(context):\n    return 1\n\n\n${code}\n`;
    const { tree, todos } = await run(dir, { 'old.py': source });
    expect(tree.changes()).toEqual([]);
    // Reported at the construct's line: the code starts at line 9.
    const line = 9 + code.split('\n').findIndex((l) => !/^(try:| {4}x = 1)$/.test(l));
    expect(todos).toEqual([
      `old.py:${line}: module: it does not parse as Python 3 (Python 2 syntax: ${what}); migrate it by hand`,
    ]);
  });

  it('migrates Python 3 that only looks like Python 2 to a text test (print(), 0o755, 0, 00, 10, a comma in except (A, B))', async () => {
    const dir = tempDir('py3-');
    const source =
      'from dagster import solid\n\nMODE = 0o755\nZERO = 00 + 0 + 10\n\n\n@solid\ndef f(context):\n    try:\n        print("x", 1)\n    except (ValueError, KeyError) as e:\n        raise ValueError("x", e) from e\n';
    const { tree, todos } = await run(dir, { 'new.py': source });
    expect(todos).toEqual([]);
    expect(tree.read('new.py')).toContain('@op');
  });

  it("names the descriptions of metadata_entries' entries it drops, in a TODO", async () => {
    const dir = tempDir('metadata-');
    const source = [
      'from dagster import AssetMaterialization, EventMetadataEntry, solid',
      '',
      '',
      '@solid',
      'def f(context, region):',
      '    yield AssetMaterialization(',
      '        asset_key="rows",',
      '        metadata_entries=[EventMetadataEntry.text(region, "region", description="where")],',
      '    )',
      '',
    ].join('\n');
    const { tree, todos } = await run(dir, { 'reports.py': source });
    expect(tree.read('reports.py')).toContain('metadata={"region": MetadataValue.text(region)}');
    expect(todos).toEqual([
      'reports.py:6: EventMetadataEntry descriptions: MetadataValue has no description; these were dropped: "where"',
    ]);
    expect(tree.read('reports.py')!.split('\n')[5]).toMatch(
      /^ {4}# TODO\(pipeline upgrade\): EventMetadataEntry descriptions:/,
    );
  });

  it('imports an aliased public name of dagster.utils from dagster under its alias; a private one stays, with a TODO naming its module', async () => {
    const dir = tempDir('aliased-');
    const source = [
      'from dagster import solid',
      'from dagster.utils import file_relative_path as frp',
      'from dagster.utils.backcompat import experimental as exp',
      '',
      '',
      '@solid',
      'def f(context):',
      '    return frp(__file__, "x.csv"), exp',
      '',
    ].join('\n');
    const { tree, todos } = await run(dir, { 'paths.py': source });
    const text = tree.read('paths.py')!;
    expect(text).toContain('from dagster import file_relative_path as frp\n');
    expect(text).not.toContain('dagster.utils import file_relative_path');
    expect(todos).toEqual([
      expect.stringMatching(
        /^paths\.py:\d+: from dagster\.utils\.backcompat import: dagster\.utils is private since 1\.0;/,
      ),
    ]);
  });

  it('leaves a module that does not parse as it was, and reports it', async () => {
    const dir = tempDir('py2-');
    const { tree, todos } = await run(dir, {
      'old.py': 'from dagster import solid\n\n@solid\ndef f(context):\n    return (1,\n',
    });
    expect(tree.changes()).toEqual([]);
    expect(todos).toEqual([expect.stringMatching(/^old\.py:\d+: module: it does not parse as Python 3 \(/)]);
  });

  it('leaves a module in another encoding as it was, and says so (it said it did not parse)', async () => {
    const dir = tempDir('latin-');
    const bytes = Buffer.from(
      '# -*- coding: latin-1 -*-\nfrom dagster import solid\n\n\n@solid\ndef f(context):\n    return "caf\xe9"\n',
      'latin1',
    );
    writeFileSync(join(dir, 'latin.py'), bytes);
    const { tree, todos } = await run(dir, {});
    expect(tree.changes()).toEqual([]);
    expect(todos).toEqual([
      'latin.py:1: module: it is not UTF-8 (its coding line says latin-1), which the codemod reads; save it as UTF-8 (and drop the coding line), then run again, or migrate it by hand',
    ]);
  });
});

describe('codemod v5-added-modules on modules a team edited', () => {
  it('leaves them as they are and says, in a TODO comment and a report line per module, what to change by hand', async () => {
    const todos: string[] = [];
    const [edited] = codemodCases(join(FIXTURES, 'v5-added-modules')).filter((c) => c.name === 'edited by a team');
    await edited!.check(addedModules, { todo: (message) => todos.push(message) });
    expect(
      todos.filter((t) => t.includes('src/sch/deployments.py is not as conventions v4 generated it')),
    ).toHaveLength(1);
    expect(
      todos.filter((t) => t.includes('src/sch/definitions.py is not as conventions v4 generated it')),
    ).toHaveLength(1);
    expect(
      todos.filter((t) => t.includes('tests/test_schedules_and_sensors.py is not as conventions v4 generated it')),
    ).toHaveLength(1);
  });
});

describe('a Python edit of a file with Windows line ends', () => {
  it('adds its lines with \\r\\n too (after a byte order mark too), and leaves a file of \\n alone', async () => {
    const { editPython, replaceExact } = await import('../../src/upgrade/engines/python.ts');
    const dir = tempDir('crlf-');
    const edited = async (text: string) => {
      writeFileSync(join(dir, 'jobs.py'), text);
      const tree = new FileTree(dir);
      await editPython(tree, 'jobs.py', (root) =>
        replaceExact(
          root,
          'import_from_statement',
          'from .modes import MODES',
          'from .modes import MODES\nfrom .presets import PRESETS',
        ),
      );
      return tree.read('jobs.py')!;
    };
    expect(await edited('import dagster as dg\r\n\r\nfrom .modes import MODES\r\n')).toBe(
      'import dagster as dg\r\n\r\nfrom .modes import MODES\r\nfrom .presets import PRESETS\r\n',
    );
    expect(await edited('import dagster as dg\n\nfrom .modes import MODES\n')).toBe(
      'import dagster as dg\n\nfrom .modes import MODES\nfrom .presets import PRESETS\n',
    );
    // With a byte order mark too: it stays, and the edit lands where it should.
    expect(await edited('\uFEFFimport dagster as dg\r\n\r\nfrom .modes import MODES')).toBe(
      '\uFEFFimport dagster as dg\r\n\r\nfrom .modes import MODES\r\nfrom .presets import PRESETS',
    );
  });
});
