import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { platformFile } from '../../generators/platform/files.ts';
import { defaultPlatformConfig } from '../../src/conventions/defaults.ts';
import { REGISTRATIONS, registerIn } from '../../generators/pipeline/registrations.ts';

const platform = defaultPlatformConfig({ name: 'acme', timezone: 'UTC', owners: ['analytics'], lakefsRepository: 'data', productionRef: 'main' });
const initial = (file: string) => platformFile(platform, file);
const register = (file: string, text: string, pipeline: string) => registerIn(REGISTRATIONS.find((r) => r.file === file)!, text, { pipeline, platform });

describe('registering a pipeline', () => {
  for (const { file } of REGISTRATIONS) {
    it(`in ${file} keeps the file's comments and is a no-op the second time`, () => {
      const withComment = `${initial(file)}# a comment a user added\n`;
      const once = register(file, withComment, 'orders');
      expect(once).toContain('# a comment a user added');
      expect(once).toContain(initial(file).split('\n')[0]);
      expect(once).toContain('orders');
      expect(register(file, once, 'orders')).toBe(once);
    });
  }

  it('lists both pipelines after two registrations, in order', () => {
    const two = (file: string) => register(file, register(file, initial(file), 'orders'), 'billing');
    expect(parse(two('workspace.yaml')).load_from.map((e: any) => e.python_module.location_name)).toEqual(['orders', 'billing']);
    expect(parse(two('deployments/compose/workspace.yaml')).load_from.map((e: any) => e.grpc_server.host)).toEqual(['orders', 'billing']);
    expect(parse(two('.github/workflows/pipelines.yaml')).jobs.test.strategy.matrix.pipeline).toEqual(['orders', 'billing']);
    const compose = parse(two('docker-compose.yaml'), { merge: true });
    expect(compose.services.orders.environment).toMatchObject({ PIPELINE_DEPLOYMENT: 'compose', DAGSTER_CURRENT_IMAGE: 'acme/orders:latest' });
    expect(Object.keys(compose.services)).toEqual(['postgres', 'webserver', 'daemon', 'orders', 'billing']);
  });

  it('keeps entries a user added by hand', () => {
    const text = 'load_from:\n  # the team\'s legacy location\n  - python_file: legacy/repo.py\n';
    const out = register('workspace.yaml', text, 'orders');
    expect(out).toContain("# the team's legacy location\n  - python_file: legacy/repo.py");
    expect(out.startsWith(text)).toBe(true);
    expect(parse(out).load_from).toHaveLength(2);
  });

  it('recreates a missing file from the platform template, with the pipeline in it', () => {
    expect(parse(register('.github/workflows/pipelines.yaml', '', 'orders')).jobs.test.strategy.matrix.pipeline).toEqual(['orders']);
    expect(parse(register('workspace.yaml', '', 'orders')).load_from).toHaveLength(1);
  });

  it('leaves every byte it does not need to touch as the user wrote it', () => {
    const text = 'load_from:   # the list\n  - python_file: a.py     # legacy, "odd"   spacing\n\n# trailing note\n';
    const out = register('workspace.yaml', text, 'orders');
    expect(out.startsWith('load_from:   # the list\n  - python_file: a.py     # legacy, "odd"   spacing\n  - python_module:\n')).toBe(true);
    expect(out.endsWith('\n# trailing note\n')).toBe(true);
    const ci = register('.github/workflows/pipelines.yaml', 'jobs:\n  test:\n    strategy:\n      matrix:\n        pipeline: [ a,  b ]   # ours\n', 'orders');
    expect(ci).toBe('jobs:\n  test:\n    strategy:\n      matrix:\n        pipeline: [ a,  b, orders ]   # ours\n');
  });

  it('refuses a file that is not valid YAML, naming it', () => {
    expect(() => register('workspace.yaml', 'load_from: [\n', 'orders')).toThrow(/^workspace.yaml is not valid YAML/);
  });
});
