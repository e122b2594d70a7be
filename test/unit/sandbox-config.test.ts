// platform.yaml's optional sandbox keys for the loop back to production: production_branch (where
// promote merges when production_ref is a tag or commit), git_main_branch and ttl_days.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { platformFiles } from '../../generators/platform/files.ts';
import { checkPlatformConfig } from '../../src/conventions/platform-config.ts';
import { acmePlatform } from '../helpers/platform.ts';

const config = acmePlatform({ productionRef: 'release-1' });
const withSandbox = (extra: Record<string, unknown>) => {
  const raw = parse(platformFiles(config).find((f) => f.path === 'platform.yaml')!.content);
  Object.assign(raw.sandbox, extra);
  return raw;
};

describe('sandbox loop keys in platform.yaml', () => {
  it('are optional: a generated platform.yaml has none of them', () => {
    const { sandbox } = checkPlatformConfig(withSandbox({}));
    expect(sandbox).not.toHaveProperty('productionBranch');
    expect(sandbox).not.toHaveProperty('gitMainBranch');
    expect(sandbox).not.toHaveProperty('ttlDays');
  });

  it('read back when given', () => {
    expect(
      checkPlatformConfig(withSandbox({ production_branch: 'prod', git_main_branch: 'trunk', ttl_days: 14 })).sandbox,
    ).toMatchObject({ productionBranch: 'prod', gitMainBranch: 'trunk', ttlDays: 14 });
  });

  it.each([
    [{ ttl_days: 0 }, 'platform.yaml: sandbox.ttl_days: 0 must be a positive number of days'],
    [{ ttl_days: '14' }, 'platform.yaml: sandbox.ttl_days: "14" must be a positive number of days'],
    [{ production_branch: 'a/b' }, 'platform.yaml: sandbox.production_branch: "a/b" must be a lakeFS branch id'],
    [{ git_main_branch: '' }, 'platform.yaml: sandbox.git_main_branch: is required and must be a non-empty string'],
  ])('%o is refused with the key and the reason', (extra, message) => {
    expect(() => checkPlatformConfig(withSandbox(extra))).toThrow(message);
  });
});
