// pipeline check and pipeline list on generated platform repos, through the built bin: a clean
// platform has no findings; one violation per rule gives exactly those findings, at their file and
// line, with the right exit code, in all four formats (SARIF validated against its JSON schema).
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSWERS_FILE } from '../../generators/pipeline/files.ts';
import { buildPipelineSpec, visibility } from '../../generators/pipeline/spec.ts';
import { RULES } from '../../src/check/rules/index.ts';
import { loadPlatformConfig } from '../../src/conventions/platform-config.ts';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { builtinCodemods } from '../../src/upgrade/runner.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { expectLoaded, loadMany } from '../helpers/load-many.ts';
import { makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

const pipeline = (root: string, args: string[]) => runBin('pipeline', args, root);

/** The SARIF 2.1.0 schema (draft-04; see test/fixtures/sarif/README.md), compiled with ajv's draft-07 validator. */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
  );
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // Its language-tag pattern is not valid with the u flag; JSON Schema patterns are ECMA 262 without it.
  const regExp = Object.assign((source: string, flags: string) => new RegExp(source, flags.replace('u', '')), {
    code: 'new RegExp',
  });
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp } });
  return ajv.compile(schema);
}

/** The 1-based line of the first line of `file` (relative to root) that contains `text`. */
function lineOf(root: string, file: string, text: string): number {
  const index = readFileSync(join(root, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

function edit(root: string, file: string, from: string, to: string) {
  const full = join(root, file);
  const text = readFileSync(full, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(full, text.replace(from, to));
}
const append = (root: string, file: string, text: string) =>
  writeFileSync(join(root, file), readFileSync(join(root, file), 'utf8') + text);

let clean: string;
beforeAll(() => {
  clean = makePlatform({
    pipelines: [
      ['orders', '--template', 'transform', '--owner', 'analytics'],
      ['churn', '--template', 'ml', '--owner', 'ml-team'],
      ['events', '--template', 'ingest', '--owner', 'analytics'],
    ],
  });
  expect(pipeline(clean, ['sync']).code).toBe(0);
});

describe('pipeline check on a clean generated platform', () => {
  it('reports no findings and exits 0, in every format', () => {
    const table = pipeline(clean, ['check']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe('3 pipelines checked: no findings\n');
    const json = pipeline(clean, ['check', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      pipelines: ['churn', 'events', 'orders'],
      findings: [],
      summary: { errors: 0, warnings: 0 },
    });
    const github = pipeline(clean, ['check', '--format', 'github']);
    expect(github.stdout).not.toMatch(/^::/m);
    const sarif = JSON.parse(pipeline(clean, ['check', '--format', 'sarif']).stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
  });

  it('runs every command docs/check.md shows', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'check.md'), 'utf8');
    const commands = [...docs.matchAll(/^(?:\$ )?npx pipeline (.+?)(?:\s+#.*)?$/gm)].map((m) =>
      m[1]!.replace(/\s*>\s*\S+$/, ''),
    );
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const command of commands) {
      const result = pipeline(clean, command.split(/\s+/));
      expect(result.code, `${command}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('pipeline list', () => {
  it('--json lists owner, template, conventions version and, per deployment, what visibility() says', () => {
    const result = pipeline(clean, ['list', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout);
    const platform = loadPlatformConfig(clean);
    expect(listed.pipelines.map((p: { name: string }) => p.name)).toEqual(['churn', 'events', 'orders']);
    for (const p of listed.pipelines) {
      const answers = parse(readFileSync(join(clean, 'pipelines', p.name, ANSWERS_FILE), 'utf8'));
      const spec = buildPipelineSpec({ ...answers, slaHours: answers.sla_hours ?? 26 }, platform);
      expect(p).toEqual({
        name: p.name,
        owner: answers.owner,
        template: answers.template,
        conventionsVersion: answers._conventions_version,
        released: platform.deployments.map((d) => d.name),
        deployments: visibility(spec, platform),
      });
    }
    expect(listed.pipelines.find((p: { name: string }) => p.name === 'orders').deployments.prod).toEqual({
      jobs: ['orders_prod_full'],
      schedules: ['orders_daily'],
      sensors: [],
    });
  });

  it("follows the code: a preset removed from presets.py takes its jobs and its schedule's runs away", () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const file = join(root, 'pipelines/orders/src/orders/presets.py');
    const text = readFileSync(file, 'utf8');
    const prod = /\n {8}Preset\(\n {12}name="prod_full",[\s\S]*?\n {8}\),/.exec(text)!;
    writeFileSync(file, text.replace(prod[0], ''));
    const result = pipeline(root, ['list', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const orders = JSON.parse(result.stdout).pipelines[0];
    expect(orders.deployments.prod).toEqual({ jobs: [], schedules: [], sensors: [] });
    expect(orders.deployments.dev.jobs).toEqual(['orders_dev_full', 'orders_local_sample']);
  });

  it('says which deployments a pipeline is not released to, and how to release it', () => {
    const root = makePlatform({ pipelines: [['billing', '--deployments', 'local,dev']] });
    const json = JSON.parse(pipeline(root, ['list', '--json']).stdout).pipelines[0];
    expect(json.released).toEqual(['local', 'dev']);
    const text = pipeline(root, ['list']).stdout;
    expect(text).toMatch(/^ {2}dev +jobs: billing_dev_full, billing_local_sample$/m);
    for (const deployment of ['compose', 'prod', 'sandbox'])
      expect(text).toMatch(
        new RegExp(
          `^ {2}${deployment} +not released \\(npx pipeline add deployment --pipeline billing --name ${deployment}\\)$`,
          'm',
        ),
      );
  });

  it('prints a table per pipeline and deployment', () => {
    const result = pipeline(clean, ['list', '--pipeline', 'events']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^events {2}owner analytics {2}template ingest {2}conventions v\d+$/m);
    expect(result.stdout).toMatch(/^ {2}prod +jobs: events_prod_full\n +schedules: - {2}sensors: events_landing$/m);
  });
});

describe('pipeline check on a platform seeded with one violation per rule', () => {
  let seeded: string;
  let expected: { rule: string; severity: string; file: string; line: number }[];
  const check = (args: string[] = []) => pipeline(seeded, ['check', ...args]);

  beforeAll(() => {
    seeded = tempDir('seeded-');
    cpSync(clean, seeded, { recursive: true });
    const o = 'pipelines/orders';
    const c = 'pipelines/churn';
    const e = 'pipelines/events';
    // spare: its folder renamed by hand (then synced, as the folder's new name is registered).
    const spare = createPipeline(['spare', '--no-branch'], seeded);
    expect(spare.code, spare.stderr).toBe(0);
    renameSync(join(seeded, 'pipelines/spare'), join(seeded, 'pipelines/spare_v2'));
    expect(pipeline(seeded, ['sync']).code).toBe(0);
    // events: a graph added by the CLI, and next to it a helper module without GRAPH.
    const added = pipeline(seeded, ['add', 'job', '--pipeline', 'events', '--name', 'backfill']);
    expect(added.code, added.stderr).toBe(0);
    writeFileSync(
      join(seeded, e, 'src/events/added_jobs/helpers.py'),
      '"Shared by the added graphs."\n\n\ndef day_key(day: str) -> str:\n    return day.replace("-", "")\n',
    );
    // orders is behind (so its platform-owned files are not compared), has a schedule without a
    // timezone and a literal secret.
    edit(
      seeded,
      `${o}/${ANSWERS_FILE}`,
      /_conventions_version: \d+/.exec(readFileSync(join(seeded, o, ANSWERS_FILE), 'utf8'))![0],
      '_conventions_version: 2',
    );
    append(
      seeded,
      `${o}/src/orders/schedules.py`,
      '\n\nimport dagster as dg\n\nADHOC = dg.ScheduleDefinition(name="orders_adhoc", cron_schedule="0 1 * * *", job_name="orders_local_sample")\n',
    );
    edit(
      seeded,
      `${o}/src/orders/modes.py`,
      'secret_access_key=dg.EnvVar("LAKEFS_SECRET_ACCESS_KEY")',
      'secret_access_key="hunter2"',
    );
    // churn: a hand edit in a platform-owned file, a job without owner, a schedule no deployment loads, another Dagster.
    edit(seeded, `${c}/src/churn/conventions.py`, 'DEFAULT_DEPLOYMENT = "local"', 'DEFAULT_DEPLOYMENT = "dev"');
    append(seeded, `${c}/src/churn/jobs.py`, '\n\n@dg.job(name="churn_adhoc")\ndef adhoc():\n    pass\n');
    edit(seeded, `${c}/src/churn/schedules.py`, 'deployments=("prod",)', 'deployments=("dev",)');
    // churn: a preset sets a config field its op's config class does not have.
    edit(
      seeded,
      `${c}/src/churn/presets.py`,
      '{"train_model": {"config": {"table": "features/training.csv"}}}',
      '{"train_model": {"config": {"table": "features/training.csv", "rows": 10}}}',
    );
    edit(
      seeded,
      `${c}/pyproject.toml`,
      /"dagster==[\d.]+"/.exec(readFileSync(join(seeded, c, 'pyproject.toml'), 'utf8'))![0],
      '"dagster==1.12.0"',
    );
    // events: boto3 dropped from its dependencies, a preset with an unknown mode.
    edit(seeded, `${e}/pyproject.toml`, '    "boto3>=1.28",\n', '');
    edit(seeded, `${e}/src/events/presets.py`, 'mode="local"', 'mode="staging"');
    // events: a module of its own that a merge left with a conflict marker.
    writeFileSync(
      join(seeded, e, 'src/events/transforms.py'),
      '"Helpers."\n\n<<<<<<< HEAD\nLIMIT = 10\n=======\nLIMIT = 20\n>>>>>>> feature/limit\n',
    );
    // orders: a sensor named like its daily schedule (as a merge of two branches can make).
    append(
      seeded,
      `${o}/src/orders/sensors.py`,
      '\n\nDUPLICATE = SensorSpec(\n    name="orders_daily", graph="orders", preset="prod_full", deployments=("prod",), evaluation="orders_daily"\n)\n',
    );
    // orders' dev schedule names a deployment platform.yaml does not have.
    edit(seeded, `${o}/src/orders/schedules.py`, 'deployments=("compose", "dev")', 'deployments=("compose", "qa")');
    // the platform: a derived file gone, an invalid sandbox backend, CI setting another variable.
    rmSync(join(seeded, 'deployments/compose/workspace.yaml'));
    // the local deployment's Dagster instance config gone (as for a deployment added to platform.yaml).
    rmSync(join(seeded, 'deployments/local/dagster.yaml'));
    edit(seeded, 'platform.yaml', 'backend: lakefs', 'backend: s3');
    // churn's team renamed in platform.yaml: churn still names the old one.
    edit(seeded, 'platform.yaml', '  - name: ml-team', '  - name: ml');
    // the compose services run as a deployment platform.yaml does not have (in the file sync derives too).
    for (const file of ['docker-compose.platform.yaml', 'docker-compose.yaml'])
      edit(seeded, file, 'PIPELINE_DEPLOYMENT: compose', 'PIPELINE_DEPLOYMENT: qa');
    const workflow = '.github/workflows/pipelines.yaml';
    writeFileSync(
      join(seeded, workflow),
      readFileSync(join(seeded, workflow), 'utf8')
        .replaceAll('PIPELINE_DEPLOYMENT', 'DEPLOYMENT')
        // CI's per-deployment check without one of platform.yaml's deployments.
        .replace(' prod sandbox; do', ' prod; do'),
    );

    expected = [
      { rule: 'deployment-env-var', severity: 'error', file: workflow, line: 1 },
      {
        rule: 'ci-deployments',
        severity: 'error',
        file: workflow,
        line: lineOf(seeded, workflow, 'for deployment in'),
      },
      { rule: 'registration-stale', severity: 'warning', file: 'deployments/compose/workspace.yaml', line: 1 },
      {
        rule: 'compose-deployment',
        severity: 'error',
        file: 'docker-compose.platform.yaml',
        line: lineOf(seeded, 'docker-compose.platform.yaml', 'PIPELINE_DEPLOYMENT: qa'),
      },
      {
        rule: 'deployment-instances',
        severity: 'error',
        file: 'platform.yaml',
        line: lineOf(seeded, 'platform.yaml', '  local:'),
      },
      {
        rule: 'sandbox-config',
        severity: 'error',
        file: 'platform.yaml',
        line: lineOf(seeded, 'platform.yaml', 'backend: s3'),
      },
      {
        rule: 'unknown-owner',
        severity: 'warning',
        file: `${c}/${ANSWERS_FILE}`,
        line: lineOf(seeded, `${c}/${ANSWERS_FILE}`, 'owner: ml-team'),
      },
      {
        rule: 'dagster-pin',
        severity: 'error',
        file: `${c}/pyproject.toml`,
        line: lineOf(seeded, `${c}/pyproject.toml`, '"dagster==1.12.0"'),
      },
      {
        rule: 'platform-owned-edited',
        severity: 'error',
        file: `${c}/src/churn/conventions.py`,
        line: lineOf(seeded, `${c}/src/churn/conventions.py`, 'DEFAULT_DEPLOYMENT = "dev"'),
      },
      {
        rule: 'job-owner',
        severity: 'error',
        file: `${c}/src/churn/jobs.py`,
        line: lineOf(seeded, `${c}/src/churn/jobs.py`, '@dg.job(name="churn_adhoc")'),
      },
      {
        rule: 'preset-run-config',
        severity: 'error',
        file: `${c}/src/churn/presets.py`,
        line: lineOf(seeded, `${c}/src/churn/presets.py`, 'run_config={'),
      },
      {
        rule: 'trigger-mode',
        severity: 'error',
        file: `${c}/src/churn/schedules.py`,
        line: lineOf(seeded, `${c}/src/churn/schedules.py`, 'deployments=("dev",)'),
      },
      { rule: 'added-module-name', severity: 'error', file: `${e}/src/events/added_jobs/helpers.py`, line: 1 },
      {
        rule: 'preset-mode',
        severity: 'error',
        file: `${e}/src/events/presets.py`,
        line: lineOf(seeded, `${e}/src/events/presets.py`, 'mode="staging"'),
      },
      {
        rule: 'missing-dependency',
        severity: 'error',
        file: `${e}/src/events/storage.py`,
        line: lineOf(seeded, `${e}/src/events/storage.py`, 'import boto3'),
      },
      {
        rule: 'python-syntax',
        severity: 'error',
        file: `${e}/src/events/transforms.py`,
        line: 3,
      },
      {
        rule: 'conventions-behind',
        severity: 'warning',
        file: `${o}/${ANSWERS_FILE}`,
        line: lineOf(seeded, `${o}/${ANSWERS_FILE}`, '_conventions_version: 2'),
      },
      {
        rule: 'literal-secret',
        severity: 'error',
        file: `${o}/src/orders/modes.py`,
        line: lineOf(seeded, `${o}/src/orders/modes.py`, 'secret_access_key="hunter2"'),
      },
      {
        rule: 'unknown-deployment',
        severity: 'error',
        file: `${o}/src/orders/schedules.py`,
        line: lineOf(seeded, `${o}/src/orders/schedules.py`, 'deployments=("compose", "qa")'),
      },
      {
        rule: 'schedule-timezone',
        severity: 'warning',
        file: `${o}/src/orders/schedules.py`,
        line: lineOf(seeded, `${o}/src/orders/schedules.py`, 'ADHOC = dg.ScheduleDefinition('),
      },
      {
        rule: 'duplicate-name',
        severity: 'error',
        file: `${o}/src/orders/sensors.py`,
        line: lineOf(seeded, `${o}/src/orders/sensors.py`, 'name="orders_daily", graph="orders", preset="prod_full"'),
      },
      {
        rule: 'folder-name',
        severity: 'error',
        file: `pipelines/spare_v2/${ANSWERS_FILE}`,
        line: lineOf(seeded, `pipelines/spare_v2/${ANSWERS_FILE}`, 'name: spare'),
      },
    ];
  });

  it('seeds exactly one violation per rule', () => {
    expect(new Set(expected.map((f) => f.rule))).toEqual(new Set(RULES.map((r) => r.id)));
  });

  it('--json: exactly those findings, each with a message and a fix; exit 1', () => {
    const result = check(['--json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(
      report.findings.map(({ rule, severity, file, line }: Record<string, unknown>) => ({
        rule,
        severity,
        file,
        line,
      })),
    ).toEqual(expected);
    for (const f of report.findings) expect(f.message.length * f.fix.length).toBeGreaterThan(0);
    expect(report.summary).toEqual({ errors: 18, warnings: 4 });
    const behind = report.findings.find((f: { rule: string }) => f.rule === 'conventions-behind');
    const due = builtinCodemods()
      .filter((m) => m.version > 2)
      .map((m) => m.id);
    expect(behind.message).toBe(
      `orders follows conventions v2, and pipeline upgrade brings it to v${CONVENTIONS_VERSION}; codemods due: ${due.join(', ')}`,
    );
    expect(behind.fix).toContain('npx pipeline upgrade');
    expect(report.findings.find((f: { rule: string }) => f.rule === 'registration-stale').fix).toBe(
      'npx pipeline sync',
    );
    // The variable the generated modes.py reads, as the call's other keywords do (LAKEFS_*).
    expect(report.findings.find((f: { rule: string }) => f.rule === 'literal-secret').fix).toBe(
      'secret_access_key=dg.EnvVar("LAKEFS_SECRET_ACCESS_KEY") and set that variable in each deployment',
    );
  });

  it('the table: one row per finding with rule, file:line and the fix; exit 1', () => {
    const result = check();
    expect(result.code).toBe(1);
    for (const f of expected)
      expect(result.stdout).toMatch(
        new RegExp(`^${f.severity} +${f.rule} +${f.file.replace(/\./g, '\\.')}:${f.line} `, 'm'),
      );
    expect(result.stdout.match(/^ +fix: /gm)).toHaveLength(expected.length);
    expect(result.stdout).toMatch(/4 pipelines checked: 18 errors, 4 warnings\n$/);
  });

  it('--format github: one annotation per finding', () => {
    const result = check(['--format', 'github']);
    expect(result.code).toBe(1);
    const annotations = result.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.map((a) => /^::(\w+) file=([^,]+),line=(\d+),title=([\w-]+)::/.exec(a)!.slice(1))).toEqual(
      expected.map((f) => [f.severity, f.file, String(f.line), f.rule]),
    );
  });

  it('--format sarif: valid SARIF 2.1.0 with one result per finding', () => {
    const result = check(['--format', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results.map(
      (r: {
        ruleId: string;
        level: string;
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      }) => ({
        rule: r.ruleId,
        severity: r.level,
        file: r.locations[0]!.physicalLocation.artifactLocation.uri,
        line: r.locations[0]!.physicalLocation.region.startLine,
      }),
    );
    expect(results).toEqual(expected);
  });

  it('--pipeline limits the pipelines (platform-wide findings stay)', () => {
    const report = JSON.parse(check(['--pipeline', 'events', '--json']).stdout);
    expect(report.pipelines).toEqual(['events']);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual([
      'deployment-env-var',
      'ci-deployments',
      'registration-stale',
      'compose-deployment',
      'deployment-instances',
      'sandbox-config',
      'added-module-name',
      'preset-mode',
      'missing-dependency',
      'python-syntax',
    ]);
  });

  it("platform.yaml's check.rules turns rules off or raises them: warnings only exit 0", () => {
    const tuned = tempDir('tuned-');
    cpSync(seeded, tuned, { recursive: true });
    const errors = RULES.filter((r) => r.severity === 'error').map((r) => `    ${r.id}: off`);
    append(tuned, 'platform.yaml', `\ncheck:\n  rules:\n${errors.join('\n')}\n`);
    const warnings = pipeline(tuned, ['check', '--json']);
    expect(warnings.code, warnings.stderr).toBe(0);
    expect(JSON.parse(warnings.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
      'registration-stale',
      'unknown-owner',
      'conventions-behind',
      'schedule-timezone',
    ]);
    append(tuned, 'platform.yaml', '    schedule-timezone: error\n');
    const raised = pipeline(tuned, ['check', '--json']);
    expect(raised.code).toBe(1);
    expect(
      JSON.parse(raised.stdout).findings.find((f: { rule: string }) => f.rule === 'schedule-timezone').severity,
    ).toBe('error');
  });
});

describe('missing-dependency and namespace packages', () => {
  it('names the google-cloud-* distribution of a google.cloud import (protobuf provides google itself)', () => {
    const root = tempDir('google-cloud-');
    cpSync(clean, root, { recursive: true });
    const modes = join(root, 'pipelines/orders/src/orders/modes.py');
    const text = readFileSync(modes, 'utf8');
    writeFileSync(
      modes,
      `from google.cloud import bigquery\nimport google.cloud.storage\nimport google.protobuf\n${text}`,
    );
    const missing = () =>
      JSON.parse(pipeline(root, ['check', '--pipeline', 'orders', '--json']).stdout)
        .findings.filter((f: { rule: string }) => f.rule === 'missing-dependency')
        .map((f: { line: number; fix: string }) => `${f.line}: ${f.fix}`);
    expect(missing()).toEqual([
      '1: add "google-cloud-bigquery" to [project].dependencies in pipelines/orders/pyproject.toml',
      '2: add "google-cloud-storage" to [project].dependencies in pipelines/orders/pyproject.toml',
    ]);
    edit(
      root,
      'pipelines/orders/pyproject.toml',
      'dependencies = [\n',
      'dependencies = [\n    "google-cloud-bigquery>=3",\n    "google-cloud-storage>=2",\n',
    );
    expect(missing()).toEqual([]);
  });
});

describe('missing-dependency in a resource of its own', () => {
  it('reads the imports of the modules pipeline add resource made in added_resources/', () => {
    const root = tempDir('resource-module-');
    cpSync(clean, root, { recursive: true });
    const added = pipeline(root, ['add', 'resource', '--pipeline', 'orders', '--name', 'warehouse']);
    expect(added.code, added.stderr).toBe(0);
    const path = 'pipelines/orders/src/orders/added_resources/warehouse.py';
    edit(root, path, 'import dagster as dg\n', 'import dagster as dg\nimport snowflake.connector\n');
    const findings = JSON.parse(pipeline(root, ['check', '--pipeline', 'orders', '--json']).stdout).findings.filter(
      (f: { rule: string }) => f.rule === 'missing-dependency',
    );
    expect(findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([`${path}:4`]);
  });
});

describe('a legacy Dagster 0.x package under pipelines/', () => {
  it('is reported once as not a generated pipeline, with a way out that is not another upgrade', () => {
    const root = tempDir('legacy-in-platform-');
    cpSync(clean, root, { recursive: true });
    const dir = join(root, 'pipelines/old_etl');
    cpSync(join(clean, 'pipelines/orders/src/orders/__init__.py'), join(dir, 'old_etl/__init__.py'));
    writeFileSync(
      join(dir, 'setup.py'),
      'from setuptools import setup\n\nsetup(name="old_etl", packages=["old_etl"])\n',
    );
    writeFileSync(
      join(dir, 'old_etl/solids.py'),
      'from dagster import solid\n\n\n@solid\ndef extract(context):\n    return 1\n',
    );
    const behind = () =>
      JSON.parse(pipeline(root, ['check', '--json']).stdout).findings.filter(
        (f: { rule: string }) => f.rule === 'conventions-behind',
      );
    const before = behind();
    expect(before).toEqual([
      expect.objectContaining({
        file: 'pipelines/old_etl/setup.py',
        line: 1,
        message: expect.stringMatching(/^old_etl is not a pipeline create-pipeline made/),
        fix: expect.stringMatching(/npx pipeline new old_etl_new --template transform/),
      }),
    ]);
    writeFileSync(
      join(dir, 'old_etl/revenue.py'),
      'from dagster import InputDefinition, OutputDefinition, solid\n\n\n@solid(input_defs=[InputDefinition("orders_by_customer"), InputDefinition("refunds_by_customer")], output_defs=[OutputDefinition(name="net_revenue")])\ndef net_revenue(context, orders_by_customer, refunds_by_customer):\n    return orders_by_customer\n',
    );
    // Its code migrated, the finding stays as it was: upgrade cannot make it a pipeline, and the fix says so.
    expect(pipeline(root, ['upgrade', '--pipeline', 'old_etl', '--allow-dirty']).code).toBe(0);
    expect(readFileSync(join(dir, 'old_etl/solids.py'), 'utf8')).toContain('@op');
    // Laid out at the platform's ruff.toml line length (120), above the folder: one line of 96, not split at 88.
    expect(readFileSync(join(dir, 'old_etl/revenue.py'), 'utf8')).toContain(
      '\n@op(ins={"orders_by_customer": In(), "refunds_by_customer": In()}, out={"net_revenue": Out()})\ndef net_revenue(',
    );
    expect(behind()).toEqual(before);
  });
});

describe('help and --cwd', () => {
  it('--help shows the usage, the flags and examples', () => {
    for (const command of ['check', 'list']) {
      const result = pipeline(clean, [command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: pipeline ${command} \\[options\\]`));
      expect(result.stdout).toMatch(/Examples:\n {2}npx pipeline/);
      expect(result.stdout).toContain('--cwd <dir>');
    }
  });
  it('--cwd runs as if started in the platform repo', () => {
    const elsewhere = tempDir('elsewhere-');
    expect(
      JSON.parse(pipeline(elsewhere, ['list', '--json', '--cwd', join(clean, 'pipelines', 'orders')]).stdout).pipelines,
    ).toHaveLength(3);
    expect(pipeline(elsewhere, ['check', '--cwd', clean]).stdout).toBe('3 pipelines checked: no findings\n');
  });
});

describe('bad input: exit 2, one line', () => {
  const refused = (cwd: string, args: string[], message: RegExp) => {
    const result = pipeline(cwd, args);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  };
  it('an unknown pipeline names it and the ones there are', () => {
    refused(
      clean,
      ['check', '--pipeline', 'nope'],
      /^pipeline: error: --pipeline nope matches no pipeline .*\(there are: churn, events, orders\)/,
    );
    refused(clean, ['list', '--pipeline', 'nope'], /--pipeline nope matches no pipeline/);
  });
  it('an unknown format, an unknown rule or setting in platform.yaml, outside a platform repo', () => {
    refused(
      clean,
      ['check', '--format', 'xml'],
      /--format xml is not a format \(expected one of: table, json, github, sarif\)/,
    );
    // Two formats asked at once: one line, not one of them silently.
    refused(
      clean,
      ['check', '--json', '--format', 'table'],
      /--json is --format json, and --format table asks for another/,
    );
    const tuned = tempDir('tuned-');
    cpSync(clean, tuned, { recursive: true });
    append(tuned, 'platform.yaml', '\ncheck:\n  rules:\n    no-such-rule: off\n');
    refused(
      tuned,
      ['check'],
      /platform\.yaml: check\.rules\.no-such-rule: is not a rule of pipeline check \(expected one of: conventions-behind, /,
    );
    writeFileSync(
      join(tuned, 'platform.yaml'),
      readFileSync(join(tuned, 'platform.yaml'), 'utf8').replace('no-such-rule: off', 'job-owner: loud'),
    );
    refused(
      tuned,
      ['check'],
      /platform\.yaml: check\.rules\.job-owner: "loud" is not a setting \(expected one of: off, warning, error\)/,
    );
    refused(tempDir('empty-'), ['check'], /no platform\.yaml in .* run pipeline check inside a platform repo/);
  });
});

describe('added-module-name, against what Dagster loads', () => {
  it('a helper in added_jobs/ fails the load as check says; moved into the package, both are clean', async () => {
    const root = makePlatform({ pipelines: [['orders']] });
    expect(pipeline(root, ['add', 'job', '--pipeline', 'orders', '--name', 'backfill']).code).toBe(0);
    const pkg = join(root, 'pipelines/orders/src/orders');
    const helper = '"Shared by the added graphs."\n\n\ndef day_key(day: str) -> str:\n    return day\n';
    writeFileSync(join(pkg, 'added_jobs/helpers.py'), helper);
    const load = async () =>
      (
        await loadMany([
          {
            project: join(root, 'pipelines/orders'),
            env: { PIPELINE_DEPLOYMENT: 'dev', PIPELINE_DEV_BUCKET: 'placeholder' },
          },
        ])
      )[0]!;
    const check = pipeline(root, ['check', '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).findings.map((f: { rule: string; file: string }) => [f.rule, f.file])).toEqual([
      ['added-module-name', 'pipelines/orders/src/orders/added_jobs/helpers.py'],
    ]);
    const broken = await load();
    expect(broken.ok).toBe(false);
    expect(broken.error).toContain("module 'orders.added_jobs.helpers' has no attribute 'GRAPH'");
    rmSync(join(pkg, 'added_jobs/helpers.py'));
    writeFileSync(join(pkg, 'helpers.py'), helper);
    expect(pipeline(root, ['check']).code).toBe(0);
    expectLoaded(await load());
  });
});

describe('trigger-mode, on what a teammate writes by hand', () => {
  it("reads a preset's name from a module constant, as Dagster does: no finding", async () => {
    const root = join(tempDir('check-constant-'), 'platform');
    cpSync(clean, root, { recursive: true });
    const presets = 'pipelines/orders/src/orders/presets.py';
    edit(root, presets, 'from .deployments import Preset\n', 'from .deployments import Preset\n\nDEV = "dev_full"\n');
    edit(root, presets, 'name="dev_full"', 'name=DEV');
    const result = pipeline(root, ['check', '--json']);
    expect(result.code, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
    // As Dagster does: the preset's jobs are there, under its name.
    const [loaded] = await loadMany([
      {
        project: join(root, 'pipelines/orders'),
        env: { PIPELINE_DEPLOYMENT: 'dev', PIPELINE_DEV_BUCKET: 'placeholder' },
      },
    ]);
    expectLoaded(loaded!);
    expect(loaded!.jobs).toContain('orders_dev_full');
    // pipeline add reads it too: a schedule of that preset is taken.
    const added = pipeline(root, [
      'add',
      'schedule',
      '--pipeline',
      'orders',
      '--preset',
      'dev_full',
      '--cron',
      '0 6 * * *',
      '--dry-run',
    ]);
    expect(added.code, added.stderr).toBe(0);
    // Known, the names still catch a schedule of a preset that is not there.
    const file = 'pipelines/orders/src/orders/added_schedules/typo.py';
    writeFileSync(
      join(root, file),
      'from ..deployments import ScheduleSpec\n\nSCHEDULE = ScheduleSpec(\n    name="typo",\n    graph="orders",\n    preset="dev_fulll",\n    cron="0 6 * * *",\n    timezone="UTC",\n    deployments=("dev",),\n)\n',
    );
    const typo = pipeline(root, ['check', '--json']);
    expect(JSON.parse(typo.stdout).findings).toEqual([
      expect.objectContaining({
        rule: 'trigger-mode',
        file,
        message: 'schedule "typo" launches preset "dev_fulll", which presets.py does not define',
        fix: 'use one of: local_sample, sandbox, dev_full, prod_full',
      }),
    ]);
  });

  it('says the pipeline is not released to a deployment a schedule names, and how to release it', () => {
    const root = makePlatform({ pipelines: [['billing', '--deployments', 'local,dev']] });
    const file = 'pipelines/billing/src/billing/added_schedules/hand_made.py';
    writeFileSync(
      join(root, file),
      'from ..deployments import ScheduleSpec\n\nSCHEDULE = ScheduleSpec(\n    name="hand_made",\n    graph="billing",\n    preset="local_sample",\n    cron="0 6 * * *",\n    timezone="UTC",\n    deployments=("sandbox",),\n)\n',
    );
    const result = pipeline(root, ['check', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings).toEqual([
      expect.objectContaining({
        rule: 'trigger-mode',
        file,
        message:
          'schedule "hand_made" launches preset local_sample in sandbox, where billing is not released: it never loads',
        fix: 'release it there (npx pipeline add deployment --pipeline billing --name sandbox), or name a deployment it is released to',
      }),
    ]);
  });
});

describe('what stops the code location loading, found as Dagster finds it', () => {
  it('an op renamed while the presets configure it, a schedule of a graph the pipeline lacks, a conflict marker, a required config field, a float for an int, a ScheduleSpec without timezone: each found, and clean once mended', async () => {
    const pkg = 'pipelines/orders/src/orders';
    const dev = { PIPELINE_DEPLOYMENT: 'dev', PIPELINE_DEV_BUCKET: 'placeholder' };
    // What a merge that stopped on a conflict leaves in a module.
    const CONFLICT = '\n<<<<<<< HEAD\nLIMIT = 10\n=======\nLIMIT = 20\n>>>>>>> feature/limit\n';
    const cases = [
      {
        name: 'op-renamed',
        rule: 'preset-run-config',
        file: `${pkg}/presets.py`,
        message: 'graph orders has no op load_source; its ops: daily_revenue, read_source, write_target',
        dagster: 'Received unexpected config entry "load_source"',
        break: (root: string) => {
          for (const file of ['ops.py', 'jobs.py']) {
            const path = join(root, pkg, file);
            writeFileSync(path, readFileSync(path, 'utf8').replaceAll('load_source', 'read_source'));
          }
        },
        mend: (root: string) => {
          const path = join(root, pkg, 'presets.py');
          writeFileSync(path, readFileSync(path, 'utf8').replaceAll('"load_source"', '"read_source"'));
        },
      },
      {
        name: 'graph-typo',
        rule: 'trigger-mode',
        file: `${pkg}/added_schedules/nightly.py`,
        message:
          'schedule "nightly" launches a job of graph "order", which the pipeline does not define: the code location fails to load (KeyError) wherever the schedule loads (dev)',
        dagster: "KeyError: 'order_dev_full'",
        break: (root: string) =>
          writeFileSync(
            join(root, pkg, 'added_schedules/nightly.py'),
            'from ..deployments import ScheduleSpec\n\nSCHEDULE = ScheduleSpec(\n    name="nightly",\n    graph="order",\n    preset="dev_full",\n    cron="0 2 * * *",\n    timezone="UTC",\n    deployments=("dev",),\n)\n',
          ),
        mend: (root: string) => edit(root, `${pkg}/added_schedules/nightly.py`, 'graph="order"', 'graph="orders"'),
      },
      {
        name: 'conflict-marker',
        rule: 'python-syntax',
        file: `${pkg}/sensors.py`,
        message:
          'sensors.py does not parse (cannot parse "<<<<<<<"): importing it fails, so the code location loads nowhere once definitions.py imports it (added_*/ modules always are)',
        dagster: 'SyntaxError',
        break: (root: string) => append(root, `${pkg}/sensors.py`, CONFLICT),
        mend: (root: string) => edit(root, `${pkg}/sensors.py`, CONFLICT, '\nLIMIT = 20\n'),
      },
      {
        name: 'required-field',
        rule: 'preset-run-config',
        file: `${pkg}/presets.py`,
        message:
          'op load_source of graph orders has the config field region without a default, and this run config does not give it',
        dagster: 'Missing required config entry "region"',
        break: (root: string) =>
          edit(root, `${pkg}/ops.py`, '    limit: int = 0\n', '    limit: int = 0\n    region: str\n'),
        mend: (root: string) => edit(root, `${pkg}/ops.py`, '    region: str\n', '    region: str = "eu"\n'),
      },
      {
        name: 'schedule-without-timezone',
        rule: 'trigger-mode',
        file: `${pkg}/schedules.py`,
        message:
          'ScheduleSpec "orders_daily_dev" lacks timezone, which ScheduleSpec requires: the code location fails to load (TypeError) in every deployment',
        dagster: "missing 1 required positional argument: 'timezone'",
        break: (root: string) => edit(root, `${pkg}/schedules.py`, '        timezone="UTC",\n', ''),
        mend: (root: string) =>
          edit(
            root,
            `${pkg}/schedules.py`,
            '        cron="0 6 * * *",\n        deployments',
            '        cron="0 6 * * *",\n        timezone="UTC",\n        deployments',
          ),
      },
      {
        name: 'float-for-int',
        rule: 'preset-run-config',
        file: `${pkg}/presets.py`,
        message: 'config field limit of op load_source is an int, and 1000.0 is not one',
        dagster: 'is not valid for expected type "Int"',
        break: (root: string) => edit(root, `${pkg}/presets.py`, '"limit": 1000', '"limit": 1000.0'),
        mend: (root: string) => edit(root, `${pkg}/presets.py`, '"limit": 1000.0', '"limit": 1000'),
      },
    ];
    const roots = cases.map((c) => {
      const root = join(tempDir(`check-${c.name}-`), 'platform');
      cpSync(clean, root, { recursive: true });
      c.break(root);
      return root;
    });
    const load = () => loadMany(roots.map((root) => ({ project: join(root, 'pipelines/orders'), env: dev })));
    const broken = await load();
    cases.forEach((c, i) => {
      const result = pipeline(roots[i]!, ['check', '--pipeline', 'orders', '--json']);
      expect(result.code, c.name).toBe(1);
      const findings = JSON.parse(result.stdout).findings.map((f: Record<string, string>) => [f.rule, f.file]);
      expect(new Set(findings.map(JSON.stringify)), c.name).toEqual(new Set([JSON.stringify([c.rule, c.file])]));
      expect(result.stdout, c.name).toContain(JSON.stringify(c.message).slice(1, -1));
      expect(broken[i]!.ok, c.name).toBe(false);
      expect(broken[i]!.error, c.name).toContain(c.dagster);
    });
    cases.forEach((c, i) => {
      c.mend(roots[i]!);
    });
    for (const root of roots) expect(JSON.parse(pipeline(root, ['check', '--json']).stdout).findings).toEqual([]);
    for (const loaded of await load()) expectLoaded(loaded);
  });
});

describe('what Dagster takes, check takes too', () => {
  it('None for a field with a default, a value from the environment, one schedule name in deployments apart: no finding, and it loads', async () => {
    const root = join(tempDir('check-takes-'), 'platform');
    cpSync(clean, root, { recursive: true });
    const pkg = 'pipelines/orders/src/orders';
    // None leaves a field with a default at its default; {"env": "VAR"} reads it when the run starts.
    edit(root, `${pkg}/presets.py`, '"table": "raw/orders.csv", "limit": 1000', '"table": None, "limit": 1000');
    const presets = readFileSync(join(root, pkg, 'presets.py'), 'utf8');
    const devAt = presets.indexOf('name="dev_full"');
    writeFileSync(
      join(root, pkg, 'presets.py'),
      presets.slice(0, devAt) + presets.slice(devAt).replace('"limit": 0', '"limit": {"env": "ORDERS_LIMIT"}'),
    );
    // The prod schedule named as the dev one, and named in dev too: dev does not run its preset's
    // mode (prod), so no deployment loads both.
    edit(root, `${pkg}/schedules.py`, 'name="orders_daily",', 'name="orders_daily_dev",');
    edit(root, `${pkg}/schedules.py`, 'deployments=("prod",)', 'deployments=("dev", "prod")');
    const result = pipeline(root, ['check', '--json']);
    expect(JSON.parse(result.stdout).findings, result.stdout).toEqual([]);
    const loads = await loadMany(
      ['local', 'dev', 'prod'].map((deployment) => ({
        project: join(root, 'pipelines/orders'),
        env: {
          PIPELINE_DEPLOYMENT: deployment,
          PIPELINE_DEV_BUCKET: 'placeholder',
          PIPELINE_PROD_BUCKET: 'placeholder',
        },
      })),
    );
    for (const loaded of loads) expectLoaded(loaded);
    expect(loads[1]!.schedules).toContain('orders_daily_dev');
    expect(loads[2]!.schedules).toContain('orders_daily_dev');
  });
});

describe('duplicate-name, on a module copied to start another', () => {
  it('names the copy, not the original, and a sensor evaluation function defined in two modules', () => {
    const root = join(tempDir('check-copies-'), 'platform');
    cpSync(clean, root, { recursive: true });
    for (const args of [
      ['preset', '--pipeline', 'orders', '--name', 'p8', '--mode', 'dev'],
      ['sensor', '--pipeline', 'orders', '--name', 'new_files', '--preset', 'dev_full'],
    ])
      expect(pipeline(root, ['add', ...args]).code).toBe(0);
    const pkg = 'pipelines/orders/src/orders';
    cpSync(join(root, pkg, 'added_presets/p8.py'), join(root, pkg, 'added_presets/p8_copy.py'));
    // The sensor copied and renamed, but not its evaluation function.
    const sensor = readFileSync(join(root, pkg, 'added_sensors/new_files.py'), 'utf8');
    writeFileSync(
      join(root, pkg, 'added_sensors/new_files_copy.py'),
      sensor.replace('name="new_files"', 'name="new_files_copy"'),
    );
    const findings = JSON.parse(pipeline(root, ['check', '--json']).stdout).findings;
    const copy = `${pkg}/added_sensors/new_files_copy.py`;
    expect(findings.map((f: { rule: string; file: string; message: string }) => [f.rule, f.file, f.message])).toEqual([
      [
        'duplicate-name',
        `${pkg}/added_presets/p8_copy.py`,
        `Preset(name="p8") reuses a preset's name, first at ${pkg}/added_presets/p8.py:${lineOf(root, `${pkg}/added_presets/p8.py`, 'name="p8"')}: PRESETS keeps one of the two, so the other's jobs are gone, unseen`,
      ],
      [
        'duplicate-name',
        copy,
        `function new_files_evaluation is defined in two modules of added_sensors/, first at ${pkg}/added_sensors/new_files.py:${lineOf(root, `${pkg}/added_sensors/new_files.py`, 'def new_files_evaluation')}: the sensors gather their functions by name, so one evaluates the other's`,
      ],
    ]);
  });
});

describe('what a merge leaves of a deleted pipeline', () => {
  it('is named as that, with its removal as the fix, not as code to migrate', () => {
    // One branch deleted events; another added a schedule to it: git merges the one new module in.
    const root = makePlatform();
    const leftover = join(root, 'pipelines/events/src/events/added_schedules');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(
      join(leftover, 'ev_late.py'),
      'from ..deployments import ScheduleSpec\n\nSCHEDULE = ScheduleSpec(name="ev_late", graph="events", preset="dev_full", cron="0 5 * * *", timezone="UTC", deployments=("dev",))\n',
    );
    const report = JSON.parse(pipeline(root, ['check', '--json']).stdout);
    const found = report.findings.find((f: { rule: string }) => f.rule === 'conventions-behind');
    expect(found.message).toBe(
      'pipelines/events holds only modules pipeline add wrote (added_schedules/ev_late.py), no pipeline: what a merge left of a pipeline another branch deleted',
    );
    expect(found.fix).toMatch(/^remove the folder \(git rm -r pipelines\/events\)/);
    // pipeline list says the same of it, not that it lacks its answers.
    const listed = JSON.parse(pipeline(root, ['list', '--json']).stdout).pipelines;
    expect(listed.map((p: { name: string; error?: string }) => [p.name, p.error])).toEqual([
      [
        'events',
        'holds only modules pipeline add wrote, no pipeline: what a merge left of a pipeline another branch deleted; pipeline check says what to do',
      ],
    ]);
    // create-pipeline of its name: the same, exit 2, nothing written (it said the pipeline exists, to edit its files).
    const before = treeFingerprint(root);
    const again = createPipeline(['events', '--no-branch'], root);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(
      'create-pipeline: error: pipelines/events holds only modules pipeline add wrote, no pipeline: what a merge left of a pipeline another branch deleted; remove the folder (git rm -r pipelines/events), or restore the pipeline (git checkout <its last commit> -- pipelines/events) if it should stay, then run again',
    );
    expect(treeFingerprint(root)).toEqual(before);
    // Removed as it says, the name is free again.
    rmSync(join(root, 'pipelines/events'), { recursive: true });
    expect(createPipeline(['events', '--no-branch'], root).code).toBe(0);
  });
});
