// Where lakeFS credentials come from and how the endpoint is normalised: the one story the CLI and
// the pipelines it runs share. Every bad value is one InputError line (exit 2) naming the fix.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { diffStat } from '../../src/sandbox/backend.ts';
import { checkEndpoint, lakefsCredentials, lakefsEnv } from '../../src/sandbox/credentials.ts';
import { patternMatches } from '../../src/sandbox/lakefs.ts';
import { tempDir } from '../helpers/workspace.ts';

const KEYS = { LAKEFS_ACCESS_KEY_ID: 'AK', LAKEFS_SECRET_ACCESS_KEY: 'SK' };

describe('lakeFS endpoints', () => {
  it.each([
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000'],
    ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000'],
    ['http://127.0.0.1:8000/api/v1', 'http://127.0.0.1:8000'],
    ['https://lakefs.example.com/api/v1/', 'https://lakefs.example.com'],
    ['https://example.com/lakefs/api/v1', 'https://example.com/lakefs'],
  ])('%s is normalised to %s', (given, normal) => {
    expect(checkEndpoint(given, 'LAKEFS_ENDPOINT')).toBe(normal);
  });

  it.each(['127.0.0.1:8000', 'localhost:8000', 'lakefs.example.com', 'ftp://host', 'http://'])(
    '%s is refused with one line naming the fix',
    (given) => {
      expect(() => checkEndpoint(given, 'LAKEFS_ENDPOINT')).toThrow(InputError);
      expect(() => checkEndpoint(given, 'LAKEFS_ENDPOINT')).toThrow(
        /is not an http\(s\) URL; write it with its scheme, e\.g\. http:\/\//,
      );
    },
  );
});

describe('credential sources, in order', () => {
  it('the environment first, with its endpoint normalised, and the same values passed on to a pipeline', () => {
    const credentials = lakefsCredentials({ ...KEYS, LAKEFS_ENDPOINT: 'http://h:1/api/v1', HOME: tempDir('home-') });
    expect(credentials).toMatchObject({ endpoint: 'http://h:1', accessKeyId: 'AK', source: 'the environment' });
    expect(lakefsEnv(credentials)).toEqual({
      LAKEFS_ENDPOINT: 'http://h:1',
      LAKEFS_ACCESS_KEY_ID: 'AK',
      LAKEFS_SECRET_ACCESS_KEY: 'SK',
    });
  });

  it('~/.lakectl.yaml next, lakectl-style endpoint included; LAKEFS_ENDPOINT still overrides its endpoint', () => {
    const home = tempDir('home-');
    writeFileSync(
      join(home, '.lakectl.yaml'),
      'credentials:\n  access_key_id: FK\n  secret_access_key: FS\nserver:\n  endpoint_url: http://file:8000/api/v1\n',
    );
    expect(lakefsCredentials({ HOME: home })).toMatchObject({
      endpoint: 'http://file:8000',
      accessKeyId: 'FK',
      source: join(home, '.lakectl.yaml'),
    });
    expect(lakefsCredentials({ HOME: home, LAKEFS_ENDPOINT: 'http://env:1' })).toMatchObject({
      endpoint: 'http://env:1',
      accessKeyId: 'FK',
    });
  });

  it("the sandbox env file's endpoint only when nothing else names one", () => {
    expect(lakefsCredentials({ ...KEYS, HOME: tempDir('home-') }, 'http://sandbox:9/api/v1').endpoint).toBe(
      'http://sandbox:9',
    );
    expect(
      lakefsCredentials({ ...KEYS, HOME: tempDir('home-'), LAKEFS_ENDPOINT: 'http://env:1' }, 'http://sandbox:9')
        .endpoint,
    ).toBe('http://env:1');
  });

  it('a malformed or wrongly shaped ~/.lakectl.yaml is one line, exit 2', () => {
    const home = tempDir('home-');
    writeFileSync(join(home, '.lakectl.yaml'), 'credentials:\n  access_key_id: [oops\n');
    expect(() => lakefsCredentials({ HOME: home })).toThrow(
      /\.lakectl\.yaml is not valid YAML \(.*\); fix it, or run lakectl config to rewrite it$/,
    );
    writeFileSync(join(home, '.lakectl.yaml'), '- a list\n');
    expect(() => lakefsCredentials({ HOME: home })).toThrow(/is not a lakectl config/);
  });

  it('a bad endpoint in ~/.lakectl.yaml names the file', () => {
    const home = tempDir('home-');
    writeFileSync(
      join(home, '.lakectl.yaml'),
      'credentials:\n  access_key_id: FK\n  secret_access_key: FS\nserver:\n  endpoint_url: lakefs:8000\n',
    );
    expect(() => lakefsCredentials({ HOME: home })).toThrow(
      `(from server.endpoint_url in ${join(home, '.lakectl.yaml')}) is not an http(s) URL`,
    );
  });
});

describe('branch protection patterns', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'main2', false],
    ['release-*', 'release-1', true],
    ['release-*', 'prerelease-1', false],
    ['a.b', 'axb', false],
  ] as const)('%s matches %s: %s', (pattern, branch, matches) => {
    expect(patternMatches(pattern, branch)).toBe(matches);
  });
});

describe('diff --stat', () => {
  it('counts changes per kind and top folder, with bytes and uncommitted writes', () => {
    const stat = diffStat([
      { path: 'marts/a.csv', change: 'added', sizeBytes: 10, committed: true },
      { path: 'marts/b.csv', change: 'changed', sizeBytes: 5, committed: false },
      { path: 'raw/c.csv', change: 'removed', sizeBytes: null, committed: true },
      { path: 'top.csv', change: 'added', sizeBytes: 1, committed: true },
    ]);
    expect(stat).toEqual({
      paths: 4,
      added: 2,
      changed: 1,
      removed: 1,
      uncommitted: 1,
      bytes: 16,
      folders: {
        'marts/': { added: 1, changed: 1, removed: 0 },
        'raw/': { added: 0, changed: 0, removed: 1 },
        'top.csv': { added: 1, changed: 0, removed: 0 },
      },
    });
  });
});
