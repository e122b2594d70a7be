// This repository's own Python (the scripts the suite runs under test/python/, and bench/*.py) is held
// to the rules a generated platform sets: ruff check and ruff format --check, with test/python/ruff.toml.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { RUFF, run } from '../helpers/python.ts';

const ROOT = packageRoot();
const CONFIG = join(ROOT, 'test', 'python', 'ruff.toml');
const files = [
  ...readdirSync(join(ROOT, 'test', 'python')).map((name) => join('test', 'python', name)),
  ...readdirSync(join(ROOT, 'bench')).map((name) => join('bench', name)),
].filter((path) => path.endsWith('.py'));

it('ruff check and ruff format --check pass on test/python/*.py and bench/*.py', () => {
  expect(files.length).toBeGreaterThan(5);
  const check = run(RUFF, ['check', '--no-cache', '--config', CONFIG, '--output-format', 'concise', ...files], ROOT);
  expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
  const format = run(RUFF, ['format', '--check', '--no-cache', '--config', CONFIG, '--diff', ...files], ROOT);
  expect(format.code, `${format.stdout}${format.stderr}`).toBe(0);
});
