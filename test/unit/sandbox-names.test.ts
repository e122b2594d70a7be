import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.ts';
import { LAKEFS_BRANCH_ID, sandboxName, snowflakeDatabaseName } from '../../src/sandbox/names.ts';
import { guardTarget } from '../../src/sandbox/sandbox.ts';
import { acmePlatform } from '../helpers/platform.ts';

const platform = acmePlatform({ owners: ['a'] });

describe('sandbox names', () => {
  it('derive from the git branch, sanitised to a lakeFS branch id', () => {
    const name = sandboxName('feature/new-metric', 'sbx-');
    expect(name).toMatch(/^sbx-feature-new-metric-[0-9a-f]{6}$/);
    for (const branch of ['feature/x', 'Fix: ünïcode & spaces!', '---', 'a'.repeat(200), 'release/2026.11', 'main']) {
      expect(sandboxName(branch, 'sbx-'), branch).toMatch(LAKEFS_BRANCH_ID);
      expect(sandboxName(branch, 'sbx-').length).toBeLessThanOrEqual(4 + 40 + 7);
    }
  });

  it('differ for two branches that sanitise alike, and are stable for one branch', () => {
    expect(sandboxName('feature/x', 'sbx-')).not.toBe(sandboxName('feature-x', 'sbx-'));
    expect(sandboxName('feature/x', 'sbx-')).toBe(sandboxName('feature/x', 'sbx-'));
  });

  it('are Snowflake identifiers for the clone backend', () => {
    expect(snowflakeDatabaseName('feature/new-metric', 'sbx-')).toMatch(/^SBX_FEATURE_NEW_METRIC_[0-9A-F]{6}$/);
  });

  it('never name production: the guard refuses the production ref, protected branches and unprefixed names', () => {
    expect(() => guardTarget(platform, 'main')).toThrow(StateError);
    expect(() => guardTarget(platform, 'MAIN')).toThrow(/production ref or a protected branch/);
    expect(() => guardTarget(platform, 'feature-x')).toThrow(/sandbox names start with sbx-/);
    expect(() => guardTarget(platform, sandboxName('main', 'sbx-'))).not.toThrow();
  });
});
