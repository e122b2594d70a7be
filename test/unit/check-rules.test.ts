// The pieces of pipeline check that need no platform repo: the Python facts and their lines, the
// pyproject reader, the cached platform-owned rendering (byte-equal to the generator's), the
// formats' escaping and platform.yaml's `check:` section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { graphOpsOf, missingRequired } from '../../generators/add/graph-ops.ts';
import { pipelineFiles } from '../../generators/pipeline/files.ts';
import { KINDS } from '../../generators/pipeline/kinds.ts';
import { firstDifference, renderPlatformOwned } from '../../generators/pipeline/owned.ts';
import { buildPipelineSpec } from '../../generators/pipeline/spec.ts';
import { platformFiles } from '../../generators/platform/files.ts';
import { renderGithub } from '../../src/check/format.ts';
import { yamlLine } from '../../src/check/model.ts';
import { pipelineFacts, pythonFacts } from '../../src/check/python.ts';
import { definesAtTop } from '../../src/check/rules/added-module-name.ts';
import { RULES } from '../../src/check/rules/index.ts';
import { suggestedVariable } from '../../src/check/rules/literal-secret.ts';
import { distributionOf } from '../../src/check/rules/missing-dependency.ts';
import { shown } from '../../src/check/rules/platform-owned-edited.ts';
import type { CheckReport } from '../../src/check/run.ts';
import { ruleSettings } from '../../src/check/run.ts';
import { checkPlatformConfig } from '../../src/conventions/platform-config.ts';
import { SPEC_FIELDS } from '../../src/conventions/spec-fields.ts';
import { parsePython } from '../../src/upgrade/engines/python.ts';
import { COMPUTED, literalOf, PyFloat } from '../../src/upgrade/engines/python-literals.ts';
import { pyprojectDependencies } from '../../src/upgrade/pyproject.ts';
import { acmePlatform } from '../helpers/platform.ts';

const platform = acmePlatform({ timezone: 'Europe/Paris' });

describe('python facts', () => {
  const source = [
    'import dagster as dg',
    'from . import conventions',
    '',
    '',
    'def make():',
    '    import boto3.session',
    '    return dg.ScheduleDefinition(',
    '        name="x",',
    '        cron_schedule="0 1 * * *",',
    '        execution_timezone="",',
    '    )',
    '',
    '',
    '@dg.job',
    'def bare():',
    '    pass',
    '',
    'OWNER = ""',
    'SPEC = ScheduleSpec(name=f"n{1}", deployments=("a", "b", ), tags={"owner": "x"})',
    'MORE = ScheduleSpec(name="m", tags={**TAGS, "team": "y"}, **DAILY)',
  ].join('\n');

  it('keeps exact lines for calls, keywords, imports, decorators and assignments', async () => {
    const facts = await pythonFacts(source);
    expect(facts.imports).toEqual([
      { module: 'dagster', names: ['dagster'], line: 1 },
      { module: '', names: [], line: 2 },
      { module: 'boto3', names: ['boto3.session'], line: 6 },
    ]);
    const schedule = facts.calls.find((c) => c.name === 'ScheduleDefinition')!;
    expect(schedule.line).toBe(7);
    expect(schedule.kwargs.get('execution_timezone')).toMatchObject({ line: 10, str: '' });
    expect(facts.bareDecorators).toEqual([{ callee: 'dg.job', name: 'job', line: 14, decorates: 'bare' }]);
    expect(facts.assignments.get('OWNER')).toMatchObject({ line: 18, str: '' });
    const spec = facts.calls.find((c) => c.name === 'ScheduleSpec')!;
    expect(spec.kwargs.get('name')!.str).toBeUndefined(); // an f-string is not a literal value
    expect(spec.kwargs.get('deployments')!.strings).toEqual(['a', 'b']);
    expect(spec.kwargs.get('tags')!.dictKeys).toEqual(['owner']);
    expect(spec.more).toBeUndefined();
    // Unpacked: the keys and the keywords are not all written here.
    const more = facts.calls.find((c) => c.kwargs.get('name')?.str === 'm')!;
    expect(more.kwargs.get('tags')!.dictKeys).toBeUndefined();
    expect(more.more).toBe(true);
  });
});

describe('facts shared by files of the same shape', () => {
  it('gives the same facts as parsing each file, with the pipeline name put back', async () => {
    const file = (name: string) =>
      `from .deployments import ScheduleSpec\n\nS = [\n    ScheduleSpec(name="${name}_daily", graph="${name}", preset="prod_full", timezone="UTC", deployments=("prod", )),\n]\n`;
    const strip = (facts: Awaited<ReturnType<typeof pythonFacts>>) =>
      JSON.stringify(facts.calls.map((c) => [c.callee, c.line, [...c.kwargs]]));
    for (const name of ['orders', 'churn_v2', 'sales'])
      expect(strip(await pipelineFacts(file(name), name))).toBe(strip(await pythonFacts(file(name))));
    // a name that occurs inside a keyword is parsed as it is
    expect(strip(await pipelineFacts(file('ass'), 'ass'))).toBe(strip(await pythonFacts(file('ass'))));
  });
});

describe('pyproject and YAML lines', () => {
  it('reads runtime and group dependencies with their lines', () => {
    const text =
      '[project]\nname = "x"\ndependencies = [\n    "dagster==1.13.27",  # pinned\n    "Boto3>=1.28",\n]\n\n[dependency-groups]\ndev = ["dagster-webserver==1.13.27", "pytest>=8"]\n';
    const deps = pyprojectDependencies(text);
    expect(deps.runtime.map((d) => [d.name, d.line])).toEqual([
      ['dagster', 4],
      ['boto3', 5],
    ]);
    expect(deps.all.map((d) => [d.name, d.line])).toEqual([
      ['dagster', 4],
      ['boto3', 5],
      ['dagster-webserver', 9],
      ['pytest', 9],
    ]);
  });

  it('takes a keyword that says where or which secret for what it is, not for a secret', async () => {
    const source =
      'import dagster as dg\n\nW = WarehouseResource(password="hunter2", token_url="https://auth/token", secret_name="prod/wh", password_file="/run/pw")\nC = dict(api_key="abc", token_endpoint="https://x")\n';
    const facts = await pythonFacts(source);
    expect(facts.secretLiterals.map((s) => `${s.callee}(${s.name})`)).toEqual([
      'WarehouseResource(password)',
      'dict(api_key)',
    ]);
  });

  it("shows a long line's two versions where they differ, not cut the same at the start", () => {
    const before = 'PIPELINE_DEPLOYMENTS: tuple[str, ...] = ("local", "compose", "dev", "prod", "sandbox")';
    const after = 'PIPELINE_DEPLOYMENTS: tuple[str, ...] = ("local", "compose", "dev", "prod", "uat", "sandbox")';
    const [a, e] = shown({ actual: before, expected: after });
    expect(a).not.toBe(e);
    expect(a).toContain('"prod", "sandbox")');
    expect(e).toContain('"prod", "uat", "sandbox")');
    for (const text of [a, e]) expect(text.length).toBeLessThanOrEqual(72);
    expect(shown({ actual: 'x = 1', expected: undefined })).toEqual(['`x = 1`', 'the end of the file']);
  });

  it('suggests a variable named after the class and the keyword', () => {
    expect(suggestedVariable('WarehouseResource', 'password')).toBe('WAREHOUSE_PASSWORD');
    expect(suggestedVariable('resources.SlackClient', 'token')).toBe('SLACK_TOKEN');
    expect(suggestedVariable('LakeFSStore', 'secret_access_key')).toBe('LAKE_FS_SECRET_ACCESS_KEY');
    // The call's other keywords read LAKEFS_*: so does the secret (the generated modes.py's names).
    expect(
      suggestedVariable('LakeFSStore', 'secret_access_key', {
        endpoint: 'LAKEFS_ENDPOINT',
        access_key_id: 'LAKEFS_ACCESS_KEY_ID',
      }),
    ).toBe('LAKEFS_SECRET_ACCESS_KEY');
    // Of two prefixes, neither.
    expect(
      suggestedVariable('LakeFSStore', 'secret_access_key', { endpoint: 'LAKEFS_ENDPOINT', region: 'AWS_REGION' }),
    ).toBe('LAKE_FS_SECRET_ACCESS_KEY');
    expect(suggestedVariable('make_client', 'api_key')).toBe('API_KEY');
    expect(suggestedVariable('WarehouseResource', 'warehouse_password')).toBe('WAREHOUSE_PASSWORD');
  });

  it("names a module's distribution: the venv's map, else a well-known one, else the module's name", () => {
    expect(distributionOf('snowflake')).toBe('snowflake-connector-python');
    expect(distributionOf('sklearn')).toBe('scikit-learn');
    expect(distributionOf('boto3')).toBe('boto3');
    expect(distributionOf('our_own_lib')).toBe('our-own-lib');
  });

  it('finds the line of a YAML key, or of its nearest parent', () => {
    const text = 'name: acme\nsandbox:\n  backend: s3\n  repository: data\n';
    expect(yamlLine(text, ['sandbox', 'backend'])).toBe(3);
    expect(yamlLine(text, ['sandbox', 'nope'])).toBe(2);
    expect(yamlLine(text, ['missing'])).toBe(1);
  });
});

describe('platform-owned rendering', () => {
  it.each(Object.keys(KINDS))('renders %s byte for byte as the generator does', (kind) => {
    const spec = buildPipelineSpec(
      {
        name: 'orders',
        template: kind as never,
        description: 'D.',
        owner: 'analytics',
        schedule: '0 6 * * *',
        timezone: 'UTC',
        deployments: ['local', 'dev', 'prod'],
        slaHours: 26,
      },
      platform,
    );
    const generated = new Map(pipelineFiles(spec, platform).map((f) => [f.path, f.content]));
    const owned = renderPlatformOwned(spec, platform);
    expect([...owned.keys()]).toContain('src/orders/conventions.py');
    expect([...owned.keys()]).toContain('tests/test_deployments.py');
    for (const [path, content] of owned) expect(content, path).toBe(generated.get(path));
  });

  it('ignores the CLI release in the header, not the code', () => {
    const header = (v: string) =>
      `# Platform-owned module: generated by create-pipeline ${v} (conventions v3).\nA = 1\n`;
    expect(firstDifference(header('0.1.0'), header('0.2.0'))).toBeUndefined();
    expect(firstDifference(`${header('0.1.0')}B = 2\n`, header('0.1.0'))).toEqual({
      line: 3,
      actual: 'B = 2',
      expected: '',
    });
  });
});

describe('formats', () => {
  it('escapes GitHub workflow commands', () => {
    const report: CheckReport = {
      ok: false,
      root: '/r',
      pipelines: ['a'],
      rules: [],
      summary: { errors: 1, warnings: 0 },
      findings: [
        { rule: 'job-owner', severity: 'error', file: 'p/a,b:c.py', line: 3, message: '100% wrong\nreally', fix: 'x' },
      ],
    };
    expect(renderGithub(report).split('\n')[0]).toBe(
      '::error file=p/a%2Cb%3Ac.py,line=3,title=job-owner::100%25 wrong%0Areally. Fix: x',
    );
  });
});

describe("platform.yaml's check section", () => {
  const raw = () => parse(platformFiles(platform).find((f) => f.path === 'platform.yaml')!.content);
  it('is optional: a file without it is valid, and a generated one has it only as a comment', () => {
    expect(checkPlatformConfig(raw()).check).toBeUndefined();
  });
  it('takes off, warning or error per rule id', () => {
    expect(
      checkPlatformConfig({ ...raw(), check: { rules: { 'job-owner': 'off', 'schedule-timezone': 'error' } } }).check,
    ).toEqual({ rules: { 'job-owner': 'off', 'schedule-timezone': 'error' } });
    expect(() => checkPlatformConfig({ ...raw(), check: { rules: { 'job-owner': false } } })).toThrow(
      'platform.yaml: check.rules.job-owner: false is not a setting (expected one of: off, warning, error)',
    );
    expect(() => checkPlatformConfig({ ...raw(), check: { level: 1 } })).toThrow(/check.level: is not a known key/);
  });
  it('names an unknown rule id', () => {
    expect(() => ruleSettings({ 'no-such-rule': 'off' })).toThrow(
      /check.rules.no-such-rule: is not a rule of pipeline check/,
    );
    expect(ruleSettings({ 'job-owner': 'warning' }).size).toBe(RULES.length);
  });
});

describe('added-module-name: whether a module binds a name at its top level', () => {
  const binds = [
    'GRAPH = build()',
    'GRAPH: dg.GraphDefinition = build()',
    'def GRAPH():\n    pass',
    '@dg.graph\ndef GRAPH():\n    pass',
    'class GRAPH:\n    pass',
    'from .shared import GRAPH',
    'from .shared import nightly as GRAPH',
    'import shared.graphs as GRAPH',
    // As Dagster loads them: one target of several, and an assignment in a try.
    'GRAPH, NAME = build(), "cleanup"',
    'try:\n    GRAPH = build()\nexcept ImportError:\n    GRAPH = None',
  ];
  const doesNot = [
    '# GRAPH is made in build()\ndef build():\n    pass',
    'def build():\n    GRAPH = 1\n    return GRAPH',
    'class Holder:\n    GRAPH = 1',
    'x = GRAPH',
    'GRAPHS = [build()]',
    'print(GRAPH)',
    '',
  ];
  it.each(binds)('binds: %j', async (source) => {
    expect(await definesAtTop(`import dagster as dg\n\n${source}\n`, 'GRAPH')).toBe(true);
  });
  it.each(doesNot)('does not bind: %j', async (source) => {
    expect(await definesAtTop(`import dagster as dg\n\n${source}\n`, 'GRAPH')).toBe(false);
  });
});

describe('preset-run-config: which config fields have a default', () => {
  it('a value, Field(default=...) or Field(x) gives one; Field(description=...) and Field(...) do not', async () => {
    const source = [
      'import dagster as dg',
      'from pydantic import Field',
      '',
      'class SourceConfig(dg.Config):',
      '    table: str = "raw/orders.csv"',
      '    limit: int',
      '    region: str = Field(description="where")',
      '    zone: str = Field(..., description="which")',
      '    kind: str = Field(default="full")',
      '    mode: str = Field("fast")',
      '',
      '@dg.op',
      'def load(config: SourceConfig) -> None: ...',
      '',
      '@dg.graph',
      'def orders():',
      '    load()',
    ].join('\n');
    const ops = await graphOpsOf([source]);
    expect(ops.orders!.defaults.load!.sort()).toEqual(['kind', 'mode', 'table']);
    expect(missingRequired('orders', { ops: { load: { config: { limit: 1, region: 'eu' } } } }, ops.orders!)).toBe(
      'op load of graph orders has the config field zone without a default, and this run config does not give it',
    );
  });
});

describe("preset-run-config: a preset's run_config read as the value Python makes of it", () => {
  const value = async (text: string) => {
    const statement = (await parsePython(text)).root().children()[0]!;
    return literalOf(statement.children()[0]!);
  };
  it.each([
    [
      '{"orders": {"ops": {"load": {"config": {"limit": 10}}}}}',
      { orders: { ops: { load: { config: { limit: 10 } } } } },
    ],
    ["{'a': 'x', \"b\": r'\\d', 'c': \"it\\'s\"}", { a: 'x', b: '\\d', c: "it's" }],
    [
      '{"n": -3, "f": 2.5, "g": -0.5, "big": 1_000, "t": True, "no": None, "l": [1, "a"], "tu": ("x",)}',
      { n: -3, f: 2.5, g: -0.5, big: 1000, t: true, no: null, l: [1, 'a'], tu: ['x'] },
    ],
  ])('%s', async (text, expected) => {
    expect(await value(text)).toEqual(expected);
  });
  it.each([
    ['a name', '{"limit": LIMIT}', { limit: COMPUTED }],
    ['a call', '{"paths": list_paths()}', { paths: COMPUTED }],
    ['an f-string', '{"table": f"raw/{DAY}.csv"}', { table: COMPUTED }],

    ['an integer past 2^53', '{"id": 1732700000123456789}', { id: COMPUTED }],
    ['a key that is a name', '{KEY: 1}', COMPUTED],
    ['a dict unpacked into it', '{"a": 1, **BASE}', COMPUTED],
    ['a list unpacked into it', '[1, *REST]', COMPUTED],
  ])('what only running it tells is COMPUTED, where it sits: %s', async (_what, text, expected) => {
    expect(await value(text)).toEqual(expected);
  });
  it('a float with a whole value is a PyFloat as written, which JavaScript would read as an int', async () => {
    expect(await value('{"rate": 1.0, "neg": -2.0}')).toEqual({ rate: new PyFloat('1.0'), neg: new PyFloat('-2.0') });
  });
});

describe('the fields a positional argument fills', () => {
  it('are read as the keywords they fill, until a *args', async () => {
    const facts = await pythonFacts(
      'P = [Preset("prod_full", "prod", "Prod.", {}), ScheduleSpec("daily", *rest, cron="0 6 * * *")]\n',
    );
    const [preset, schedule] = facts.calls;
    expect([...preset!.kwargs.keys()]).toEqual(['name', 'mode', 'description', 'run_config']);
    expect(preset!.kwargs.get('name')?.str).toBe('prod_full');
    expect(preset!.more).toBeUndefined();
    expect([...schedule!.kwargs.keys()]).toEqual(['name', 'cron']);
    expect(schedule!.more).toBe(true);
    // Under an alias too: P(...) is a Preset.
    const aliased = await pythonFacts('from .deployments import Preset as P\n\nX = P("dev_full", "dev", "Dev.")\n');
    expect(aliased.calls.map((c) => [c.callee, c.name, c.kwargs.get('name')?.str])).toEqual([
      ['P', 'Preset', 'dev_full'],
    ]);
  });

  it("are deployments.py's dataclass fields, in the template's order", () => {
    const template = readFileSync(
      join(import.meta.dirname, '..', '..', 'templates', 'pipeline', 'shared', 'src', '__pkg__', 'deployments.py.hbs'),
      'utf8',
    );
    for (const [name, fields] of Object.entries(SPEC_FIELDS)) {
      const body = template.split(`\nclass ${name}:\n`)[1]?.split('\n\n')[0] ?? '';
      const declared = [...body.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]);
      expect(declared, name).toEqual(fields);
    }
  });
});
