// The happy paths a user sees: a new platform repo, a pipeline on its own branch with one
// commit, the dry run, JSON output, and what happens on a dirty tree.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { git, makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

describe('a new platform repo', () => {
  it('starts as a git repo with one commit on main holding the platform files', () => {
    const dir = tempDir();
    const result = createPipeline(['--platform', '--platform-name', 'acme', '--owners', 'analytics'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'log', '--format=%s')).toBe('chore: create the acme platform repo');
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    for (const file of ['platform.yaml', 'workspace.yaml', 'docker-compose.yaml', 'README.md', '.gitignore', 'package.json', ...['local', 'compose', 'dev', 'prod', 'sandbox'].map((d) => `deployments/${d}/dagster.yaml`)]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['create-pipeline']).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  it('with --name also gets its first pipeline, on a branch', () => {
    const dir = tempDir();
    const result = createPipeline(['--platform', '--name', 'orders'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'log', '--format=%s').split('\n')).toEqual(['feat(pipelines): add orders (python transform)', 'chore: create the ' + dir.split('/').pop()!.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '') + ' platform repo']);
    expect(existsSync(join(dir, '.github/workflows/pipelines.yaml'))).toBe(true);
  });
});

describe('adding a pipeline', () => {
  it('makes branch pipeline/<name> with one commit holding the pipeline and its registrations, then prints the next steps', () => {
    const dir = makePlatform();
    const result = createPipeline(['orders', '--owner', 'analytics', '--schedule', '30 5 * * *'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'rev-list', '--count', 'main..HEAD')).toBe('1');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const files = git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n');
    expect(files).toEqual(expect.arrayContaining(['workspace.yaml', 'deployments/compose/workspace.yaml', 'docker-compose.yaml', '.github/workflows/pipelines.yaml', 'pipelines/orders/src/orders/definitions.py', 'pipelines/orders/.pipeline-answers.yaml']));
    const message = git(dir, 'log', '-1', '--format=%B');
    expect(message).toMatch(/^feat\(pipelines\): add orders \(python transform\)\n\nDaily transform orders/);
    expect(message).toContain('- schedule orders_daily: 30 5 * * * (UTC), preset prod_full, in prod');
    expect(result.stdout).toContain('git push -u origin pipeline/orders');
    expect(result.stdout).toContain('Committed on branch pipeline/orders');
  });

  it('records its answers and conventions version for later upgrades', () => {
    const dir = makePlatform();
    expect(createPipeline(['churn', '--template', 'ml', '--owner', 'ml-team', '--sla-hours', '8'], dir).code).toBe(0);
    const answers = parse(readFileSync(join(dir, 'pipelines/churn/.pipeline-answers.yaml'), 'utf8'));
    expect(answers).toMatchObject({ _generator: 'create-pipeline', _conventions_version: CONVENTIONS_VERSION, name: 'churn', template: 'ml', owner: 'ml-team', sla_hours: 8, schedule: '0 5 * * *' });
  });

  it('on a dirty tree writes the files but commits nothing, and says so', () => {
    const dir = makePlatform();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const result = createPipeline(['orders'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Note: the git tree has uncommitted changes: files written on the current branch, nothing committed');
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('1');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'pipelines/orders/src/orders/definitions.py'))).toBe(true);
  });

  it('with --no-branch writes the files on the current branch without committing', () => {
    const dir = makePlatform();
    expect(createPipeline(['orders', '--no-branch'], dir).code).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(git(dir, 'status', '--porcelain')).toContain('?? pipelines/');
  });

  it('refuses a branch that already exists, before writing anything', () => {
    const dir = makePlatform();
    git(dir, 'branch', 'pipeline/orders');
    const before = treeFingerprint(dir);
    const result = createPipeline(['orders'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('git branch pipeline/orders already exists');
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it('puts everything back when the commit fails', () => {
    const dir = makePlatform();
    const before = treeFingerprint(dir);
    // A pre-commit config that git cannot use makes `git commit` fail after the files are written.
    git(dir, 'config', 'user.useConfigOnly', 'true');
    const result = createPipeline(['orders'], dir, { GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '', GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '', HOME: tempDir('home-'), GIT_CONFIG_NOSYSTEM: '1' });
    git(dir, 'config', '--unset', 'user.useConfigOnly');
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toMatch(/git commit failed .*set git's user.name and user.email, or pass --no-branch/);
    expect(git(dir, 'branch', '--show-current')).toBe('main');
    expect(git(dir, 'branch', '--list', 'pipeline/*')).toBe('');
    expect(treeFingerprint(dir)).toEqual(before);
    // No empty folders are left behind either: the same command works once git is set up.
    expect(existsSync(join(dir, 'pipelines'))).toBe(false);
    expect(createPipeline(['orders'], dir).code).toBe(0);
  });
});

describe('registration', () => {
  it('after two pipelines, the workspace, compose and CI files list both, and a comment a user added survives', () => {
    const dir = makePlatform();
    const workspace = join(dir, 'workspace.yaml');
    writeFileSync(workspace, readFileSync(workspace, 'utf8').replace('load_from: []', '# Ask #data-platform before adding locations by hand.\nload_from: [] # filled by create-pipeline'));
    git(dir, 'commit', '-qam', 'a note for the team');
    expect(createPipeline(['orders', '--no-branch'], dir).code).toBe(0);
    expect(createPipeline(['churn', '--template', 'ml', '--no-branch'], dir).code).toBe(0);
    const text = readFileSync(workspace, 'utf8');
    expect(text).toContain('# Ask #data-platform before adding locations by hand.');
    expect(text).toContain('# filled by create-pipeline');
    expect(parse(text).load_from.map((e: { python_module: { location_name: string } }) => e.python_module.location_name)).toEqual(['orders', 'churn']);
    expect(Object.keys(parse(readFileSync(join(dir, 'docker-compose.yaml'), 'utf8')).services)).toEqual(expect.arrayContaining(['orders', 'churn']));
    expect(parse(readFileSync(join(dir, '.github/workflows/pipelines.yaml'), 'utf8')).jobs.test.strategy.matrix.pipeline).toEqual(['orders', 'churn']);
    expect(parse(readFileSync(join(dir, 'deployments/compose/workspace.yaml'), 'utf8')).load_from).toHaveLength(2);
  });
});

describe('--dry-run and --json', () => {
  it('--dry-run prints the plan and writes nothing', () => {
    const dir = makePlatform();
    const before = treeFingerprint(dir);
    const result = createPipeline(['orders', '--dry-run'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dry run: nothing was written');
    expect(result.stdout).toContain('create  pipelines/orders/src/orders/definitions.py');
    expect(result.stdout).toContain('update  workspace.yaml');
    expect(result.stdout).toContain('Would commit on branch pipeline/orders');
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it('--json prints a parseable report listing the files and what each deployment loads', () => {
    const dir = makePlatform();
    const result = createPipeline(['events', '--template', 'ingest', '--json', '--dry-run'], dir);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, dryRun: true, pipeline: 'events', template: 'ingest', git: { branch: 'pipeline/events', commit: null } });
    expect(report.files).toEqual(expect.arrayContaining([{ path: 'pipelines/events/src/events/sensors.py', change: 'create' }, { path: 'workspace.yaml', change: 'modify' }]));
    expect(report.deployments.prod).toEqual({ jobs: ['events_prod_full'], schedules: [], sensors: ['events_landing'] });
    expect(report.answerSources).toMatchObject({ name: 'flag', template: 'flag', owner: 'default' });
  });

  it('--json reports errors as JSON too, with the exit code', () => {
    const dir = makePlatform();
    const result = createPipeline(['class', '--json'], dir);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: expect.stringContaining('is a Python keyword'), exitCode: 2 });
  });
});

describe('help and version', () => {
  it('create-pipeline --help lists every question as a flag', () => {
    const result = runBin('create-pipeline', ['--help'], process.cwd());
    expect(result.code).toBe(0);
    for (const flag of ['--name', '--template', '--description', '--owner', '--schedule', '--timezone', '--deployments', '--sla-hours', '--yes', '--dry-run', '--json', '--branch / --no-branch', '--platform']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('pipeline --help and --version answer; an unknown command is a usage error', () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(runBin('pipeline', ['--version'], process.cwd()).stdout.trim()).toBe(version);
    expect(runBin('create-pipeline', ['--version'], process.cwd()).stdout.trim()).toBe(version);
    const help = runBin('pipeline', ['--help'], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pipeline <command>');
    const unknown = runBin('pipeline', ['frobnicate'], process.cwd());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^pipeline: error: unknown command "frobnicate"; run pipeline --help/);
  });
});
