// A platform team's own codemod, end to end: `pipeline codemod new` writes and registers it (with
// ts-morph), its fixture cases run with `pipeline codemod test`, and `pipeline upgrade` runs it
// after the built-in ones, by version.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { builtBin } from '../../src/paths.ts';
import { binEnv, runBin } from '../helpers/cli.ts';
import { git, tempDir } from '../helpers/workspace.ts';

const V1 = join(import.meta.dirname, '..', 'fixtures', 'conventions-v1');
/** A platform's new codemod moves the conventions one past this CLI's. */
const NEXT = CONVENTIONS_VERSION + 1;
const pipeline = (root: string, ...args: string[]) => runBin('pipeline', args, root);
let root: string;

beforeAll(() => {
  root = tempDir('platform-codemods-');
  cpSync(V1, root, { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'v1');
  expect(pipeline(root, 'upgrade', '--commit').code).toBe(0);
});

describe("a platform's own codemod", () => {
  it('pipeline codemod new writes it and registers it in codemods/index.ts', () => {
    const result = pipeline(
      root,
      'codemod',
      'new',
      'add-example-setting',
      '--description',
      'Every pipeline gets EXAMPLE_SETTING',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Created codemod add-example-setting (v${NEXT})`);
    const index = readFileSync(join(root, 'codemods/index.ts'), 'utf8');
    expect(index).toContain("import { addExampleSetting } from './add-example-setting.ts';");
    expect(index).toContain('export const codemods: Codemod[] = [addExampleSetting];');
    expect(readFileSync(join(root, 'codemods/add-example-setting.ts'), 'utf8')).toContain(
      `id: "add-example-setting",\n  // The conventions version a pipeline is at after this codemod.\n  version: ${NEXT},`,
    );
    const again = pipeline(root, 'codemod', 'new', 'add-example-setting');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/a codemod with the id add-example-setting exists already/);
    // An id too long for a file name is refused as such, not by the file system.
    const long = pipeline(root, 'codemod', 'new', `a${'b'.repeat(299)}`);
    expect(long.code).toBe(2);
    expect(long.stderr).toBe('pipeline: error: codemod id abbbbbbbbbbbbbbbbbbb... is 300 characters; use at most 64\n');
    // The names of pipeline upgrade's own steps: one took the place of the step that records v6.
    for (const [id, why] of [
      [`v${NEXT}-conventions-version`, 'is the name of a step pipeline upgrade runs itself'],
      ['platform-yaml', 'is the name of a step pipeline upgrade runs itself'],
      ['v3-conventions-version', 'is the id of a built-in codemod'],
    ]) {
      const reserved = pipeline(root, 'codemod', 'new', id!);
      expect(reserved.code, id).toBe(2);
      expect(reserved.stderr).toBe(`pipeline: error: ${id} ${why}; choose another id\n`);
    }
    // A version JavaScript cannot hold exactly, or not written in digits, was taken (and changed).
    for (const version of ['99999999999999999999', '1e1', '2.0']) {
      const odd = pipeline(root, 'codemod', 'new', 'odd-version', '--version', version, '--dry-run');
      expect(odd.code, version).toBe(2);
      expect(odd.stderr).toBe(
        `pipeline: error: --version ${version} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (digits only)\n`,
      );
    }
    // A version every pipeline has passed: upgrade would never run it unasked, and it says so.
    const behind = pipeline(root, 'codemod', 'new', 'old-fix', '--version', '2', '--dry-run');
    expect(behind.code, behind.stderr).toBe(0);
    expect(behind.stdout).toMatch(
      /^Note: platform\.yaml is at conventions v\d+, so pipeline upgrade runs this v2 codemod only when asked: pipeline upgrade --codemod old-fix$/m,
    );
  });

  it('pipeline codemod test runs its fixture cases, and fails with a diff when one is wrong', () => {
    // Untested, it fails: a run of no case is no test.
    const none = pipeline(root, 'codemod', 'test', 'add-example-setting');
    expect(none.code, none.stdout).toBe(1);
    expect(none.stdout).toContain(
      'FAIL add-example-setting: no fixture cases in codemods/__fixtures__/add-example-setting/ (add <case>/input and <case>/expected)',
    );
    expect(none.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    const fixture = join(root, 'codemods/__fixtures__/add-example-setting/from-v3');
    const input = readFileSync(join(root, 'pipelines/orders/src/orders/conventions.py'), 'utf8');
    mkdirSync(join(fixture, 'input/src/orders'), { recursive: true });
    mkdirSync(join(fixture, 'expected/src/orders'), { recursive: true });
    writeFileSync(join(fixture, 'input/src/orders/conventions.py'), input);
    writeFileSync(
      join(fixture, 'expected/src/orders/conventions.py'),
      input.replace('PIPELINE = "orders"\n', 'PIPELINE = "orders"\nEXAMPLE_SETTING = True\n'),
    );
    const ok = pipeline(root, 'codemod', 'test');
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('ok   add-example-setting / from v3');
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');

    writeFileSync(
      join(fixture, 'expected/src/orders/conventions.py'),
      input.replace('PIPELINE = "orders"\n', 'PIPELINE = "orders"\nEXAMPLE_SETTING = False\n'),
    );
    const bad = pipeline(root, 'codemod', 'test', 'add-example-setting');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAIL add-example-setting / from v3');
    expect(bad.stdout).toContain('-EXAMPLE_SETTING = False\n+EXAMPLE_SETTING = True');
    writeFileSync(
      join(fixture, 'expected/src/orders/conventions.py'),
      input.replace('PIPELINE = "orders"\n', 'PIPELINE = "orders"\nEXAMPLE_SETTING = True\n'),
    );
    // The files decide whether a second run changed anything, not the count the codemod returns;
    // and a count that is not one is the codemod's bug, named.
    const file = join(root, 'codemods/add-example-setting.ts');
    const written = readFileSync(file, 'utf8');
    for (const [returns, line] of [
      ['return 0;', 'FAIL add-example-setting / from v3: a second run made changes (check for the target shape first)'],
      ['', 'FAIL add-example-setting / from v3: threw run returned undefined, not a number of edits:'],
      // What a codemod may throw besides an Error: one line, the value named.
      ['throw null;', 'FAIL add-example-setting / from v3: threw null (thrown, not an Error)'],
      // Python that does not parse fails the test, as pipeline upgrade refuses it, whatever expected/ holds.
      [
        "tree.write(path, tree.read(path)! + 'def broken(:\\n'); return 1;",
        'FAIL add-example-setting / from v3: src/orders/conventions.py:',
      ],
    ]) {
      writeFileSync(
        file,
        written.replace(
          /async run\(tree, \{ pipeline, engines \}\) \{[\s\S]*\n {2}\},\n\};/,
          `async run(tree, { pipeline }) {\n    const path = \`src/\${pipeline}/conventions.py\`;\n    tree.write(path, tree.read(path)!.replace('PIPELINE = "orders"\\n', 'PIPELINE = "orders"\\nEXAMPLE_SETTING = True\\n'));\n    ${returns}\n  },\n};`,
        ),
      );
      expect(readFileSync(file, 'utf8')).not.toBe(written);
      const wrong = pipeline(root, 'codemod', 'test', 'add-example-setting');
      expect(wrong.code, wrong.stdout).toBe(1);
      expect(wrong.stdout).toContain(line);
      if (returns.includes('broken'))
        expect(wrong.stdout).toMatch(/: the code it wrote does not parse \(.*\); pipeline upgrade would refuse it$/m);
    }
    writeFileSync(file, written);
  });

  it('pipeline upgrade lists it and runs it after the built-in codemods, then records its version', () => {
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'our codemod');
    expect(pipeline(root, 'upgrade', '--list').stdout).toMatch(
      new RegExp(`^add-example-setting\\s+v${NEXT}\\s+\\(platform\\) Every pipeline gets EXAMPLE_SETTING$`, 'm'),
    );
    // codemod list says the same, and as JSON too.
    const listed = pipeline(root, 'codemod', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual({
      id: 'add-example-setting',
      version: NEXT,
      description: 'Every pipeline gets EXAMPLE_SETTING',
      source: 'platform',
    });
    // The plan names every file the run writes: platform.yaml's version too.
    const plan = pipeline(root, 'upgrade', '--dry-run');
    expect(plan.stdout).toMatch(/^--- a\/platform\.yaml\t?\n\+\+\+ b\/platform\.yaml\t?\n@@/m);
    expect(plan.stdout).toMatch(
      new RegExp(`^-conventions_version: ${CONVENTIONS_VERSION}\n\\+conventions_version: ${NEXT}$`, 'm'),
    );
    expect(JSON.parse(pipeline(root, 'upgrade', '--dry-run', '--json').stdout).platformFiles).toEqual([
      'platform.yaml',
    ]);
    const result = pipeline(root, 'upgrade');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `orders\\s+${CONVENTIONS_VERSION}\\s+${NEXT}\\s+add-example-setting, v${NEXT}-conventions-version\\s+\\d+\\s+upgraded`,
      ),
    );
    const conventions = readFileSync(join(root, 'pipelines/churn/src/churn/conventions.py'), 'utf8');
    expect(conventions).toContain('PIPELINE = "churn"\nEXAMPLE_SETTING = True\n');
    // Its version closes as the built-in ones do: every job's conventions tag says it.
    expect(conventions).toContain(`CONVENTIONS_VERSION = ${NEXT}\n`);
    expect(readFileSync(join(root, 'platform.yaml'), 'utf8')).toContain(`conventions_version: ${NEXT}`);
    git(root, 'commit', '-qam', `upgraded to ${NEXT}`);
    expect(pipeline(root, 'upgrade').stdout).toMatch(
      new RegExp(`orders\\s+${NEXT}\\s+${NEXT}\\s+-\\s+0\\s+up-to-date`),
    );
  });

  it("pipeline check holds platform-owned files to the conventions plus the platform's codemods, past this CLI's version", () => {
    // conventions.py is platform-owned, and the codemod added EXAMPLE_SETTING to it: no finding.
    const clean = pipeline(root, 'check', '--json');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(
      JSON.parse(clean.stdout).findings.filter((f: { rule: string }) => f.rule === 'platform-owned-edited'),
    ).toEqual([]);
    // A hand edit that lets prod run the dev mode is found, as it is at the CLI's own version.
    const file = join(root, 'pipelines/orders/src/orders/conventions.py');
    const before = readFileSync(file, 'utf8');
    expect(before).toContain('"prod": ("prod",),');
    writeFileSync(file, before.replace('"prod": ("prod",),', '"prod": ("prod", "dev"),'));
    const edited = pipeline(root, 'check', '--json');
    writeFileSync(file, before);
    expect(edited.code, edited.stdout + edited.stderr).toBe(1);
    const findings = JSON.parse(edited.stdout).findings.filter(
      (f: { rule: string }) => f.rule === 'platform-owned-edited',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        pipeline: 'orders',
        file: 'pipelines/orders/src/orders/conventions.py',
        message: expect.stringContaining(
          `differs from what conventions v${CONVENTIONS_VERSION} with the platform's codemods to v${NEXT} and platform.yaml render`,
        ),
      }),
    ]);
  });

  it("a new pipeline in a platform past this CLI's conventions: its next steps upgrade it there, and check agrees", () => {
    const made = runBin('create-pipeline', ['fresh', '--yes', '--no-branch'], root);
    expect(made.code, made.stderr).toBe(0);
    const step = `npx pipeline upgrade --pipeline fresh --allow-dirty   # platform.yaml is at conventions v${NEXT} (your codemods); this generates v${CONVENTIONS_VERSION}`;
    expect(made.stdout).toContain(step);
    const behind = pipeline(root, 'check', '--pipeline', 'fresh', '--json');
    expect(JSON.parse(behind.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('conventions-behind');
    // The step as shown, then the pipeline is where the others are, with nothing to report.
    const upgraded = pipeline(root, ...step.split('#')[0]!.trim().split(/\s+/).slice(2));
    expect(upgraded.code, upgraded.stdout + upgraded.stderr).toBe(0);
    expect(readFileSync(join(root, 'pipelines/fresh/src/fresh/conventions.py'), 'utf8')).toContain(
      'PIPELINE = "fresh"\nEXAMPLE_SETTING = True\n',
    );
    const check = pipeline(root, 'check', '--pipeline', 'fresh', '--json');
    expect(check.code, check.stdout).toBe(0);
    expect(JSON.parse(check.stdout).findings).toEqual([]);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'fresh, upgraded');
  });

  it("a clone of the platform repo elsewhere uses the codemods transpiled for the first, in one folder of the user's cache", async () => {
    const cache = tempDir('codemods-cache-');
    const clone = join(tempDir('platform-clone-'), 'platform');
    git(root, 'clone', '-q', root, clone);
    for (const repo of [root, clone]) {
      const result = runBin('pipeline', ['upgrade', '--dry-run'], repo, { XDG_CACHE_HOME: cache });
      expect(result.code, result.stderr).toBe(0);
    }
    const kept = join(cache, 'create-pipeline-codemods');
    expect(readdirSync(kept)).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
    // A transpilation that lost a file (a cleaner of old files) is made again: it said the
    // codemods failed to load, at every run, until the folder was found and removed.
    const [one] = readdirSync(kept);
    rmSync(join(kept, one!, 'index.js'));
    const again = runBin('pipeline', ['upgrade', '--dry-run'], root, { XDG_CACHE_HOME: cache });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(kept, one!, 'index.js'))).toBe(true);
    // Both at once, on a machine that has not transpiled them yet: each loads them, and one
    // transpilation is left, whole (none half-written, no staging folder behind).
    const fresh = tempDir('codemods-cache-');
    const codes = await Promise.all(
      [root, clone].map(
        (repo) =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, [builtBin('pipeline'), 'upgrade', '--dry-run'], {
              cwd: repo,
              env: binEnv({ XDG_CACHE_HOME: fresh }),
              stdio: 'ignore',
            }).on('close', resolve),
          ),
      ),
    );
    expect(codes).toEqual([0, 0]);
    expect(readdirSync(join(fresh, 'create-pipeline-codemods'))).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
    // Never in the shared temporary folder, where another user could have made it first; without
    // a cache folder of the user's (no HOME), a private folder of the run's own.
    const tmp = tempDir('codemods-tmp-');
    const homeless = runBin('pipeline', ['upgrade', '--dry-run'], root, { TMPDIR: tmp, HOME: '', XDG_CACHE_HOME: '' });
    expect(homeless.code, homeless.stderr).toBe(0);
    const [own] = readdirSync(tmp).filter((name) => name.startsWith('create-pipeline-codemods-'));
    expect(statSync(join(tmp, own!)).mode & 0o777).toBe(0o700);
    expect(git(root, 'status', '--porcelain')).toBe('');
  });

  it('pipeline upgrade --codemod ID PATH runs a platform codemod on a folder outside the repo', () => {
    // A pipeline the generator never made, outside any platform: the codemods are those of the
    // platform the command runs in (it said "unknown codemod").
    const folder = join(tempDir('outside-pipeline-'), 'orders');
    cpSync(join(root, 'pipelines/orders'), folder, { recursive: true });
    const file = join(folder, 'src/orders/conventions.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('EXAMPLE_SETTING = True\n', ''));
    const result = pipeline(root, 'upgrade', '--codemod', 'add-example-setting', folder);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('PIPELINE = "orders"\nEXAMPLE_SETTING = True\n');
  });

  it('a codemod that writes outside its pipeline folder fails that pipeline, and nothing is written anywhere', () => {
    const outside = join(tempDir('outside-'), 'absolute.txt');
    const ignored = git(root, 'status', '--porcelain', '--ignored');
    expect(pipeline(root, 'codemod', 'new', 'escape', '--description', 'writes outside').code).toBe(0);
    for (const [path, edit] of [
      ['../../escaped.txt', 'tree.write(path, "x")'],
      [outside, 'tree.write(path, "y")'],
      ['../orders/README.md', 'tree.read(path)'],
    ]) {
      writeFileSync(
        join(root, 'codemods/escape.ts'),
        `import type { Codemod } from '@create-pipeline/cli';\nconst path = ${JSON.stringify(path)};\nexport const escape: Codemod = { id: 'escape', version: ${NEXT + 1}, description: 'writes outside', run(tree) { ${edit}; tree.write('ok.txt', 'z'); return 1; } };\n`,
      );
      git(root, 'add', '-A');
      git(root, 'commit', '-qm', `escape ${path}`);
      const result = pipeline(root, 'upgrade', '--json');
      expect(result.code, result.stderr).toBe(1);
      const failed = JSON.parse(result.stdout).pipelines.map((p: { error?: string }) => p.error);
      expect(failed).toEqual(
        Array(readdirSync(join(root, 'pipelines')).length).fill(
          expect.stringContaining(`escape: ${JSON.stringify(path)} leads out of the folder this tree works on (`),
        ),
      );
      expect(git(root, 'status', '--porcelain', '--ignored')).toBe(ignored);
    }
    expect(existsSync(join(root, 'escaped.txt')) || existsSync(outside)).toBe(false);
    git(root, 'rm', '-rq', 'codemods/escape.ts', 'codemods/__fixtures__/escape');
    git(root, 'checkout', '-q', 'HEAD~3', '--', 'codemods/index.ts');
    git(root, 'commit', '-qam', 'no escape');
  });

  it('a codemod that fails to load is named as written, not as its transpiled JavaScript', () => {
    const index = join(root, 'codemods/index.ts');
    const written = readFileSync(index, 'utf8');
    writeFileSync(
      index,
      written.replace('import { addExampleSetting }', 'import { addExampleSettin as addExampleSetting }'),
    );
    const result = pipeline(root, 'upgrade', '--dry-run');
    writeFileSync(index, written);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "pipeline: error: codemods/index.ts failed to load (The requested module './add-example-setting.ts' does not provide an export named 'addExampleSettin'); fix it, or run pipeline codemod test\n",
    );
  });

  it('a codemod that does not compile is a clear error naming the file', () => {
    writeFileSync(join(root, 'codemods/add-example-setting.ts'), 'export const broken = {');
    const result = pipeline(root, 'upgrade', '--dry-run');
    expect(result.code).toBe(2);
    // Where: its line and column, as an editor takes them.
    expect(result.stderr).toMatch(/^pipeline: error: codemods\/add-example-setting.ts:1:\d+: .*; fix the codemod\n$/);
  });
});
