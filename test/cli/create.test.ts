// The happy paths a user sees: a new platform repo, a pipeline on its own branch with one
// commit, the dry run, JSON output, and what happens on a dirty tree.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
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
    for (const file of [
      'platform.yaml',
      'docker-compose.platform.yaml',
      '.github/workflows/pipelines.yaml',
      'README.md',
      '.gitignore',
      'package.json',
      ...['local', 'compose', 'dev', 'prod', 'sandbox'].map((d) => `deployments/${d}/dagster.yaml`),
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    // The derived files are there, and ignored by git: nothing ever commits a list of pipelines.
    for (const file of ['dg.toml', 'docker-compose.yaml', 'deployments/compose/workspace.yaml']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(git(dir, 'check-ignore', file), file).toBe(file);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    // It pins the day-two CLI (never the initializer) at exactly this version, and runs it.
    expect(pkg.devDependencies).toEqual({
      '@create-pipeline/cli': JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    });
    expect(pkg.scripts).toMatchObject({
      postinstall: 'pipeline sync',
      'new-pipeline': 'pipeline new',
      sync: 'pipeline sync',
    });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npx pipeline new ');
    expect(result.stdout).toContain('npm install');
    expect(result.stdout).toContain('npx pipeline new');
  });

  it('with --name also gets its first pipeline, on a branch', () => {
    const dir = tempDir();
    const result = createPipeline(['--platform', '--name', 'orders'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'log', '--format=%s').split('\n')).toEqual([
      'feat(pipelines): add orders (python transform)',
      'chore: create the ' +
        dir
          .split('/')
          .pop()!
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^[^a-z]+/, '')
          .replace(/-+$/, '') +
        ' platform repo',
    ]);
    expect(existsSync(join(dir, '.github/workflows/pipelines.yaml'))).toBe(true);
  });
});

describe('a new platform repo inside another git repository', () => {
  it('becomes a repository of its own, with its pipeline on a branch, and leaves the outer one alone', () => {
    const outer = tempDir('outer-');
    git(outer, 'init', '-q', '-b', 'trunk');
    writeFileSync(join(outer, 'untracked.txt'), 'dirty\n');
    const before = git(outer, 'status', '--porcelain');
    const dir = join(outer, 'data-platform');
    mkdirSync(dir);
    const result = createPipeline(['--platform', '--platform-name', 'acme', '--name', 'orders'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'rev-parse', '--show-toplevel')).toBe(realpathSync(dir));
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'log', '--format=%s', 'main')).toBe('chore: create the acme platform repo');
    expect(git(outer, 'branch', '--list')).toBe('');
    expect(git(outer, 'status', '--porcelain').split('\n').sort()).toEqual([before, '?? data-platform/'].sort());
  });
});

describe('adding a pipeline', () => {
  it('makes branch pipeline/<name> with one commit holding only the pipeline folder, then prints the next steps', () => {
    const dir = makePlatform();
    const result = createPipeline(['orders', '--owner', 'analytics', '--schedule', '30 5 * * *'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'rev-list', '--count', 'main..HEAD')).toBe('1');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const files = git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n');
    expect(files).toEqual(
      expect.arrayContaining(['pipelines/orders/src/orders/definitions.py', 'pipelines/orders/.pipeline-answers.yaml']),
    );
    expect(files.filter((f) => !f.startsWith('pipelines/orders/'))).toEqual([]);
    const message = git(dir, 'log', '-1', '--format=%B');
    expect(message).toMatch(/^feat\(pipelines\): add orders \(python transform\)\n\nDaily transform orders/);
    expect(message).toContain('- schedule orders_daily: 30 5 * * * (UTC), preset prod_full, in prod');
    expect(result.stdout).toContain('git push -u origin pipeline/orders');
    expect(result.stdout).toContain('Committed on branch pipeline/orders');
  });

  it("takes the name of a deleted pipeline whose folder git left with only caches; a file of someone's keeps it taken", () => {
    const root = makePlatform({ pipelines: [['ghost']] });
    git(root, 'rm', '-q', '-r', 'pipelines/ghost');
    git(root, 'commit', '-qm', 'remove ghost');
    // What git leaves of a pipeline whose tests ran: the ignored caches.
    mkdirSync(join(root, 'pipelines/ghost/src/ghost/__pycache__'), { recursive: true });
    writeFileSync(join(root, 'pipelines/ghost/src/ghost/__pycache__/ops.cpython-312.pyc'), '');
    mkdirSync(join(root, 'pipelines/ghost/.pytest_cache'));
    const made = createPipeline(['ghost', '--no-branch'], root);
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(join(root, 'pipelines/ghost/src/ghost/definitions.py'))).toBe(true);
    mkdirSync(join(root, 'pipelines/notes'));
    writeFileSync(join(root, 'pipelines/notes/README.md'), 'ours\n');
    const refused = createPipeline(['notes', '--no-branch'], root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/a pipeline named "notes" already exists in pipelines\/notes/);
  });

  it('refuses the name of a pipeline whose folder was renamed by hand: two code locations of one name', () => {
    const root = makePlatform({ pipelines: [['orders']] });
    renameSync(join(root, 'pipelines/orders'), join(root, 'pipelines/sales'));
    const before = treeFingerprint(root);
    const made = createPipeline(['orders', '--no-branch'], root);
    expect(made.code).toBe(2);
    expect(made.stderr).toMatch(
      /^create-pipeline: error: a pipeline named orders already exists in pipelines\/sales, a folder renamed by hand .*; move it back \(git mv pipelines\/sales pipelines\/orders\), or choose another name\n$/,
    );
    expect(treeFingerprint(root)).toEqual(before);
  });

  it('records its answers and conventions version for later upgrades', () => {
    const dir = makePlatform();
    expect(createPipeline(['churn', '--template', 'ml', '--owner', 'ml-team', '--sla-hours', '8'], dir).code).toBe(0);
    const answers = parse(readFileSync(join(dir, 'pipelines/churn/.pipeline-answers.yaml'), 'utf8'));
    expect(answers).toMatchObject({
      _generator: 'create-pipeline',
      _conventions_version: CONVENTIONS_VERSION,
      name: 'churn',
      template: 'ml',
      owner: 'ml-team',
      sla_hours: 8,
      schedule: '0 5 * * *',
    });
  });

  it('on a dirty tree writes the files but commits nothing, and says so', () => {
    const dir = makePlatform();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const result = createPipeline(['orders'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'Note: the git tree has uncommitted changes: the files go on the current branch, and nothing is committed',
    );
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

  it.each([
    ['a branch named as its folder', 'pipeline', false],
    ['the same, packed', 'pipeline', true],
    ['a branch inside its name', 'pipeline/orders/v2', false],
  ])(
    'refuses a branch git cannot make beside %s, before writing anything; the next command runs',
    (_what, other, pack) => {
      const dir = makePlatform();
      git(dir, 'branch', other);
      if (pack) git(dir, 'pack-refs', '--all');
      const before = treeFingerprint(dir);
      const result = createPipeline(['orders'], dir);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        `create-pipeline: error: git branch ${other} exists, so git cannot make branch pipeline/orders (a branch cannot also be a folder of branches); rename it (git branch -m ${other} ${other.replaceAll('/', '-')}-old), or pass --no-branch\n`,
      );
      expect(treeFingerprint(dir)).toEqual(before);
      expect(runBin('pipeline', ['list'], dir).code).toBe(0);
    },
  );

  it("refuses the name of a teammate's pipeline on its way (a fetched origin/pipeline/<name>), before writing anything", () => {
    const dir = makePlatform();
    git(dir, 'update-ref', 'refs/remotes/origin/pipeline/orders', 'HEAD');
    const before = treeFingerprint(dir);
    const result = createPipeline(['orders'], dir);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toBe(
      'create-pipeline: error: git branch origin/pipeline/orders exists: someone has a pipeline of that name on its way (its pull request?); choose another name, or work on theirs (git switch pipeline/orders)\n',
    );
    expect(treeFingerprint(dir)).toEqual(before);
    expect(createPipeline(['orders_v2'], dir).code).toBe(0);
  });

  it('says when the schedule asked for runs nowhere: none of its deployments runs a daemon', () => {
    const dir = makePlatform();
    const args = ['orders', '--schedule', '0 9 * * *', '--deployments', 'local', '--dry-run'];
    const note =
      'its schedule (0 9 * * *) runs nowhere: none of its deployments (local) runs a daemon, which schedules need; release it to one (npx pipeline add deployment --pipeline orders --name compose), or pass --schedule none';
    const text = createPipeline(args, dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Note: ${note}\n`);
    expect(JSON.parse(createPipeline([...args, '--json'], dir).stdout).notes).toEqual([note]);
    // Released where a daemon runs, it is scheduled: no note.
    expect(JSON.parse(createPipeline(['orders', '--dry-run', '--json'], dir).stdout).notes).toEqual([]);
  });

  it('puts everything back when the commit fails', () => {
    const dir = makePlatform();
    const before = treeFingerprint(dir);
    // A pre-commit config that git cannot use makes `git commit` fail after the files are written.
    git(dir, 'config', 'user.useConfigOnly', 'true');
    const result = createPipeline(['orders'], dir, {
      GIT_AUTHOR_NAME: '',
      GIT_AUTHOR_EMAIL: '',
      GIT_COMMITTER_NAME: '',
      GIT_COMMITTER_EMAIL: '',
      HOME: tempDir('home-'),
      GIT_CONFIG_NOSYSTEM: '1',
    });
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
  it('after two pipelines, the derived dg workspace, compose file and compose workspace list both, and a comment the team added survives', () => {
    const dir = makePlatform();
    const base = join(dir, 'docker-compose.platform.yaml');
    writeFileSync(
      base,
      readFileSync(base, 'utf8').replace(
        'services:\n',
        '# Ask #data-platform before adding services.\nservices:  # ours\n',
      ),
    );
    git(dir, 'commit', '-qam', 'a note for the team');
    expect(createPipeline(['orders', '--no-branch'], dir).code).toBe(0);
    expect(createPipeline(['churn', '--template', 'ml', '--no-branch'], dir).code).toBe(0);
    const compose = readFileSync(join(dir, 'docker-compose.yaml'), 'utf8');
    expect(compose).toContain('# Ask #data-platform before adding services.\nservices:  # ours\n');
    expect(Object.keys(parse(compose).services)).toEqual(['postgres', 'webserver', 'daemon', 'churn', 'orders']);
    expect(readFileSync(join(dir, 'dg.toml'), 'utf8')).toContain(
      '[[workspace.projects]]\npath = "pipelines/churn"\n\n[[workspace.projects]]\npath = "pipelines/orders"\n',
    );
    expect(
      parse(readFileSync(join(dir, 'deployments/compose/workspace.yaml'), 'utf8')).load_from.map(
        (e: { grpc_server: { host: string } }) => e.grpc_server.host,
      ),
    ).toEqual(['churn', 'orders']);
    // The team's file itself is never touched.
    expect(git(dir, 'status', '--porcelain', '--', 'docker-compose.platform.yaml')).toBe('');
  });

  it('pipeline sync --check exits 1 on a stale derived file and names it; pipeline sync repairs it', () => {
    const dir = makePlatform({ pipelines: [['orders']] });
    expect(runBin('pipeline', ['sync', '--check'], dir).code).toBe(0);
    writeFileSync(
      join(dir, 'dg.toml'),
      readFileSync(join(dir, 'dg.toml'), 'utf8').replace('pipelines/orders', 'pipelines/gone'),
    );
    const check = runBin('pipeline', ['sync', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/stale\s+dg\.toml/);
    expect(runBin('pipeline', ['sync'], dir).code).toBe(0);
    expect(runBin('pipeline', ['sync', '--check'], dir).code).toBe(0);
  });

  it('pipeline sync never overwrites a file it did not write', () => {
    const dir = makePlatform();
    writeFileSync(join(dir, 'dg.toml'), '# the team wrote this by hand\n');
    const result = runBin('pipeline', ['sync', '--json'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).files).toContainEqual(
      expect.objectContaining({ path: 'dg.toml', change: 'skipped' }),
    );
    expect(readFileSync(join(dir, 'dg.toml'), 'utf8')).toBe('# the team wrote this by hand\n');
    // As a CI gate, --check cannot vouch for a file sync does not manage: it fails, naming it.
    const check = runBin('pipeline', ['sync', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /^pipeline: dg\.toml not managed by pipeline sync, so not checked; dg\.toml was not written by pipeline sync .*move it aside to let sync manage it\n$/,
    );
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
    expect(result.stdout).toContain('would sync  deployments/compose/workspace.yaml, dg.toml, docker-compose.yaml');
    expect(result.stdout).toContain('Would commit on branch pipeline/orders');
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it('--json prints a parseable report listing the files and what each deployment loads', () => {
    const dir = makePlatform();
    const result = createPipeline(['events', '--template', 'ingest', '--json', '--dry-run'], dir);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      dryRun: true,
      pipeline: 'events',
      template: 'ingest',
      git: { branch: 'pipeline/events', commit: null },
    });
    expect(report.files).toEqual(
      expect.arrayContaining([{ path: 'pipelines/events/src/events/sensors.py', change: 'create' }]),
    );
    expect(report.files.every((f: { change: string }) => f.change === 'create')).toBe(true);
    expect(report.derived).toContainEqual({ path: 'dg.toml', change: 'update' });
    expect(report.deployments.prod).toEqual({ jobs: ['events_prod_full'], schedules: [], sensors: ['events_landing'] });
    expect(report.answerSources).toMatchObject({ name: 'flag', template: 'flag', owner: 'default' });
  });

  it('--json reports errors as JSON too, with the exit code', () => {
    const dir = makePlatform();
    const result = createPipeline(['class', '--json'], dir);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: expect.stringContaining('is a Python keyword'),
      exitCode: 2,
    });
  });
});

describe('help and version', () => {
  it('create-pipeline --help lists every question as a flag', () => {
    const result = runBin('create-pipeline', ['--help'], process.cwd());
    expect(result.code).toBe(0);
    for (const flag of [
      '--name',
      '--template',
      '--description',
      '--owner',
      '--schedule',
      '--timezone',
      '--deployments',
      '--sla-hours',
      '--yes',
      '--dry-run',
      '--json',
      '--branch / --no-branch',
      '--platform',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('pipeline --help and --version answer; an unknown command, or none, is a usage error', () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(runBin('pipeline', ['--version'], process.cwd()).stdout.trim()).toBe(version);
    expect(runBin('create-pipeline', ['--version'], process.cwd()).stdout.trim()).toBe(version);
    const help = runBin('pipeline', ['--help'], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pipeline <command>');
    const unknown = runBin('pipeline', ['frobnicate'], process.cwd());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^pipeline: error: unknown command "frobnicate"; run pipeline --help/);
    // Without a command (or a kind to add), the usage goes to stderr with exit 2: a script that
    // reads stdout gets nothing it could take for an answer.
    for (const args of [[], ['add'], ['codemod']]) {
      const bare = runBin('pipeline', args, process.cwd());
      expect(bare.code, args.join(' ')).toBe(2);
      expect(bare.stdout, args.join(' ')).toBe('');
      expect(bare.stderr, args.join(' ')).toMatch(/^Usage: pipeline /);
    }
    expect(runBin('pipeline', ['add', '--help'], process.cwd()).stdout).toMatch(/^Usage: pipeline add /);
    // `pipeline help <command>` is that command's help, as git and npm read it.
    const helpList = runBin('pipeline', ['help', 'list'], process.cwd());
    expect([helpList.code, helpList.stdout]).toEqual([0, runBin('pipeline', ['list', '--help'], process.cwd()).stdout]);
    expect(helpList.stdout).toMatch(/^Usage: pipeline list/);
  });
});
