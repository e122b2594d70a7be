// Values parsed from files, kept between runs (src/yaml/value-cache.ts): a run after the first
// gets the value without computing it, an edited text is computed again, and nothing about the
// cache file (missing, damaged, unwritable) changes a value or fails a run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { textKey } from '../../src/text-key.ts';
import { cachedValue, keepValuesIn } from '../../src/yaml/value-cache.ts';
import { tempDir } from '../helpers/workspace.ts';

/** A run: the cache as a new process finds it, and how many times it had to compute. */
function run(file: string | undefined) {
  keepValuesIn(file);
  let computed = 0;
  const value = (kind: string, text: string) =>
    cachedValue(kind, text, (t) => {
      computed++;
      return parse(t) as unknown;
    });
  return { value, computed: () => computed };
}

afterEach(() => keepValuesIn(undefined));

describe('values kept between runs', () => {
  it('are computed once, and a later run gets them from the file (a copy it may change)', () => {
    const file = join(tempDir('values-'), 'build-values.json');
    const first = run(file);
    expect(first.value('yaml', 'owners: [analytics, ml]')).toEqual({ owners: ['analytics', 'ml'] });
    expect(first.computed()).toBe(1);
    const second = run(file);
    const got = second.value('yaml', 'owners: [analytics, ml]') as { owners: string[] };
    expect(got).toEqual({ owners: ['analytics', 'ml'] });
    expect(second.computed()).toBe(0);
    got.owners.push('changed');
    expect(second.value('yaml', 'owners: [analytics, ml]')).toEqual({ owners: ['analytics', 'ml'] });
  });

  it('follow the text: an edited file, or the same text read as another kind, is computed again', () => {
    const file = join(tempDir('values-'), 'build-values.json');
    run(file).value('yaml', 'owners: [analytics]');
    const next = run(file);
    expect(next.value('yaml', 'owners: [analytics, ml]')).toEqual({ owners: ['analytics', 'ml'] });
    expect(next.value('other', 'owners: [analytics]')).toEqual({ owners: ['analytics'] });
    expect(next.computed()).toBe(2);
  });

  it('are taken only for the text they were computed from, whatever its key (two texts of one key)', () => {
    const file = join(tempDir('values-'), 'build-values.json');
    const text = 'services: {web: {}}';
    // What a second text of the same key (a collision of both hashes) would have left.
    writeFileSync(
      file,
      JSON.stringify({ [`yaml:${textKey(text)}`]: JSON.stringify({ text: 'other', value: { x: 1 } }) }),
    );
    const collided = run(file);
    expect(collided.value('yaml', text)).toEqual({ services: { web: {} } });
    expect(collided.computed()).toBe(1);
  });

  it('keep only what JSON gives back exactly, and nothing from a parse that failed', () => {
    const file = join(tempDir('values-'), 'build-values.json');
    const first = run(file);
    expect(first.value('yaml', 'limit: .inf')).toEqual({ limit: Number.POSITIVE_INFINITY });
    expect(() => first.value('yaml', 'a: [')).toThrow();
    const second = run(file);
    expect(second.value('yaml', 'limit: .inf')).toEqual({ limit: Number.POSITIVE_INFINITY });
    expect(() => second.value('yaml', 'a: [')).toThrow();
    expect(second.computed()).toBe(2);
  });

  it('are computed as usual from a damaged file, or with no file, or one that cannot be written', () => {
    const dir = tempDir('values-');
    const file = join(dir, 'build-values.json');
    writeFileSync(file, '{"yaml:1:2:3": not json');
    const damaged = run(file);
    expect(damaged.value('yaml', 'a: 1')).toEqual({ a: 1 });
    expect(damaged.computed()).toBe(1);
    // The damaged file was replaced by one that holds the value.
    expect(run(file).value('yaml', 'a: 1')).toEqual({ a: 1 });
    const none = run(undefined);
    none.value('yaml', 'a: 1');
    none.value('yaml', 'a: 1');
    expect(none.computed()).toBe(2);
    // Under a file, not a folder: nothing can be written there.
    const blocked = run(join(file, 'below-a-file.json'));
    expect(blocked.value('yaml', 'b: 2')).toEqual({ b: 2 });
  });

  it('keep the newest few of each kind, so the file stays small', () => {
    const file = join(tempDir('values-'), 'build-values.json');
    const first = run(file);
    first.value('compose', 'services: {web: {}}');
    for (let i = 0; i < 20; i++) first.value('yaml', `version: ${i}`);
    const kept = Object.keys(JSON.parse(readFileSync(file, 'utf8')));
    expect(kept.filter((key) => key.startsWith('yaml:'))).toHaveLength(8);
    const second = run(file);
    second.value('compose', 'services: {web: {}}');
    second.value('yaml', 'version: 19');
    expect(second.computed()).toBe(0);
    second.value('yaml', 'version: 0');
    expect(second.computed()).toBe(1);
  });
});
