// Every built-in codemod against its fixture cases (input, expected output): already migrated
// input stays as it is, comments and odd formatting are kept, and a second run changes nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CODEMODS } from '../../src/upgrade/codemods/index.ts';
import { codemodCases } from '../../src/upgrade/testing.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'codemods');

for (const codemod of BUILTIN_CODEMODS) {
  describe(`codemod ${codemod.id}`, () => {
    for (const testCase of codemodCases(join(FIXTURES, codemod.id))) {
      it(`${testCase.name}: gives the expected output`, async () => {
        const { changes, actual, expected } = await testCase.check(codemod);
        expect(actual).toEqual(expected);
        expect(changes > 0).toBe(JSON.stringify(actual) !== JSON.stringify((await testCase.check({ ...codemod, run: () => 0 })).actual));
      });
    }

    it('is idempotent: a second run on its own output changes nothing', async () => {
      for (const testCase of codemodCases(join(FIXTURES, codemod.id))) {
        const { actual, again, againActual } = await testCase.check(codemod);
        expect(again, testCase.name).toBe(0);
        expect(JSON.stringify(againActual)).toBe(JSON.stringify(actual));
      }
    });
  });
}
