// A large write (Transaction.applyConcurrently) goes in turns, and the old files a turn replaces
// take the next turn's bytes (Spares) instead of new temporary files. Small turns here
// (PIPELINE_TEST_WRITE_BATCH), so that a few files take several turns.
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Transaction } from '../../src/tree/transaction.ts';

let root: string;
/** An old file's bytes: longer than any new file's, so a spare that took new bytes must be cut short. */
const old = (id: string) => `old ${id}\n${'# padding\n'.repeat(300)}`;
beforeEach(() => {
  process.env.PIPELINE_TEST_WRITE_BATCH = '2';
  root = mkdtempSync(join(tmpdir(), 'txn-turns-'));
  for (const folder of ['a', 'b', 'c']) {
    mkdirSync(join(root, folder));
    for (const n of [1, 2, 3]) writeFileSync(join(root, folder, `m${n}.py`), old(`${folder}${n}`));
  }
});
afterEach(() => {
  delete process.env.PIPELINE_TEST_WRITE_BATCH;
});

/** Every file below `dir`, hidden ones included (a leftover temporary file or spare is one). */
function everyFile(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? everyFile(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

const paths = ['a', 'b', 'c'].flatMap((f) => [1, 2, 3].map((n) => `${f}/m${n}.py`));

async function writeAll(extra: string[] = []): Promise<void> {
  const tx = Transaction.begin(root, 'test');
  await tx.applyConcurrently({
    root,
    changes: [...paths, ...extra].map((path) => ({
      path,
      kind: 'modify' as const,
      content: `new ${path}\n`,
      before: existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null,
    })),
  });
  tx.commit();
}

it('writes every file, keeps each one its permission bits, and leaves no temporary file or spare', async () => {
  chmodSync(join(root, 'b/m2.py'), 0o755);
  chmodSync(join(root, 'c/m1.py'), 0o600);
  await writeAll(['d/new.py']);
  for (const path of [...paths, 'd/new.py']) expect(readFileSync(join(root, path), 'utf8')).toBe(`new ${path}\n`);
  expect(statSync(join(root, 'b/m2.py')).mode & 0o777).toBe(0o755);
  expect(statSync(join(root, 'c/m1.py')).mode & 0o777).toBe(0o600);
  expect(statSync(join(root, 'a/m1.py')).mode & 0o777).toBe(0o666 & ~process.umask());
  expect(everyFile(root).sort()).toEqual([...paths, 'd/new.py'].sort());
});

it('a file with another name elsewhere (a hard link) is never written into: that name keeps its bytes', async () => {
  linkSync(join(root, 'a/m1.py'), join(root, 'elsewhere.py'));
  linkSync(join(root, 'b/m3.py'), join(root, 'c/also.py'));
  await writeAll();
  expect(readFileSync(join(root, 'elsewhere.py'), 'utf8')).toBe(old('a1'));
  expect(readFileSync(join(root, 'c/also.py'), 'utf8')).toBe(old('b3'));
  for (const path of paths) expect(readFileSync(join(root, path), 'utf8')).toBe(`new ${path}\n`);
});

it('the old files of a turn take the next turns bytes: most new files are old files written again', async () => {
  const before = new Set(paths.map((path) => statSync(join(root, path)).ino));
  await writeAll();
  const reused = paths.filter((path) => before.has(statSync(join(root, path)).ino));
  // Nine files in turns of two: the first turn's two are new files, each later turn reuses.
  expect(reused.length).toBe(paths.length - 2);
});
