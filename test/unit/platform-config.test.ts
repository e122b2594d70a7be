import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { platformFiles } from '../../generators/platform/files.ts';
import { checkPlatformConfig } from '../../src/conventions/platform-config.ts';
import { ConfigError } from '../../src/errors.ts';
import { acmePlatform } from '../helpers/platform.ts';

const config = acmePlatform();
const rendered = () => parse(platformFiles(config).find((f) => f.path === 'platform.yaml')!.content);

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into the parsed YAML at any depth
function errorFor(mutate: (raw: Record<string, any>) => void): string {
  const raw = rendered();
  mutate(raw);
  try {
    checkPlatformConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return 'valid';
}

describe('platform.yaml', () => {
  it('as generated, reads back as the config it was made from', () => {
    expect(checkPlatformConfig(rendered())).toEqual(config);
  });

  it('names the key and the reason when it fails its schema', () => {
    expect(errorFor((r) => (r.deployments.prod.modes = ['production']))).toBe(
      'platform.yaml: deployments.prod.modes[0]: "production" is not a mode (expected one of: local, sandbox, dev, prod)',
    );
    expect(errorFor((r) => delete r.deployment_env_var)).toMatch(/^platform.yaml: deployment_env_var: is required/);
    expect(errorFor((r) => (r.deployment_env_var = 'pipeline-deployment'))).toMatch(
      /deployment_env_var: "pipeline-deployment" must be an environment variable name/,
    );
    expect(errorFor((r) => (r.default_deployment = 'staging'))).toMatch(
      /default_deployment: "staging" is not one of the deployments \(local, compose, dev, prod, sandbox\)/,
    );
    expect(errorFor((r) => (r.default_timezone = 'Mars/Base'))).toMatch(
      /default_timezone: "Mars\/Base" is not an IANA timezone/,
    );
    expect(errorFor((r) => (r.owners = []))).toMatch(/owners: must list at least one owner/);
    expect(errorFor((r) => (r.deployments.dev.run_launcher = 'k8s'))).toMatch(
      /deployments.dev.run_launcher: "k8s" is not a run launcher/,
    );
    expect(errorFor((r) => (r.deploymnets = {}))).toMatch(/deploymnets: is not a known key/);
    expect(errorFor((r) => (r.conventions_version = 'one'))).toMatch(/conventions_version: must be a whole number/);
    expect(errorFor((r) => (r.sandbox.repository = 'Bad Repo'))).toMatch(
      /sandbox.repository: "Bad Repo" must be a lakeFS repository id/,
    );
    // Empty, every branch of the repository (production's too) would read as a sandbox.
    expect(errorFor((r) => (r.sandbox.branch_prefix = ''))).toMatch(/sandbox.branch_prefix: is empty/);
  });

  it('accepts a platform that adds its own deployment', () => {
    expect(errorFor((r) => (r.deployments.staging = { modes: ['dev'], run_launcher: 'ecs', daemon: true }))).toBe(
      'valid',
    );
  });

  it('round-trips through YAML text', () => {
    expect(checkPlatformConfig(parse(stringify(rendered())))).toEqual(config);
  });
});
