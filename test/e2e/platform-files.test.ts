// The platform files are valid for the tools that read them: Dagster's instance config (with the
// launcher packages installed for real), actionlint for the CI workflow, and the Compose
// specification's JSON schema (from compose-go, Docker's own loader).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.ts';
import { PYTHON, pythonScript, run } from '../helpers/python.ts';
import { makePlatform, tempDir } from '../helpers/workspace.ts';

const TOOLS = join(packageRoot(), '.cache');
const ACTIONLINT = join(TOOLS, 'bin', 'actionlint');
const COMPOSE_SCHEMA = join(TOOLS, 'compose-spec.json');
if (!existsSync(ACTIONLINT) || !existsSync(COMPOSE_SCHEMA))
  throw new Error('run bash scripts/setup-tools.sh (npm test does it)');

let root: string;
beforeAll(() => {
  root = makePlatform({
    pipelines: [['orders'], ['churn', '--template', 'ml', '--owner', 'ml-team'], ['events', '--template', 'ingest']],
  });
});

describe("each deployment's dagster.yaml", () => {
  const DEPLOYMENTS = ['local', 'compose', 'dev', 'prod', 'sandbox'];
  // Every deployment's file, and one with a misspelt setting, checked in one Python process.
  let checked: Record<string, { lines: string[]; errors: string[] }> | undefined;
  let bad: string;
  const instance = (dir: string) => {
    if (!checked) {
      bad = tempDir('bad-instance-');
      const text = readFileSync(join(root, 'deployments', 'compose', 'dagster.yaml'), 'utf8').replace(
        'network:',
        'netwrok:',
      );
      writeFileSync(join(bad, 'dagster.yaml'), text);
      const dirs = [...DEPLOYMENTS.map((d) => join(root, 'deployments', d)), bad];
      const result = run(PYTHON, [pythonScript('check_instance.py'), '--json', ...dirs], root);
      expect(result.code, result.stderr).toBe(0);
      checked = JSON.parse(result.stdout);
    }
    return checked![dir === 'bad' ? bad : join(root, 'deployments', dir)]!;
  };

  for (const deployment of DEPLOYMENTS) {
    it(`passes Dagster's instance-config validation (${deployment})`, () => {
      const { lines, errors } = instance(deployment);
      expect(errors).toEqual([]);
      expect(lines.join('\n')).toContain('run_launcher:');
    });
  }

  it('is checked for real: a misspelt launcher setting fails', () => {
    const { errors } = instance('bad');
    expect(errors.join('\n')).toMatch(/netwrok/);
  });
});

describe('the CI workflow', () => {
  it('passes actionlint, and lists no pipeline: its matrix is the folder listing', () => {
    const file = join(root, '.github', 'workflows', 'pipelines.yaml');
    const result = run(ACTIONLINT, ['-no-color', file], root);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    for (const name of ['orders', 'churn', 'events']) expect(text).not.toContain(name);
    expect(parse(text).jobs.test.strategy.matrix.pipeline).toBe('${{ fromJSON(needs.list.outputs.pipelines) }}');
  });

  it("its list step yields exactly the pipeline folders, as the matrix's JSON", () => {
    const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'pipelines.yaml'), 'utf8'));
    const script = workflow.jobs.list.steps.find((s: { id?: string }) => s.id === 'list').run as string;
    const output = join(tempDir('gh-output-'), 'out');
    writeFileSync(output, '');
    const result = run('bash', ['-eo', 'pipefail', '-c', script], root, { GITHUB_OUTPUT: output });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('pipelines=["churn","events","orders"]\n');
  });

  it('is checked for real: a broken expression fails actionlint', () => {
    const dir = tempDir('bad-workflow-');
    const file = join(dir, 'ci.yaml');
    writeFileSync(
      file,
      readFileSync(join(root, '.github', 'workflows', 'pipelines.yaml'), 'utf8').replace(
        'matrix.pipeline }}',
        'matrix.pipelin }}',
      ),
    );
    expect(run(ACTIONLINT, ['-no-color', file], dir).code).not.toBe(0);
  });
});

describe('the compose file', () => {
  const validate = () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    return ajv.compile(JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')));
  };

  it('validates against the Compose specification and has a code server per pipeline', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yaml'), 'utf8'), { merge: true });
    const check = validate();
    expect(check(compose), JSON.stringify(check.errors)).toBe(true);
    expect(Object.keys(compose.services)).toEqual(['postgres', 'webserver', 'daemon', 'churn', 'events', 'orders']);
    expect(compose.services.orders.environment.PIPELINE_DEPLOYMENT).toBe('compose');
  });

  it('is checked for real: a service with an unknown key fails', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yaml'), 'utf8'), { merge: true });
    compose.services.orders.imagee = 'typo';
    expect(validate()(compose)).toBe(false);
  });

  it('names a gRPC code location for every pipeline service', () => {
    const workspace = parse(readFileSync(join(root, 'deployments', 'compose', 'workspace.yaml'), 'utf8'));
    expect(workspace.load_from.map((e: { grpc_server: { host: string } }) => e.grpc_server.host)).toEqual([
      'churn',
      'events',
      'orders',
    ]);
  });
});
