// The dev and prod modes, for real: for each template, the dev preset's jobs run against an S3 API
// on loopback (lakeFS's S3 gateway) with Postgres as the Dagster instance storage, configured by
// the generated deployments/dev/dagster.yaml; each in the pipeline's own environment (what its image
// installs, nothing more); the prod mode's resources initialise against the same services with
// prod's variables. And the compose deployment passes every variable these modes read.
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type LakeFSServer, startLakeFS } from '../helpers/lakefs.ts';
import { pipelineVenv } from '../helpers/pipeline-venv.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';
import { pythonScript, run } from '../helpers/python.ts';
import { createBucket, type S3Bucket, s3Env } from '../helpers/s3.ts';
import { makePlatform, tempDir } from '../helpers/workspace.ts';

// The transform reads this instead of its sample data, so its output proves where it read from.
const ORDERS =
  'order_id,order_date,customer_id,amount,status\n1,2026-02-01,c-1,10.00,completed\n2,2026-02-01,c-2,5.50,completed\n3,2026-02-02,c-1,7.25,cancelled\n';

interface Case {
  args: string[];
  devJobs: string[];
  prodJobs: string[];
  /** Keys the dev jobs must have written (under the pipeline's prefix), and checks of their content. */
  outputs: Record<string, (text: string) => void>;
}
const CASES: Record<string, Case> = {
  orders: {
    args: ['--template', 'transform'],
    devJobs: ['orders_dev_full'],
    prodJobs: ['orders_prod_full'],
    outputs: { 'marts/orders.csv': (text) => expect(text).toBe('day,orders,revenue\n2026-02-01,2,15.50\n') },
  },
  churn: {
    args: ['--template', 'ml', '--owner', 'ml-team'],
    devJobs: ['churn_train_dev_full', 'churn_score_dev_full'],
    prodJobs: ['churn_train_prod_full', 'churn_score_prod_full'],
    outputs: {
      'models/churn/model.pkl': (text) => expect(text.length).toBeGreaterThan(0),
      'predictions/churn.csv': (text) => expect(text).toMatch(/^customer_id,churn_risk\n(.+,[01]\.\d{4}\n)+$/),
    },
  },
  events: {
    args: ['--template', 'ingest'],
    devJobs: ['events_dev_full'],
    prodJobs: ['events_prod_full'],
    outputs: {
      'raw/events/events-2026-01-01.csv': (text) => expect(text).toMatch(/^event_id,occurred_at,kind,payload\ne-1,/),
      'raw/events/events-2026-01-02.csv': (text) => expect(text).toMatch(/^event_id,/),
      'rejected/events/events-2026-01-02.csv': (text) => expect(text).toContain('e-5,,login'),
    },
  },
};
const NAMES = Object.keys(CASES);
// A generous limit: a busy two-core machine runs several Dagster subprocesses per job.
const SLOW = 900_000;

let lakefs: LakeFSServer;
let postgres: PostgresServer;
let root: string;
let dev: S3Bucket;
let prod: S3Bucket;
const seeded: Record<string, string[]> = {};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

beforeAll(async () => {
  lakefs = await startLakeFS(tempDir('lakefs-'));
  postgres = await startPostgres(tempDir('postgres-'));
  root = makePlatform({ pipelines: NAMES.map((name) => [name, ...CASES[name]!.args]) });
  dev = await createBucket(lakefs, 'acme-dev', NAMES);
  prod = await createBucket(lakefs, 'acme-prod', NAMES);
  // The input each dev job reads: the pipeline's sample data, put in both buckets.
  for (const name of NAMES) {
    const sample = join(root, 'pipelines', name, 'src', name, 'sample_data');
    seeded[name] = [];
    for (const file of files(sample)) {
      const key = relative(sample, file);
      const content = name === 'orders' && key === 'raw/orders.csv' ? ORDERS : readFileSync(file);
      await dev.put(`${name}/${key}`, content);
      await prod.put(`${name}/${key}`, content);
      seeded[name].push(key);
    }
  }
}, SLOW);

afterAll(async () => {
  postgres?.stop();
  await lakefs?.stop();
});

describe.each(NAMES)('pipeline %s', (name) => {
  const spec = CASES[name]!;
  let report: {
    run_storage: string;
    runs: {
      job: string;
      run_id: string;
      success: boolean;
      status: string;
      tags: Record<string, string>;
      failures: string[];
    }[];
    prod: { job: string; store: string; keys: string[] }[];
  };

  it(
    "runs the dev preset's jobs against the S3 API, with the dev deployment's Postgres instance",
    async () => {
      const pipelineDir = join(root, 'pipelines', name);
      const python = pipelineVenv(pipelineDir);
      const home = tempDir('dagster-home-');
      copyFileSync(join(root, 'deployments', 'dev', 'dagster.yaml'), join(home, 'dagster.yaml'));
      const result = run(
        python,
        [pythonScript('run_dev_jobs.py'), join(pipelineDir, 'src'), name, ...spec.devJobs, '--', ...spec.prodJobs],
        pipelineDir,
        {
          DAGSTER_HOME: home,
          PIPELINE_DEPLOYMENT: 'dev',
          PYTHONPATH: join(pipelineDir, 'src'),
          PIPELINE_DEV_BUCKET: dev.name,
          PIPELINE_PROD_BUCKET: prod.name,
          ...postgres.dagsterEnv,
          ...s3Env(lakefs),
        },
        600_000,
      );
      expect(result.code, result.stderr.slice(-5000)).toBe(0);
      report = JSON.parse(result.stdout.trim().split('\n').at(-1)!);

      expect(report.run_storage).toBe('PostgresRunStorage');
      expect(report.runs.map((r) => r.job)).toEqual(spec.devJobs);
      for (const r of report.runs) {
        expect(r.failures, r.job).toEqual([]);
        expect(r).toMatchObject({
          success: true,
          status: 'SUCCESS',
          tags: { mode: 'dev', preset: 'dev_full', pipeline: name },
        });
      }

      // What the jobs wrote is in the dev bucket, under the pipeline's prefix, next to their input.
      const keys = await dev.list(`${name}/`);
      expect(keys.sort()).toEqual([...seeded[name]!, ...Object.keys(spec.outputs)].map((k) => `${name}/${k}`).sort());
      for (const [key, check] of Object.entries(spec.outputs)) check(await dev.get(`${name}/${key}`));
      // Nothing reached production.
      expect(await prod.list(`${name}/`)).toEqual(seeded[name]!.map((k) => `${name}/${k}`).sort());
    },
    SLOW,
  );

  it('recorded every run in Postgres, as succeeded', () => {
    const ids = report.runs.map((r) => `'${r.run_id}'`).join(', ');
    const rows = postgres.query(
      `SELECT pipeline_name, status FROM runs WHERE run_id IN (${ids}) ORDER BY create_timestamp`,
    );
    expect(rows).toEqual(spec.devJobs.map((job) => `${job}\tSUCCESS`));
    const steps = postgres.query(
      `SELECT count(*) FROM event_logs WHERE run_id IN (${ids}) AND dagster_event_type = 'STEP_SUCCESS'`,
    );
    expect(Number(steps[0])).toBeGreaterThan(0);
  });

  it("initialises the prod mode's resources with prod's variables only", () => {
    expect(report.prod.map((p) => p.job)).toEqual(spec.prodJobs);
    for (const p of report.prod) {
      expect(p.store).toBe(`s3://${prod.name}/${name}/`);
      expect(p.keys).toEqual([...seeded[name]!].sort());
    }
  });
});

describe('the compose deployment', () => {
  // What the dev and prod modes read: their buckets (dg.EnvVar in modes.py) and boto3's variables.
  const AWS = [
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ];
  const modeVariables = (name: string) => {
    const modes = readFileSync(join(root, 'pipelines', name, 'src', name, 'modes.py'), 'utf8');
    const read = (mode: string) =>
      [
        ...modes
          .split('\n')
          .find((line) => line.includes(`"${mode}": {"store": S3Store(`))!
          .matchAll(/dg\.EnvVar\("(\w+)"\)/g),
      ].map((m) => m[1]!);
    return { dev: read('dev'), prod: read('prod') };
  };

  it("passes every variable the dev and prod modes read to each pipeline's code server, never a literal secret", () => {
    const text = readFileSync(join(root, 'docker-compose.yaml'), 'utf8');
    const compose = parse(text, { merge: true });
    for (const name of NAMES) {
      const { dev: devVars, prod: prodVars } = modeVariables(name);
      expect(devVars).toEqual(['PIPELINE_DEV_BUCKET']);
      expect(prodVars).toEqual(['PIPELINE_PROD_BUCKET']);
      const environment = compose.services[name].environment;
      for (const variable of [...devVars, ...prodVars, ...AWS]) {
        expect(environment[variable], `${name}: ${variable}`).toMatch(new RegExp(`^\\$\\{${variable}:-[\\w-]*\\}$`));
      }
      expect(environment.DAGSTER_POSTGRES_PORT).toBe('5432');
    }
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY: (?!\$\{AWS_SECRET_ACCESS_KEY:-\})/);
  });

  it("passes dev mode's variables on to each run container, and reads the Postgres port from the environment", () => {
    const compose = parse(readFileSync(join(root, 'deployments', 'compose', 'dagster.yaml'), 'utf8'));
    const forwarded: string[] = compose.run_launcher.config.env_vars;
    expect(forwarded).toEqual(expect.arrayContaining(['DAGSTER_POSTGRES_PORT', 'PIPELINE_DEV_BUCKET', ...AWS]));
    expect(forwarded).not.toContain('PIPELINE_PROD_BUCKET');
    // The daemon (which launches runs) must have each one set, or the launch fails.
    const daemon = parse(readFileSync(join(root, 'docker-compose.yaml'), 'utf8'), { merge: true }).services.daemon
      .environment;
    for (const variable of forwarded) expect(Object.keys(daemon), variable).toContain(variable);
    for (const deployment of ['compose', 'dev', 'prod']) {
      const instance = parse(readFileSync(join(root, 'deployments', deployment, 'dagster.yaml'), 'utf8'));
      expect(instance.storage.postgres.postgres_db.port, deployment).toEqual({ env: 'DAGSTER_POSTGRES_PORT' });
    }
  });
});
