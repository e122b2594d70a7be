// Every bad input: a one-line error naming the problem and the fix, exit code 2, and the target
// tree byte-for-byte as it was (no file written, no branch made).
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { git, makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

let platform: string;
beforeAll(() => {
  platform = makePlatform({ pipelines: [['orders']] });
});

function expectRefused(args: string[], message: RegExp, cwd = platform) {
  const before = treeFingerprint(cwd);
  const result = createPipeline(args, cwd);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^create-pipeline: error: /);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(treeFingerprint(cwd)).toEqual(before);
}

describe('create-pipeline refuses bad input and changes nothing', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a name that is not a Python package name',
      ['Orders-Daily'],
      /"Orders-Daily" is not a valid Python package name.*for example orders_daily/,
    ],
    ['a Python keyword', ['class'], /"class" is a Python keyword; choose another name/],
    [
      'a flag given twice (the first value would be dropped unseen)',
      ['billing', '--deployments', 'local,dev', '--deployments', 'local,prod'],
      /--deployments is given twice \(local,dev and local,prod\); give it once, a list as one value: --deployments local,dev,local,prod$/m,
    ],
    [
      'a one-value flag given twice',
      ['billing', '--owner', 'a', '--owner', 'b'],
      /--owner is given twice \(a and b\); give it once$/m,
    ],
    ['a standard-library module', ['json'], /would shadow Python's standard-library module json/],
    ['a Dagster module', ['dagster'], /would shadow the installed package dagster/],
    ['an existing pipeline', ['orders'], /a pipeline named "orders" already exists/],
    ['a relative path', ['../x'], /"\.\.\/x" is a path; pass a plain name/],
    ['an absolute path', ['--name', '/tmp/x'], /"\/tmp\/x" is a path/],
    [
      'an invalid cron expression',
      ['billing', '--schedule', '0 25 * * *'],
      /--schedule "0 25 \* \* \*" is not a valid cron expression: hour field/,
    ],
    ['an impossible date', ['billing', '--schedule', '0 6 31 2 *'], /February 31 never occurs/],
    [
      'an impossible date with a day of week, which Dagster refuses',
      ['billing', '--schedule', '0 6 31 2 mon'],
      /--schedule "0 6 31 2 mon" is not a valid cron expression: February 31 never occurs, and Dagster refuses it/,
    ],
    [
      'a date that no month it names has',
      ['billing', '--schedule', '0 0 31 4 *'],
      /never occurs in the months it names/,
    ],
    [
      "an empty schedule (a script's unset variable: it made a pipeline without one)",
      ['billing', '--schedule', ''],
      /--schedule is empty; pass --schedule none for no schedule, or a cron such as '0 6 \* \* \*'$/m,
    ],
    [
      'an invalid timezone',
      ['billing', '--timezone', 'Mars/Olympus'],
      /--timezone "Mars\/Olympus" is not an IANA timezone/,
    ],
    [
      'a timezone current tzdata dropped',
      ['billing', '--timezone', 'US/Pacific-New'],
      /--timezone "US\/Pacific-New" is an old timezone name that current tzdata .* no longer has/,
    ],
    ['an old SystemV timezone', ['billing', '--timezone', 'SystemV/AST4'], /"SystemV\/AST4" is an old timezone name/],
    [
      'an old Canadian timezone',
      ['billing', '--timezone', 'Canada/East-Saskatchewan'],
      /"Canada\/East-Saskatchewan" is an old timezone name/,
    ],
    [
      'a YAML 1.1 boolean as a name (yes)',
      ['yes'],
      /pipeline name "yes" reads as a bool, not a name, in YAML 1.1 .*; choose another name, such as yes_pipeline/,
    ],
    ['a YAML 1.1 boolean as a name (on)', ['on'], /pipeline name "on" reads as a bool/],
    ['a YAML 1.1 null as a name', ['null'], /pipeline name "null" reads as a null/],
    [
      'the Compose service postgres',
      ['postgres'],
      /pipeline name "postgres" is taken by the platform's own Compose service postgres/,
    ],
    ['the Compose service webserver', ['webserver'], /Compose service webserver/],
    ['the Compose service daemon', ['daemon'], /Compose service daemon/],
    ['a name Dagster reserves', ['context'], /pipeline name "context" is a name Dagster reserves/],
    [
      'type, which Dagster reserves (and Python 3.12 made a soft keyword)',
      ['type'],
      /pipeline name "type" is a Python keyword/,
    ],
    [
      'a module Dagster imports (pydantic)',
      ['pydantic'],
      /would shadow the installed package pydantic \(from pydantic\)/,
    ],
    [
      'a module Dagster imports (typing_extensions)',
      ['typing_extensions'],
      /would shadow the installed package typing_extensions/,
    ],
    ['a module Dagster imports (click)', ['click'], /would shadow the installed package click/],
    ['a module Dagster imports (packaging)', ['packaging'], /would shadow the installed package packaging/],
    [
      'a name Docker refuses in an image name',
      ['orders_'],
      /"orders_" is not a valid Docker image name \(it ends with an underscore\).*use orders/,
    ],
    [
      'a line separator in the description',
      ['billing', '--description', 'Bills\u2028daily'],
      /--description contains a line separator \(U\+2028\) at character 6; remove it/,
    ],
    [
      'a control character in the description',
      ['billing', '--description', 'Bills\x1bdaily'],
      /--description contains a control character \(U\+001B\)/,
    ],
    [
      'an unknown template',
      ['billing', '--template', 'spark'],
      /unknown template "spark"; use one of: transform, ml, ingest/,
    ],
    [
      'an unknown owner',
      ['billing', '--owner', 'nobody'],
      /unknown owner "nobody"; use one of the owners in platform.yaml \(analytics, ml-team\)/,
    ],
    [
      'an unknown deployment',
      ['billing', '--deployments', 'local,staging'],
      /unknown deployment "staging"; use deployments from platform.yaml/,
    ],
    [
      "deployments without local, where the pipeline's own tests run its local_sample job",
      ['billing', '--deployments', 'prod,dev'],
      /^create-pipeline: error: --deployments dev,prod leaves out local, where the pipeline's own tests and a laptop run it; add it: --deployments local,dev,prod/,
    ],
    ['an unknown flag', ['billing', '--colour', 'blue'], /unknown option --colour; see create-pipeline --help/],
    ['a flag of another template', ['billing', '--sla-hours', '3'], /--sla-hours does not apply here/],
    ['no name without a terminal', ['--yes'], /--name is required without a terminal/],
    [
      'a platform flag inside a platform',
      ['billing', '--owners', 'x'],
      /--owners only applies when creating a platform repo/,
    ],
    ['--platform inside a platform', ['--platform'], /platform.yaml already exists; run without --platform/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, () => expectRefused(args, message));
  }

  it("refuses --branch on a dirty git tree, and leaves the user's edit alone", () => {
    appendFileSync(join(platform, 'README.md'), '\nwork in progress\n');
    try {
      expectRefused(
        ['billing', '--branch'],
        /--branch needs a clean git tree, and 1 file has uncommitted changes \(README.md\); commit or stash them, or pass --no-branch/,
      );
    } finally {
      git(platform, 'checkout', '--', 'README.md');
    }
  });

  it("refuses to branch from another pipeline's branch, which would carry that pipeline too", () => {
    git(platform, 'checkout', '-q', '-b', 'pipeline/orders');
    try {
      expectRefused(
        ['billing'],
        /git is on pipeline\/orders, another pipeline's branch, and a branch made from it would carry that pipeline too; switch back first \(git switch main\), or pass --no-branch/,
      );
    } finally {
      git(platform, 'checkout', '-q', 'main');
      git(platform, 'branch', '-q', '-D', 'pipeline/orders');
    }
  });

  // Another git command's lock (an editor's git, a `git commit` waiting for its message): named,
  // exit 2, and left where it is (the rollback removed it, so two gits could write the index at
  // once); one on HEAD or on the branch to create made the rollback say it had failed, too.
  it.each(['.git/index.lock', '.git/HEAD.lock', '.git/refs/heads/pipeline/billing.lock'])(
    "refuses while another git command holds %s, and leaves that command's lock alone",
    (lock) => {
      const path = join(platform, lock);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, 'theirs\n');
      try {
        const shown = lock.replaceAll('.', '\\.').replaceAll('/', '\\/');
        expectRefused(
          ['billing'],
          new RegExp(
            `^create-pipeline: error: git is busy: ${shown} exists \\(another git command is running, or one was killed\\); wait for it to end, or remove ${shown} if no git command is running, then run again\\n$`,
          ),
        );
        expect(readFileSync(path, 'utf8'), "the other command's lock").toBe('theirs\n');
      } finally {
        rmSync(path, { force: true });
      }
    },
  );

  it('names the branch to switch back to as the repository calls it', () => {
    git(platform, 'branch', '-q', '-m', 'main', 'trunk');
    git(platform, 'checkout', '-q', '-b', 'pipeline/orders');
    try {
      expectRefused(['billing'], /; switch back first \(git switch trunk\), or pass --no-branch/);
    } finally {
      git(platform, 'checkout', '-q', 'trunk');
      git(platform, 'branch', '-q', '-D', 'pipeline/orders');
      git(platform, 'branch', '-q', '-m', 'trunk', 'main');
    }
  });

  it('refuses a platform config that fails its schema, naming the key and why', () => {
    const file = join(platform, 'platform.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('modes: [prod]', 'modes: [production]'));
    try {
      expectRefused(
        ['billing'],
        /platform.yaml: deployments.prod.modes\[0\]: "production" is not a mode \(expected one of: local, sandbox, dev, prod\)/,
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  it('refuses to run outside a platform repo without --platform', () => {
    const empty = tempDir('empty-');
    expectRefused(
      ['billing'],
      /no platform.yaml in .* or any folder above it; run inside your platform repo, or pass --platform/,
      empty,
    );
  });

  it('refuses a name the platform team gave one of its own Compose services', () => {
    const file = ['docker-compose.platform.yaml', 'docker-compose.yaml']
      .map((f) => join(platform, f))
      .find((f) => existsSync(f))!;
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/^services:\n/m, 'services:\n  minio:\n    image: minio/minio\n'));
    git(platform, 'commit', '-qam', 'add minio');
    try {
      expectRefused(['minio'], /pipeline name "minio" is taken by the platform's own Compose service minio/);
    } finally {
      writeFileSync(file, original);
      git(platform, 'commit', '-qam', 'remove minio');
    }
  });

  it('refuses platform and team names that Docker or Dagster would refuse, creating nothing', () => {
    for (const [args, message] of [
      [
        ['--platform', '--platform-name', 'acme-'],
        /--platform-name "acme-" ends with a dash, which Docker refuses in image names .*; use acme/,
      ],
      [
        ['--platform', '--owners', `analytics,t${'x'.repeat(63)}`],
        /owner "tx+" is 64 characters long, and Dagster allows at most 63 in a tag value/,
      ],
      [
        ['--platform', '--default-timezone', 'US/Pacific-New'],
        /--default-timezone "US\/Pacific-New" is an old timezone name/,
      ],
      [['--platform', '--owners', 'analytics,ml,analytics'], /--owners names analytics twice; name each team once/],
      // Each pipeline's conventions.py holds it: a longer one made a line ruff format refuses.
      [
        ['--platform', '--production-ref', 'r'.repeat(81)],
        /--production-ref is 81 characters long; use a ref of at most 80 \(a branch, tag or commit id\)/,
      ],
      // parseArgs cannot tell a negative value from a flag: say how to pass one.
      [
        ['--platform', '--platform-name', '-acme'],
        /^create-pipeline: error: --platform-name is followed by a value starting with "-"; write it as --platform-name=<value>/,
      ],
      [
        ['--platform', '--cwd', '/no/such/folder'],
        /--cwd \/no\/such\/folder: there is no such folder; pass an existing folder/,
      ],
    ] as [string[], RegExp][]) {
      expectRefused(args, message, tempDir('new-platform-'));
    }
  });

  it('refuses to create a platform repo over existing files', () => {
    const dir = tempDir('occupied-');
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    expectRefused(
      ['--platform'],
      /README.md already exists in .*; create the platform repo in an empty folder, or move that file aside/,
      dir,
    );
  });
});

describe("a pipeline's answers file that git left conflicted (and someone committed)", () => {
  // Sixteen pipelines: enough for pipeline upgrade's worker threads, whose errors come back to the
  // main thread.
  const names = Array.from({ length: 16 }, (_, i) => `flow_${String.fromCharCode(97 + i)}`);
  let dir: string;
  beforeAll(() => {
    dir = makePlatform({ pipelines: names.map((name) => [name]) });
    appendFileSync(
      join(dir, 'pipelines/flow_c/.pipeline-answers.yaml'),
      '<<<<<<< HEAD\nmodes: [local, dev]\n=======\nmodes: [local, qa]\n>>>>>>> theirs\n',
    );
    git(dir, 'commit', '-qam', 'a merge committed with its conflict');
  });

  it.each([
    [['check']],
    [['list']],
    [['upgrade']],
    [['upgrade', '--pipeline', 'flow_c']],
    [['add', 'preset', '--pipeline', 'flow_c', '--name', 'dev_small', '--mode', 'dev']],
  ])('pipeline %j: one line naming the file and the fix, exit 2, nothing changed', (args) => {
    const before = treeFingerprint(dir);
    const result = runBin('pipeline', args, dir);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /^pipeline: error: pipelines\/flow_c\/\.pipeline-answers\.yaml: \(file\): is not valid YAML \(.* at line \d+, column 1\); git left conflict markers in it: npx pipeline resolve merges both branches' answers \(once staged, git checkout -m -- pipelines\/flow_c\/\.pipeline-answers\.yaml brings the conflict back first\), then run again\n$/,
    );
    expect(treeFingerprint(dir)).toEqual(before);
  });
});
