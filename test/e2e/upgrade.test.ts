// pipeline upgrade on a platform repo generated at conventions v1 (test/fixtures/conventions-v1):
// it ends identical to one generated fresh at the current version, behaves the same under
// Dagster, changes nothing the second time, and keeps every failure to its own pipeline.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { expectLoaded, inspectMany, loadMany } from '../helpers/load-many.ts';
import { PYTHON, pythonScript, ruffProblems, run } from '../helpers/python.ts';
import { addUatDeployment, git, makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

const V1 = join(import.meta.dirname, '..', 'fixtures', 'conventions-v1');
const PIPELINES = ['churn', 'events', 'orders'];
const upgrade = (root: string, args: string[] = []) => runBin('pipeline', ['upgrade', ...args], root);
const CODEMODS = [
  'v2-conventions-tag',
  'v2-answers-deployment-env-var',
  'v3-dg-project',
  'v3-s3-store',
  'v3-conventions-version',
  'v4-ruff-format',
  'v4-conventions-version',
  'v5-added-modules',
  'v5-conventions-version',
];
/** Files each pipeline's upgrade changes (the ingest pipeline's own test too, from v4; added_schedules/ and added_sensors/ from v5). */
const FILES_CHANGED: Record<string, number> = { churn: 15, events: 16, orders: 15 };
/** Derived by `pipeline sync` (and never committed) from conventions v3; the upgrade takes them out of git's index. */
const DERIVED = /^(dg\.toml|docker-compose\.yaml|deployments\/compose\/workspace\.yaml)$/m;

/** A copy of the v1 platform, committed in a fresh git repository. */
function v1Platform(): string {
  const root = tempDir('v1-platform-');
  cpSync(V1, root, { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'platform at conventions v1');
  return root;
}

/** The same platform and pipelines, generated fresh by this CLI. */
function freshPlatform(): string {
  const root = tempDir('fresh-platform-');
  const steps = [
    ['--platform', '--platform-name', 'acme', '--owners', 'analytics,ml-team'],
    ['orders', '--template', 'transform', '--owner', 'analytics'],
    ['churn', '--template', 'ml', '--owner', 'ml-team'],
    ['events', '--template', 'ingest', '--owner', 'analytics'],
  ];
  for (const args of steps) expect(createPipeline([...args, '--no-branch'], root).code).toBe(0);
  return root;
}

const files = (root: string) => {
  const all = treeFingerprint(root);
  for (const key of [...all.keys()]) if (key.startsWith('git:') || key.endsWith('README.md')) all.delete(key);
  return all;
};

describe('upgrading a platform made at conventions v1', () => {
  let upgraded: string;
  let fresh: string;

  beforeAll(() => {
    upgraded = v1Platform();
    fresh = freshPlatform();
  });

  it('upgrades every pipeline and prints the summary table', () => {
    const result = upgrade(upgraded);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^pipeline\s+from\s+to\s+codemods applied\s+files changed\s+status\n/);
    for (const name of PIPELINES)
      expect(result.stdout).toMatch(
        new RegExp(
          `${name}\\s+1\\s+${CONVENTIONS_VERSION}\\s+${CODEMODS.join(', ')}\\s+${FILES_CHANGED[name]}\\s+upgraded`,
        ),
      );
    expect(result.stdout).toContain(
      'platform: v3-platform-layout, v4-ruff-config: 12 files changed, then pipeline sync wrote the derived files\n',
    );
    expect(git(upgraded, 'ls-files')).not.toMatch(DERIVED);
  });

  it("ends byte-identical to a fresh generation (the owners' READMEs aside)", () => {
    expect(files(upgraded)).toEqual(files(fresh));
  });

  it('behaves the same under Dagster: the same jobs, schedules, sensors and job tags in every deployment', async () => {
    const deployments = ['local', 'compose', 'dev', 'prod', 'sandbox'];
    // Each repo's pipelines in every deployment, in one Python process per repo.
    const [inUpgraded, inFresh] = await Promise.all(
      [upgraded, fresh].map((root) => inspectMany(root, PIPELINES, deployments)),
    );
    for (const deployment of deployments) {
      const [a, b] = [inUpgraded![deployment]!, inFresh![deployment]!];
      expect(a, deployment).toEqual(b);
      expect(
        Object.values(a.orders!.job_tags).every(
          (tags) => (tags as Record<string, string>).conventions === String(CONVENTIONS_VERSION),
        ),
      ).toBe(true);
    }
  });

  it('changes nothing the second time', () => {
    git(upgraded, 'add', '-A');
    git(upgraded, 'commit', '-qm', 'upgraded');
    const before = treeFingerprint(upgraded);
    const again = upgrade(upgraded);
    expect(again.code).toBe(0);
    for (const name of PIPELINES)
      expect(again.stdout).toMatch(
        new RegExp(`${name}\\s+${CONVENTIONS_VERSION}\\s+${CONVENTIONS_VERSION}\\s+-\\s+0\\s+up-to-date`),
      );
    expect(treeFingerprint(upgraded)).toEqual(before);
  });
});

describe('pipeline upgrade', () => {
  it('--dry-run prints a unified diff per file and the summary, and writes nothing', () => {
    const root = v1Platform();
    const before = treeFingerprint(root);
    const result = upgrade(root, ['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--- a/pipelines/orders/src/orders/deployments.py');
    expect(result.stdout).toContain('+                "conventions": str(conventions.CONVENTIONS_VERSION),');
    expect(result.stdout).toContain('+deployment_env_var: PIPELINE_DEPLOYMENT');
    expect(result.stdout).toContain('--- a/workspace.yaml\t\n+++ /dev/null');
    expect(result.stdout).toContain(
      'platform: v3-platform-layout, v4-ruff-config: 12 files changed (then pipeline sync writes the derived files)',
    );
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(treeFingerprint(root)).toEqual(before);
    const json = JSON.parse(upgrade(root, ['--dry-run', '--json']).stdout);
    expect(
      json.pipelines.map((p: { pipeline: string; from: number; to: number; status: string }) => [
        p.pipeline,
        p.from,
        p.to,
        p.status,
      ]),
    ).toEqual(PIPELINES.map((p) => [p, 1, CONVENTIONS_VERSION, 'upgraded']));
  });

  it('leaves a pipeline whose codemod fails exactly as it was, upgrades the others, and exits 1', () => {
    const root = v1Platform();
    // A team renamed the function the codemod edits, in one file of a multi-file change.
    const file = join(root, 'pipelines/events/src/events/deployments.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('def build_jobs(', 'def make_jobs('));
    git(root, 'commit', '-qam', 'rename');
    const events = () => [...treeFingerprint(root)].filter(([k]) => k.startsWith('pipelines/events/'));
    const before = events();
    const result = upgrade(root);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /events\s+1\s+1\s+-\s+0\s+FAILED: v2-conventions-tag: deployments.py has no build_jobs function/,
    );
    expect(result.stdout).toMatch(new RegExp(`orders\\s+1\\s+${CONVENTIONS_VERSION}\\s+.*upgraded`));
    expect(events()).toEqual(before);
    expect(readFileSync(join(root, 'platform.yaml'), 'utf8')).toContain('conventions_version: 1');
    // The platform step waits for every pipeline: the registration files are still there.
    expect(result.stdout).not.toContain('v3-platform-layout');
    expect(existsSync(join(root, 'workspace.yaml'))).toBe(true);
  });

  it('refuses a dirty git tree unless --allow-dirty', () => {
    const root = v1Platform();
    writeFileSync(join(root, 'notes.txt'), 'wip\n');
    const refused = upgrade(root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'pipeline: error: the git tree has 1 uncommitted change (notes.txt); commit or stash them, or pass --allow-dirty\n',
    );
    expect(upgrade(root, ['--allow-dirty']).code).toBe(0);
    expect(readFileSync(join(root, 'notes.txt'), 'utf8')).toBe('wip\n');
  });

  it('--commit makes one commit per codemod, one recording the version, then one for the platform step', () => {
    const root = v1Platform();
    expect(upgrade(root, ['--commit']).code).toBe(0);
    expect(git(root, 'log', '--format=%s').split('\n')).toEqual([
      "chore(upgrade): ignore each pipeline's uv.lock",
      'chore(upgrade): pin @create-pipeline/cli, the pipeline CLI',
      'chore(upgrade): v3-platform-layout, v4-ruff-config',
      'chore(upgrade): record the new conventions version',
      ...[...CODEMODS].reverse().map((id) => `chore(upgrade): ${id}`),
      'platform at conventions v1',
    ]);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD~12').split('\n')).toContain(
      'pipelines/orders/src/orders/deployments.py',
    );
    // v5-added-modules: the packages of added schedules and sensors, and the modules that load them;
    // the tests that build sensors (and conftest.py's placeholders) take the jobs' MODES.
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD~5').split('\n').sort()).toEqual(
      PIPELINES.flatMap((p) => [
        ...['added_schedules/__init__.py', 'added_sensors/__init__.py', 'definitions.py', 'deployments.py'].map(
          (f) => `pipelines/${p}/src/${p}/${f}`,
        ),
        `pipelines/${p}/tests/conftest.py`,
        ...(p === 'events' ? [`pipelines/${p}/tests/test_ingest.py`] : []),
        `pipelines/${p}/tests/test_schedules_and_sensors.py`,
      ]),
    );
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD~2').split('\n')).toContain(
      'docker-compose.platform.yaml',
    );
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD~1').split('\n').sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
    ]);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD').split('\n')).toEqual(['.gitignore']);
    expect(git(root, 'status', '--porcelain')).toBe('');
    expect(git(root, 'ls-files')).not.toMatch(DERIVED);
    expect(git(root, 'ls-files')).not.toMatch(/^workspace\.yaml$/m);
  });

  it('--pipeline limits the run, by name or glob; an unmatched one is an error', () => {
    const root = v1Platform();
    const only = upgrade(root, ['--pipeline', 'orders', '--pipeline', 'ch*', '--dry-run', '--json']);
    expect(JSON.parse(only.stdout).pipelines.map((p: { pipeline: string }) => p.pipeline)).toEqual(['churn', 'orders']);
    const none = upgrade(root, ['--pipeline', 'nope']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--pipeline nope matches no pipeline/);
  });

  it('--codemod ID PATH runs one codemod on a folder the generator never made', () => {
    const dir = tempDir('legacy-');
    cpSync(join(V1, 'pipelines/orders'), join(dir, 'orders'), { recursive: true });
    rmSync(join(dir, 'orders/.pipeline-answers.yaml'));
    const result = upgrade(dir, ['--codemod', 'v2-conventions-tag', 'orders']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'orders/src/orders/conventions.py'), 'utf8')).toContain('CONVENTIONS_VERSION = 2');
    expect(existsSync(join(dir, 'orders/.pipeline-answers.yaml'))).toBe(false);
    // A PATH that is a file or nothing: one line naming it, exit 2, nothing written (a file was an
    // internal error, exit 1, that blamed the disk).
    const before = treeFingerprint(dir);
    for (const [path, why] of [
      ['orders/setup.py', 'is a file, not a folder; pass the folder of a pipeline'],
      ['nowhere', 'does not exist; pass the folder of a pipeline'],
    ]) {
      writeFileSync(join(dir, 'orders/setup.py'), 'from setuptools import setup\n');
      for (const flags of [[], ['--dry-run'], ['--json']]) {
        const refused = upgrade(dir, ['--codemod', 'v2-conventions-tag', path!, ...flags]);
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stderr.trimEnd().split('\n')).toEqual([`pipeline: error: ${join(dir, path!)} ${why}`]);
      }
      rmSync(join(dir, 'orders/setup.py'));
      expect(treeFingerprint(dir)).toEqual(before);
    }
  });

  it('--list shows every codemod with its version and why', () => {
    const result = upgrade(process.cwd(), ['--list']);
    expect(result.stdout).toMatch(/^v2-conventions-tag\s+v2\s+Tag every job/m);
    expect(result.stdout).toMatch(/^v2-answers-deployment-env-var\s+v2\s+Record the deployment/m);
    expect(result.stdout).toMatch(/^v3-dg-project\s+v3\s+Make the pipeline a dg project/m);
    expect(result.stdout).toMatch(/^v3-s3-store\s+v3\s+S3Store reads/m);
    expect(result.stdout).toMatch(/^v3-conventions-version\s+v3\s+Record conventions v3/m);
  });
});

// A platform team changes platform.yaml (a deployment, as docs/add.md shows) while pipelines are
// on main and one is still on its branch: every pipeline's platform-owned conventions.py is then
// stale. `pipeline check` says which files only need rendering again and which someone edited;
// `pipeline upgrade` renders the stale ones again, in its own commit, and leaves the edited one.
describe('after a change to platform.yaml', () => {
  const check = (root: string) =>
    (
      JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings as {
        rule: string;
        file: string;
        message: string;
        fix: string;
      }[]
    )
      .filter((f) => f.rule === 'platform-owned-edited')
      .map((f) => `${f.file}: ${/earlier platform\.yaml/.test(f.message) ? 'stale' : 'edited'}: ${f.fix}`)
      .sort();
  const note = '# our own note on these jobs\n';
  const uat = (root: string) =>
    loadMany(
      ['churn', 'events', 'orders'].map((name) => ({
        project: join(root, 'pipelines', name),
        env: { PIPELINE_DEPLOYMENT: 'uat' },
      })),
    );

  it('check tells stale from edited; upgrade renders the stale files again, and Dagster loads them in the new deployment', async () => {
    const root = makePlatform({
      pipelines: [
        ['orders', '--template', 'transform', '--owner', 'analytics'],
        ['churn', '--template', 'ml', '--owner', 'ml-team'],
      ],
    });
    // events is still on its branch, made from the platform.yaml of before.
    expect(createPipeline(['events', '--template', 'ingest', '--owner', 'analytics'], root).code).toBe(0);
    git(root, 'checkout', '-q', 'main');
    const deployments = join(root, 'pipelines/churn/src/churn/deployments.py');
    writeFileSync(deployments, readFileSync(deployments, 'utf8') + note);
    git(root, 'commit', '-qam', 'a note in a platform-owned file');
    addUatDeployment(root, { upgradeSteps: false });
    git(root, 'merge', '--no-ff', '--no-edit', '-q', 'pipeline/events');
    const platformFindings = (rule: string) =>
      JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings.filter(
        (f: { rule: string }) => f.rule === rule,
      );
    const ci = () => platformFindings('ci-deployments');
    expect(ci()).toEqual([expect.objectContaining({ message: expect.stringMatching(/uat is never checked$/) })]);
    // uat has no Dagster instance config yet.
    expect(platformFindings('deployment-instances')).toEqual([
      expect.objectContaining({
        file: 'platform.yaml',
        message: expect.stringMatching(/^the deployment uat has no deployments\/uat\/dagster\.yaml/),
      }),
    ]);
    expect(existsSync(join(root, 'deployments/uat/dagster.yaml'))).toBe(false);

    // Before: no pipeline loads where the new deployment runs.
    for (const loaded of await uat(root)) expect(loaded.error, loaded.project).toMatch(/uat/);
    const fix = (name: string) =>
      `stale: npx pipeline upgrade --pipeline ${name} renders it again from today's platform.yaml and answers (commit them first, or add --allow-dirty)`;
    const edited =
      'pipelines/churn/src/churn/deployments.py: edited: move your change into a module of yours (ops.py, jobs.py, presets.py, schedules.py, sensors.py) and restore the platform-owned line';
    expect(check(root)).toEqual([
      `pipelines/churn/src/churn/conventions.py: ${fix('churn')}`,
      edited,
      `pipelines/events/src/events/conventions.py: ${fix('events')}`,
      `pipelines/orders/src/orders/conventions.py: ${fix('orders')}`,
    ]);

    // A commit git refuses rolls every file back, says why in one line and names the way to write
    // without committing; another git command's lock is left where it is.
    const lock = join(root, '.git', 'index.lock');
    const refusedCommit = (env: Record<string, string>, message: RegExp) => {
      const before = treeFingerprint(root);
      const refused = runBin('pipeline', ['upgrade', '--commit'], root, env);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr.trimEnd().split('\n'), refused.stderr).toEqual([expect.stringMatching(message)]);
      expect(treeFingerprint(root)).toEqual(before);
    };
    writeFileSync(lock, '');
    refusedCommit({}, /^pipeline: error: git is busy: \.git\/index\.lock exists .*; wait for it to end, or remove/);
    expect(existsSync(lock), "the other git command's lock").toBe(true);
    rmSync(lock);
    refusedCommit(
      { GIT_AUTHOR_NAME: '', GIT_COMMITTER_NAME: '' },
      /^pipeline: error: git commit failed \(git does not know who you are\); set git's user\.name and user\.email, or run pipeline upgrade without --commit to write the files without committing$/,
    );

    const result = upgrade(root, ['--commit']);
    expect(result.code, result.stderr).toBe(0);
    for (const name of ['churn', 'events', 'orders'])
      expect(result.stdout).toMatch(
        new RegExp(`${name}\\s+${CONVENTIONS_VERSION}\\s+${CONVENTIONS_VERSION}\\s+platform-yaml\\s+1\\s+upgraded`),
      );
    expect(git(root, 'log', '-3', '--format=%s').split('\n')).toEqual([
      "chore(upgrade): each deployment's Dagster instance follows platform.yaml",
      "chore(upgrade): CI checks platform.yaml's deployments",
      "chore(upgrade): render platform-owned files again from today's platform.yaml",
    ]);
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD')).toBe('deployments/uat/dagster.yaml');
    expect(platformFindings('deployment-instances')).toEqual([]);
    // The instance config Dagster reads in uat: its schema, and its launcher's and coordinator's.
    const instance = run(PYTHON, [pythonScript('check_instance.py'), join(root, 'deployments/uat')], root);
    expect(instance.code, instance.stderr).toBe(0);
    expect(readFileSync(join(root, 'deployments/uat/dagster.yaml'), 'utf8')).toMatch(
      /^# Dagster instance for the uat deployment \(modes: staging\)\.\n[\s\S]*QueuedRunCoordinator/,
    );
    expect(git(root, 'show', '--name-only', '--format=', 'HEAD~2').split('\n').sort()).toEqual(
      ['churn', 'events', 'orders'].map((name) => `pipelines/${name}/src/${name}/conventions.py`),
    );
    // CI's per-deployment check now runs in uat too.
    expect(readFileSync(join(root, '.github/workflows/pipelines.yaml'), 'utf8')).toContain(
      '          for deployment in local compose dev prod uat sandbox; do\n',
    );
    expect(ci()).toEqual([]);
    expect(readFileSync(deployments, 'utf8').endsWith(note)).toBe(true);
    expect(check(root)).toEqual([edited]);
    // After: each loads there, with nothing of its own (none of them is released to uat).
    for (const loaded of await uat(root)) {
      expectLoaded(loaded);
      expect(loaded.jobs, loaded.project).toEqual([]);
    }
    // And a second run has nothing left to render.
    expect(upgrade(root).stdout).not.toContain('platform-yaml');
  });
});

// Deployments renamed in platform.yaml: each has its Dagster instance config under its new name,
// and the generated config of the old name goes; one edited by hand stays, with a TODO.
describe("after a deployment's rename", () => {
  it('upgrade renders the instance config under the new name and removes the old one, unless edited', () => {
    const root = makePlatform({ pipelines: [['orders', '--template', 'transform', '--owner', 'analytics']] });
    const instance = (name: string) => join(root, 'deployments', name, 'dagster.yaml');
    const dev = readFileSync(instance('dev'), 'utf8');
    writeFileSync(instance('local'), `${readFileSync(instance('local'), 'utf8')}# ours: keep run history\n`);
    git(root, 'commit', '-qam', 'a note in the local instance');
    const platform = join(root, 'platform.yaml');
    const text = readFileSync(platform, 'utf8');
    const renamed = text.replace('\n  dev:\n', '\n  staging:\n').replace('\n  local:\n', '\n  laptop:\n');
    expect(renamed.split('\n').length).toBe(text.split('\n').length);
    writeFileSync(platform, renamed.replace('default_deployment: local', 'default_deployment: laptop'));
    git(root, 'commit', '-qam', 'dev is staging now, local is laptop');
    const findings = () =>
      (
        JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings as {
          rule: string;
          file: string;
        }[]
      )
        .filter((f) => f.rule === 'deployment-instances')
        .map((f) => f.file);
    expect(findings()).toEqual([
      'deployments/dev/dagster.yaml',
      'deployments/local/dagster.yaml',
      'platform.yaml',
      'platform.yaml',
    ]);

    const dry = upgrade(root, ['--dry-run', '--allow-dirty']);
    expect(dry.stdout).toMatch(/^--- a\/deployments\/dev\/dagster\.yaml\s*\n\+\+\+ \/dev\/null/m);
    expect(dry.stdout).toContain(
      'platform: deployment-instances: deployments/laptop/dagster.yaml, deployments/staging/dagster.yaml would be rendered from platform.yaml; deployments/dev/dagster.yaml would be removed (no such deployment in platform.yaml)',
    );
    expect(existsSync(instance('dev'))).toBe(true);

    const result = upgrade(root, ['--allow-dirty']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /platform: deployment-instances: deployments\/laptop\/dagster\.yaml, deployments\/staging\/dagster\.yaml rendered from platform\.yaml; deployments\/dev\/dagster\.yaml removed \(no such deployment in platform\.yaml\)\n {2}TODO: deployments\/local\/dagster\.yaml is for local, which platform\.yaml no longer has \(renamed or removed\?\), and is not what an earlier platform\.yaml rendered \(edited by hand\?\): it was kept/,
    );
    expect(existsSync(instance('dev'))).toBe(false);
    expect(existsSync(join(root, 'deployments', 'dev')), 'the folder it left empty').toBe(false);
    // The same instance under its new name, whose ECS runs load as staging (they loaded as dev).
    expect(readFileSync(instance('staging'), 'utf8')).toBe(
      dev
        .replace('for the dev deployment', 'for the staging deployment')
        .replace('- PIPELINE_DEPLOYMENT=dev\n', '- PIPELINE_DEPLOYMENT=staging\n'),
    );
    expect(readFileSync(instance('local'), 'utf8')).toContain('# ours: keep run history');
    expect(existsSync(instance('laptop'))).toBe(true);
    expect(findings()).toEqual(['deployments/local/dagster.yaml']);
    // Each new one is the instance config Dagster validates (its launcher's and coordinator's too).
    const checked = run(
      PYTHON,
      [
        pythonScript('check_instance.py'),
        '--json',
        join(root, 'deployments/staging'),
        join(root, 'deployments/laptop'),
      ],
      root,
    );
    expect(checked.code, checked.stderr).toBe(0);
    for (const { errors } of Object.values(JSON.parse(checked.stdout)) as { errors: string[] }[])
      expect(errors).toEqual([]);
    // A second run writes and removes nothing, and says what is still left.
    const before = treeFingerprint(root);
    const again = upgrade(root, ['--allow-dirty']);
    expect(again.stdout).toContain(
      'platform: deployment-instances: every instance file left as it is\n  TODO: deployments/local/dagster.yaml',
    );
    expect(treeFingerprint(root)).toEqual(before);
  });
});

// Edited by hand, then stale: upgrade cannot render today's platform.yaml into the file without
// losing the edit, so it leaves it, says so and exits 3; check points at the edit, not at the
// platform's change.
describe('a platform-owned file edited by hand before platform.yaml changed', () => {
  it('check points at the edit; upgrade leaves the file, names it, and exits 3', () => {
    const root = makePlatform({ pipelines: [['orders', '--template', 'transform', '--owner', 'analytics']] });
    const conventions = join(root, 'pipelines/orders/src/orders/conventions.py');
    writeFileSync(conventions, `${readFileSync(conventions, 'utf8')}# our own note\n`);
    git(root, 'commit', '-qam', 'a note in a platform-owned file');
    const edited = readFileSync(conventions, 'utf8');
    addUatDeployment(root);
    const line = edited.split('\n').indexOf('# our own note') + 1;

    const findings = JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings;
    expect(findings.map((f: { rule: string; file: string; line: number }) => `${f.rule} ${f.file}:${f.line}`)).toEqual([
      `platform-owned-edited pipelines/orders/src/orders/conventions.py:${line}`,
    ]);
    expect(findings[0].message).toMatch(/edited by hand on top of a rendering of an earlier platform\.yaml/);

    const result = upgrade(root);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/orders\s+\d+\s+\d+\s+-\s+0\s+up-to-date/);
    expect(result.stdout).toContain(
      `Left as edited (1 platform-owned file):\n  pipelines/orders/src/orders/conventions.py:${line}: platform-owned, edited by hand`,
    );
    expect(readFileSync(conventions, 'utf8')).toBe(edited);
    // A script reads the same from --json: the whole run's `left`, as its `todos`, and exit 3.
    const json = runBin('pipeline', ['upgrade', '--dry-run', '--json'], root);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).left).toEqual([
      expect.stringMatching(
        // From the platform's root, as pipeline check names it.
        new RegExp(
          `^pipelines/orders/src/orders/conventions\\.py:${line}: platform-owned, edited by hand: .*move the edit`,
        ),
      ),
    ]);
  });
});

// A platform team moves dagster_version: every pipeline's pins that the platform set (pyproject.toml's
// dependencies and dev group, the Dockerfile's libraries) follow with pipeline upgrade; a pin the
// team chose itself stays, and check keeps asking for it by hand.
describe('after dagster_version moves', () => {
  it("upgrade moves the pins an earlier platform.yaml set, and leaves the team's own", () => {
    const root = makePlatform({ pipelines: [['orders', '--template', 'transform', '--owner', 'analytics']] });
    const file = (path: string) => join(root, 'pipelines/orders', path);
    const text = readFileSync(join(root, 'platform.yaml'), 'utf8');
    const [, minor, patch] = /^dagster_version: 1\.(\d+)\.(\d+)$/m.exec(text)!.map(Number);
    const [was, now] = [`1.${minor}.${patch}`, `1.${minor}.${patch! + 1}`];
    const [libWas, libNow] = [`0.${minor! + 16}.${patch}`, `0.${minor! + 16}.${patch! + 1}`];
    // The team's own choice, which no platform.yaml ever set.
    const pyproject = readFileSync(file('pyproject.toml'), 'utf8');
    writeFileSync(
      file('pyproject.toml'),
      pyproject.replace('dependencies = [\n', 'dependencies = [\n    "dagster-aws==0.20.0",\n'),
    );
    git(root, 'commit', '-qam', 'dagster-aws, pinned by us');
    writeFileSync(join(root, 'platform.yaml'), text.replace(`dagster_version: ${was}`, `dagster_version: ${now}`));
    git(root, 'commit', '-qam', `dagster ${now}`);

    const pins = () =>
      (
        JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings as {
          rule: string;
          file: string;
          fix: string;
        }[]
      )
        .filter((f) => f.rule === 'dagster-pin')
        .map(
          (f) =>
            `${f.file.replace('pipelines/orders/', '')}: ${f.fix.startsWith('npx pipeline upgrade') ? 'upgrade' : 'by hand'}`,
        );
    expect(pins()).toEqual([
      'Dockerfile: upgrade',
      'Dockerfile: upgrade',
      'pyproject.toml: by hand',
      'pyproject.toml: upgrade',
      'pyproject.toml: upgrade',
      'pyproject.toml: upgrade',
    ]);
    const result = upgrade(root, ['--commit']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/orders\s+\d+\s+\d+\s+platform-yaml\s+2\s+upgraded/);
    expect(pins()).toEqual(['pyproject.toml: by hand']);
    const after = readFileSync(file('pyproject.toml'), 'utf8');
    expect(after).toContain(`"dagster==${now}"`);
    expect(after).toContain(`"dagster-dg-cli==${now}"`);
    expect(after).toContain('"dagster-aws==0.20.0"');
    expect(after).not.toContain(was);
    const dockerfile = readFileSync(file('Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`"dagster-postgres==${libNow}"`);
    expect(dockerfile).not.toContain(libWas);
    // The webserver's and daemon's image too, in a commit of its own.
    const image = readFileSync(join(root, 'deployments/compose/Dockerfile'), 'utf8');
    expect(image).toContain(`"dagster-webserver==${now}"`);
    expect(image).toContain(`"dagster-docker==${libNow}"`);
    expect(image).not.toMatch(new RegExp(`${was.replaceAll('.', '\\.')}|${libWas.replaceAll('.', '\\.')}`));
    expect(result.stdout).toContain(
      `platform: compose-dagster-pins: deployments/compose/Dockerfile pins Dagster ${now}`,
    );
    expect(git(root, 'log', '-1', '--format=%s')).toBe(`chore(upgrade): the compose image runs Dagster ${now}`);
  });
});

// A platform team renames a deployment and the deployment variable. check names every place that
// still says the old names (each pipeline's answers and schedules, the compose file, CI); after the
// fixes it prints, upgrade renders conventions.py from the edited answers, check is clean, and
// Dagster loads the pipeline in the renamed deployment from the renamed variable.
describe('after a deployment and deployment_env_var are renamed', () => {
  it('check finds each old name, and its fixes lead to a pipeline that loads in the renamed deployment', async () => {
    const root = makePlatform({ pipelines: [['orders', '--template', 'transform', '--owner', 'analytics']] });
    const edit = (file: string, from: RegExp, to: string) => {
      const path = join(root, file);
      const text = readFileSync(path, 'utf8');
      expect(text, file).toMatch(from);
      writeFileSync(path, text.replace(from, to));
    };
    edit('platform.yaml', /^ {2}compose:$/m, '  docker:');
    edit('platform.yaml', /^deployment_env_var: PIPELINE_DEPLOYMENT$/m, 'deployment_env_var: DAGSTER_DEPLOYMENT');
    git(root, 'commit', '-qam', 'rename compose to docker, and the variable');
    const loadDocker = async () =>
      (await loadMany([{ project: join(root, 'pipelines/orders'), env: { DAGSTER_DEPLOYMENT: 'docker' } }]))[0]!;

    const findings = () =>
      (
        JSON.parse(runBin('pipeline', ['check', '--json'], root).stdout).findings as {
          rule: string;
          file: string;
          line: number;
        }[]
      )
        .filter((f) => f.rule !== 'registration-stale')
        .map((f) => `${f.rule} ${f.file}:${f.line}`)
        .sort();
    // docker has no Dagster instance config yet; compose's stays, as the compose files mount it.
    const docker = readFileSync(join(root, 'platform.yaml'), 'utf8').split('\n').indexOf('  docker:') + 1;
    expect(findings()).toEqual([
      'ci-deployments .github/workflows/pipelines.yaml:45',
      // The compose services run as compose: every code location there fails to load.
      'compose-deployment docker-compose.platform.yaml:14',
      'deployment-env-var .github/workflows/pipelines.yaml:42',
      'deployment-env-var .github/workflows/pipelines.yaml:47',
      'deployment-env-var docker-compose.platform.yaml:14',
      `deployment-instances platform.yaml:${docker}`,
      'platform-owned-edited pipelines/orders/src/orders/conventions.py:11',
      'unknown-deployment pipelines/orders/.pipeline-answers.yaml:14',
      'unknown-deployment pipelines/orders/src/orders/schedules.py:16',
    ]);
    // As their fixes say: the stale conventions.py first, then the old names by hand.
    expect(upgrade(root, ['--commit']).code).toBe(0);
    edit('pipelines/orders/.pipeline-answers.yaml', /^ {2}- compose$/m, '  - docker');
    edit('pipelines/orders/src/orders/schedules.py', /"compose"/, '"docker"');
    // The compose file with only the variable renamed runs the pipelines as compose: they load nowhere.
    const asCompose = (
      await loadMany([{ project: join(root, 'pipelines/orders'), env: { DAGSTER_DEPLOYMENT: 'compose' } }])
    )[0]!;
    expect(asCompose.error).toMatch(/UnknownDeploymentError.*compose/s);
    edit('docker-compose.platform.yaml', /PIPELINE_DEPLOYMENT: compose/, 'DAGSTER_DEPLOYMENT: docker');
    // One of the workflow's two lines renamed: the other still runs CI's check as the local deployment.
    edit('.github/workflows/pipelines.yaml', /PIPELINE_DEPLOYMENT/, 'DAGSTER_DEPLOYMENT');
    expect(findings().filter((f) => f.startsWith('deployment-env-var'))).toEqual([
      'deployment-env-var .github/workflows/pipelines.yaml:47',
    ]);
    edit('.github/workflows/pipelines.yaml', /PIPELINE_DEPLOYMENT/g, 'DAGSTER_DEPLOYMENT');
    // CI's per-deployment check: the upgrade above wrote docker where it failed every pipeline in compose.
    expect(readFileSync(join(root, '.github/workflows/pipelines.yaml'), 'utf8')).toContain(
      'for deployment in local docker dev prod sandbox; do',
    );
    // Before the answers' change is rendered, the renamed deployment loads none of the pipeline.
    expect((await loadDocker()).jobs).toEqual([]);
    const rendered = upgrade(root, ['--allow-dirty']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toMatch(/orders\s+\d+\s+\d+\s+platform-yaml\s+1\s+upgraded/);
    expect(findings()).toEqual([]);
    expect(existsSync(join(root, 'deployments/docker/dagster.yaml'))).toBe(true);
    expect(existsSync(join(root, 'deployments/compose/dagster.yaml'))).toBe(true);
    const loaded = await loadDocker();
    expectLoaded(loaded);
    expect(loaded.jobs.sort()).toEqual(['orders_dev_full', 'orders_local_sample']);
    expect(loaded.schedules).toEqual(['orders_daily_dev']);
  });
});

// A pipeline at conventions v4 (upgraded no further): `pipeline add schedule` and `add sensor`
// still edit its shared modules, ruff-clean, and say which upgrade gives each one a module of its own.
describe('pipeline add on a pipeline upgraded only to conventions v4', () => {
  it('writes to schedules.py, sensors.py, resources.py, presets.py, jobs.py and ops.py, ruff-clean, with a note naming the upgrade to v5', () => {
    const root = v1Platform();
    expect(upgrade(root, ['--to', '4']).code).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'conventions v4');
    for (const args of [
      ['sensor', '--preset', 'dev_full', '--name', 'watch_a'],
      // The second sensor's function goes below the first's, two blank lines apart (ruff format).
      ['sensor', '--preset', 'dev_full', '--name', 'watch_b'],
      ['schedule', '--preset', 'dev_full', '--cron', '0 7 * * *', '--name', 'orders_seven'],
    ]) {
      const added = runBin('pipeline', ['add', ...args, '--pipeline', 'orders'], root);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain(
        `note: orders follows conventions v4: npx pipeline upgrade --pipeline orders makes each ${args[0]} pipeline add ${args[0]} adds a module of its own`,
      );
    }
    // Resources too: both classes and bindings in resources.py, as before conventions v5.
    for (const args of [
      ['resource', '--name', 'warehouse'],
      ['resource', '--name', 'slack', '--env', 'token=SLACK_TOKEN', '--modes', 'prod'],
    ]) {
      const added = runBin('pipeline', ['add', ...args, '--pipeline', 'orders'], root);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain(
        `(${args[2] === 'warehouse' ? 'WarehouseResource' : 'SlackResource'} in resources.py,`,
      );
    }
    // A preset and a graph as before conventions v5: into presets.py, jobs.py and ops.py, with
    // the README's rows.
    for (const args of [
      ['preset', '--name', 'dev_small', '--mode', 'dev'],
      ['job', '--name', 'cleanup'],
    ]) {
      const added = runBin('pipeline', ['add', ...args, '--pipeline', 'orders'], root);
      expect(added.code, added.stderr).toBe(0);
    }
    const pkg = join(root, 'pipelines/orders/src/orders');
    expect(readFileSync(join(pkg, 'presets.py'), 'utf8')).toContain('        Preset(\n            name="dev_small",');
    expect(readFileSync(join(pkg, 'jobs.py'), 'utf8')).toContain('    **build_jobs(cleanup_graph, PRESETS, MODES),\n');
    expect(readFileSync(join(pkg, 'ops.py'), 'utf8')).toContain('def cleanup_step(');
    const readme = readFileSync(join(root, 'pipelines/orders/README.md'), 'utf8');
    expect(readme).toContain('| `orders_dev_small` | `dev_small` | `dev` |\n');
    expect(readme).toContain('| `cleanup_dev_small` | `dev_small` | `dev` |\n');
    for (const folder of ['added_presets', 'added_jobs']) expect(existsSync(join(pkg, folder))).toBe(false);
    expect(readFileSync(join(pkg, 'sensors.py'), 'utf8')).toContain('name="watch_b"');
    expect(readFileSync(join(pkg, 'schedules.py'), 'utf8')).toContain('name="orders_seven"');
    const resources = readFileSync(join(pkg, 'resources.py'), 'utf8');
    expect(resources).toContain('        key="warehouse",\n        modes=EVERY_MODE,\n');
    expect(resources).toContain('        key="slack",\n        modes=("prod",),\n');
    for (const folder of ['added_sensors', 'added_resources']) expect(existsSync(join(pkg, folder))).toBe(false);
    expect(ruffProblems(['pipelines/orders'], root)).toBeUndefined();
  });
});
