// The gitignore-uv-lock step of pipeline upgrade: a platform's .gitignore that ignores no uv.lock
// gets the new platform's two lines, after `.pytest_cache/` (else at the end), every other line
// kept; one that ignores it already in any usual spelling, or has no .gitignore, is left alone.
// (test/e2e/upgrade.test.ts runs it on the v1 platform, which must end as a fresh one.)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planGitignoreUvLock, UV_LOCK_LINES } from '../../src/upgrade/codemods/gitignore-uv-lock.ts';
import { tempDir } from '../helpers/workspace.ts';

const TEMPLATE = join(import.meta.dirname, '..', '..', 'templates', 'platform', 'repo', '_dot_gitignore.hbs');

function planned(gitignore: string | undefined): string | null {
  const root = tempDir('gitignore-');
  if (gitignore !== undefined) writeFileSync(join(root, '.gitignore'), gitignore);
  const step = planGitignoreUvLock(root);
  if (!step) return null;
  const after = step.tree.read('.gitignore')!;
  writeFileSync(join(root, '.gitignore'), after);
  expect(planGitignoreUvLock(root), 'nothing to do the second time').toBeNull();
  return after;
}

describe('platform step gitignore-uv-lock', () => {
  it("adds the template's lines after .pytest_cache/, keeping every other line", () => {
    const template = readFileSync(TEMPLATE, 'utf8');
    expect(template).toContain(`.pytest_cache/\n${UV_LOCK_LINES.join('\n')}\n`);
    const without = template.replace(`${UV_LOCK_LINES.join('\n')}\n`, '');
    expect(planned(without)).toBe(template);
  });

  it('appends them to a .gitignore without .pytest_cache/ (and without a final newline)', () => {
    expect(planned('node_modules/\n# ours\n*.log')).toBe(`node_modules/\n# ours\n*.log\n${UV_LOCK_LINES.join('\n')}\n`);
  });

  it.each(['uv.lock', '**/uv.lock', 'pipelines/*/uv.lock', '/pipelines/*/uv.lock', '  uv.lock  '])(
    'leaves a .gitignore that ignores it already (%s)',
    (line) => {
      expect(planned(`.venv/\n${line}\n`)).toBeNull();
    },
  );

  it('leaves a platform without a .gitignore alone', () => {
    expect(planned(undefined)).toBeNull();
  });
});
