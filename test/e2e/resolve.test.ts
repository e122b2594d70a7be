// pipeline resolve, on real git merges: two branches that each release one pipeline to a deployment
// (or each add a mode to it) conflict in its .pipeline-answers.yaml and in the platform-owned file
// rendered from it; resolve keeps both branches' changes and renders the file again, stages both,
// and the merge commits, in either order, to the same tree, with a clean pipeline check. A hand edit,
// an answer changed two ways and a file outside the pipelines are left, named, exit 1.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { expectLoaded, loadMany } from '../helpers/load-many.ts';
import { git, makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

const BILLING = 'pipelines/billing';
/** The buckets each mode's store reads from the environment (placeholders: loading makes no call). */
const BUCKETS = Object.fromEntries(
  ['DEV', 'PROD', 'STAGING', 'QA'].map((mode) => [`PIPELINE_${mode}_BUCKET`, 'placeholder']),
);
const pipeline = (root: string, args: string[]) => runBin('pipeline', args, root);
const unmerged = (root: string) => git(root, 'diff', '--name-only', '--diff-filter=U').split('\n').filter(Boolean);

/** platform.yaml with one more deployment (before sandbox, as platform.yaml lists its own). */
function addDeployment(root: string, name: string, modes: string, daemon: boolean): void {
  const path = join(root, 'platform.yaml');
  const text = readFileSync(path, 'utf8');
  const next = text.replace(
    '  sandbox:\n    modes: [local, sandbox]',
    `  ${name}:\n    modes: [${modes}]\n    run_launcher: default\n    daemon: ${daemon}\n  sandbox:\n    modes: [local, sandbox]`,
  );
  expect(next).not.toBe(text);
  writeFileSync(path, next);
}

/**
 * A platform with modes staging and qa of its own (deployment uat runs both) and billing, released to
 * local, compose and uat; each branch of `branches` made from main by its commands, then committed.
 */
let base: string;
beforeAll(() => {
  base = makePlatform();
  const path = join(base, 'platform.yaml');
  writeFileSync(
    path,
    readFileSync(path, 'utf8').replace('\ndeployments:\n', '\nmodes: [staging, qa]\n\ndeployments:\n'),
  );
  addDeployment(base, 'uat', 'staging, qa', true);
  const made = createPipeline(['billing', '--deployments', 'local,compose,uat', '--no-branch'], base);
  expect(made.code, made.stderr).toBe(0);
  git(base, 'add', '-A');
  git(base, 'commit', '-qm', 'billing, and deployment uat');
  const upgraded = pipeline(base, ['upgrade', '--commit']);
  expect(upgraded.code, upgraded.stderr).toBe(0);
});

/** A copy of the base with a branch per entry, each made by its `pipeline` commands (or edits) from main. */
function withBranches(branches: Record<string, (root: string) => void>): string {
  const root = join(tempDir('resolve-'), 'platform');
  cpSync(base, root, { recursive: true });
  for (const [branch, make] of Object.entries(branches)) {
    git(root, 'checkout', '-q', '-b', branch, 'main');
    make(root);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', branch);
  }
  git(root, 'checkout', '-q', 'main');
  return root;
}

const cli = (args: string) => (root: string) => {
  const result = pipeline(root, args.split(' '));
  expect(result.code, result.stderr).toBe(0);
};

/** Merges `first` (cleanly) then `second` into main, which stops on conflicts in `conflicted`. */
function mergeBoth(root: string, first: string, second: string, conflicted: string[]): void {
  git(root, 'merge', '-q', '--no-edit', first);
  const merge = runGit(root, ['merge', '--no-edit', second]);
  expect(merge.status, merge.stdout).not.toBe(0);
  expect(unmerged(root)).toEqual(conflicted);
}

/** git's exit status and output, where it may fail (a merge that stops on conflicts). */
function runGit(root: string, args: string[]): { status: number | null; stdout: string } {
  try {
    return { status: 0, stdout: git(root, ...args) };
  } catch (error) {
    return {
      status: (error as { status?: number }).status ?? 1,
      stdout: String((error as { stdout?: string }).stdout),
    };
  }
}

describe('two branches that each release billing to a deployment, merged in either order', () => {
  const answers = `${BILLING}/.pipeline-answers.yaml`;
  const conventions = `${BILLING}/src/billing/conventions.py`;
  const trees: string[] = [];
  let merged: string;

  it.each([
    ['release-dev', 'release-prod'],
    ['release-prod', 'release-dev'],
  ])('%s then %s: resolve keeps both releases, stages both files, and the merge commits', (first, second) => {
    const root = withBranches({
      'release-dev': cli('add deployment --pipeline billing --name dev'),
      'release-prod': cli('add deployment --pipeline billing --name prod'),
    });
    mergeBoth(root, first, second, [answers, conventions]);
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        `resolved      ${answers}  (each branch's changes kept)`,
        `resolved      ${conventions}  (rendered again from the merged answers)`,
        'every conflict is resolved and staged: git commit ends the merge',
        '',
      ].join('\n'),
    );
    expect(unmerged(root)).toEqual([]);
    git(root, 'commit', '-q', '--no-edit');
    trees.push(git(root, 'rev-parse', 'HEAD^{tree}'));
    merged = root;
  });

  it('gives the same tree either way: released to both, in platform.yaml order, as check renders it', async () => {
    expect(trees).toHaveLength(2);
    expect(trees[0]).toBe(trees[1]);
    const recorded = parse(readFileSync(join(merged, answers), 'utf8'));
    expect(recorded.deployments).toEqual(['local', 'compose', 'dev', 'prod', 'uat']);
    expect(readFileSync(join(merged, conventions), 'utf8')).toContain(
      'PIPELINE_DEPLOYMENTS: tuple[str, ...] = ("local", "compose", "dev", "prod", "uat")',
    );
    const check = pipeline(merged, ['check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const listed = JSON.parse(pipeline(merged, ['list', '--json']).stdout).pipelines[0];
    // Released to dev by one branch, dev now loads its dev preset's job (prod has no preset of its mode).
    expect(listed.deployments.dev.jobs).toContain('billing_dev_full');
    // Dagster loads the merged pipeline in both new deployments, dev's job as list says.
    const [dev, prod] = await loadMany(
      ['dev', 'prod'].map((deployment) => ({
        project: join(merged, BILLING),
        env: { ...BUCKETS, PIPELINE_DEPLOYMENT: deployment },
      })),
    );
    expectLoaded(dev!);
    expectLoaded(prod!);
    expect(dev!.jobs.sort()).toEqual(listed.deployments.dev.jobs);
  });
});

it('answers that git merged itself (far enough apart), and conventions.py it did not: rendered from the merge', () => {
  const root = withBranches({
    'release-dev': cli('add deployment --pipeline billing --name dev'),
    'release-sandbox': cli('add deployment --pipeline billing --name sandbox'),
  });
  const conventions = `${BILLING}/src/billing/conventions.py`;
  mergeBoth(root, 'release-dev', 'release-sandbox', [conventions]);
  const result = pipeline(root, ['resolve']);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain(`resolved      ${conventions}  (rendered again from the merged answers)`);
  git(root, 'commit', '-q', '--no-edit');
  expect(readFileSync(join(root, conventions), 'utf8')).toContain(
    'PIPELINE_DEPLOYMENTS: tuple[str, ...] = ("local", "compose", "dev", "uat", "sandbox")',
  );
  const check = pipeline(root, ['check']);
  expect(check.code, check.stdout + check.stderr).toBe(0);
});

it('a branch that also changed platform.yaml: each side compared with what its own platform.yaml rendered', () => {
  const root = withBranches({
    // The platform team adds a deployment perf (the upgrade renders every pipeline's conventions.py
    // again), and releases billing there; another branch releases billing to dev.
    'platform-perf': (root) => {
      addDeployment(root, 'perf', 'prod', false);
      cli('upgrade --allow-dirty')(root);
      cli('add deployment --pipeline billing --name perf')(root);
    },
    'release-dev': cli('add deployment --pipeline billing --name dev'),
  });
  const answers = `${BILLING}/.pipeline-answers.yaml`;
  const conventions = `${BILLING}/src/billing/conventions.py`;
  // The answers merge (dev and perf go in far apart); conventions.py's tuple of deployments does not.
  mergeBoth(root, 'platform-perf', 'release-dev', [conventions]);
  const result = pipeline(root, ['resolve']);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  git(root, 'commit', '-q', '--no-edit');
  expect(parse(readFileSync(join(root, answers), 'utf8')).deployments).toEqual([
    'local',
    'compose',
    'dev',
    'uat',
    'perf',
  ]);
  const check = pipeline(root, ['check']);
  expect(check.code, check.stdout + check.stderr).toBe(0);
});

it.each([
  ['staging', 'qa'],
  ['qa', 'staging'],
])(
  'two branches that each add a mode, %s merged first: both modes, in platform.yaml order, as check renders them',
  async (first, second) => {
    const root = withBranches({
      staging: cli('add mode --pipeline billing --name staging --like dev'),
      qa: cli('add mode --pipeline billing --name qa --like prod'),
    });
    mergeBoth(root, first, second, [`${BILLING}/.pipeline-answers.yaml`, `${BILLING}/src/billing/modes.py`]);
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    git(root, 'commit', '-q', '--no-edit');
    // platform.yaml says modes: [staging, qa]: the same order, and so the same tree, either way.
    const modes = parse(readFileSync(join(root, BILLING, '.pipeline-answers.yaml'), 'utf8')).modes;
    expect(Object.entries(modes)).toEqual([
      ['staging', 'dev'],
      ['qa', 'prod'],
    ]);
    modeTrees.push(git(root, 'rev-parse', 'HEAD^{tree}'));
    if (modeTrees.length === 2) {
      expect(modeTrees[0]).toBe(modeTrees[1]);
      // Both modes' resources build in uat, where the pipeline runs them.
      const [uat] = await loadMany([{ project: join(root, BILLING), env: { ...BUCKETS, PIPELINE_DEPLOYMENT: 'uat' } }]);
      expectLoaded(uat!);
    }
    const check = pipeline(root, ['check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  },
);
const modeTrees: string[] = [];

describe('conflicts a person has begun on', () => {
  const answers = `${BILLING}/.pipeline-answers.yaml`;
  const conventions = `${BILLING}/src/billing/conventions.py`;
  const releases = () =>
    withBranches({
      'release-dev': cli('add deployment --pipeline billing --name dev'),
      'release-prod': cli('add deployment --pipeline billing --name prod'),
    });

  it('answers resolved by hand (and edited besides) are kept, and conventions.py rendered from them', () => {
    const root = releases();
    mergeBoth(root, 'release-dev', 'release-prod', [answers, conventions]);
    const path = join(root, answers);
    const text = readFileSync(path, 'utf8');
    // Both releases kept, the markers gone, and the description changed while there.
    const mine = text
      .replace(/<<<<<<< .*\n|=======\n|>>>>>>> .*\n/g, '')
      .replace(/^description: .*$/m, 'description: Billed by hand.');
    writeFileSync(path, mine);
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`resolved      ${answers}  (kept as you resolved it)`);
    expect(readFileSync(path, 'utf8')).toBe(mine);
    expect(readFileSync(join(root, conventions), 'utf8')).toContain('("local", "compose", "dev", "prod", "uat")');
    expect(unmerged(root)).toEqual([]);
  });

  it('a value both branches changed, then kept by hand without git add: the next resolve takes it', () => {
    const root = withBranches({
      'staging-like-prod': cli('add mode --pipeline billing --name staging --like prod'),
      'staging-like-local': cli('add mode --pipeline billing --name staging --like local'),
    });
    mergeBoth(root, 'staging-like-prod', 'staging-like-local', [answers, `${BILLING}/src/billing/modes.py`]);
    expect(pipeline(root, ['resolve']).code).toBe(1);
    const path = join(root, answers);
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(/<<<<<<< .*\n([\s\S]*?)=======\n[\s\S]*?>>>>>>> .*\n/, '$1'),
    );
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(parse(readFileSync(path, 'utf8')).modes).toEqual({ staging: 'prod' });
    git(root, 'commit', '-q', '--no-edit');
    expect(pipeline(root, ['check']).code).toBe(0);
  });

  it("answers staged with git's markers (git add -A first): left, with the git command that brings the conflict back", () => {
    const root = releases();
    mergeBoth(root, 'release-dev', 'release-prod', [answers, conventions]);
    git(root, 'add', '-A');
    const result = pipeline(root, ['resolve']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `left to you   ${answers}  (staged with git's conflict markers in it: git checkout -m -- ${answers} brings the conflict back, then run npx pipeline resolve again)`,
    );
    git(root, 'checkout', '-m', '--', answers, conventions);
    expect(pipeline(root, ['resolve']).code).toBe(0);
  });

  it('in a rebase: the same resolution, and the next step is git rebase --continue', () => {
    const root = releases();
    git(root, 'checkout', '-q', 'release-prod');
    expect(runGit(root, ['rebase', 'release-dev']).status).not.toBe(0);
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      'every conflict is resolved and staged: git rebase --continue goes on with the rebase',
    );
    expect(runGit(root, ['-c', 'core.editor=true', 'rebase', '--continue']).status).toBe(0);
    expect(parse(readFileSync(join(root, answers), 'utf8')).deployments).toEqual([
      'local',
      'compose',
      'dev',
      'prod',
      'uat',
    ]);
  });
});

describe('what it cannot resolve is left, named, exit 1', () => {
  it('a hand edit on one branch, and a file outside the pipelines; what it can resolve, it does', () => {
    const edit = (root: string) => {
      const path = join(root, BILLING, 'src/billing/conventions.py');
      writeFileSync(path, `${readFileSync(path, 'utf8')}\n# Ours.\n`);
    };
    const readme = (line: string) => (root: string) =>
      writeFileSync(join(root, 'README.md'), `${readFileSync(join(root, 'README.md'), 'utf8')}${line}\n`);
    const root = withBranches({
      ours: (root) => {
        cli('add deployment --pipeline billing --name dev')(root);
        edit(root);
        readme('Ours.')(root);
      },
      theirs: (root) => {
        cli('add deployment --pipeline billing --name prod')(root);
        readme('Theirs.')(root);
      },
    });
    mergeBoth(root, 'ours', 'theirs', [
      'README.md',
      `${BILLING}/.pipeline-answers.yaml`,
      `${BILLING}/src/billing/conventions.py`,
    ]);
    const conflicted = readFileSync(join(root, BILLING, 'src/billing/conventions.py'), 'utf8');
    const result = pipeline(root, ['resolve', '--json']);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      dryRun: false,
      operation: 'merge',
      resolved: [{ path: `${BILLING}/.pipeline-answers.yaml`, how: "each branch's changes kept" }],
      left: [
        { path: 'README.md', why: 'not a file of a pipeline' },
        {
          path: `${BILLING}/src/billing/conventions.py`,
          why: 'edited by hand in HEAD; keep the edits by hand, and check it with npx pipeline check',
        },
      ],
    });
    expect(unmerged(root)).toEqual(['README.md', `${BILLING}/src/billing/conventions.py`]);
    expect(readFileSync(join(root, BILLING, 'src/billing/conventions.py'), 'utf8')).toBe(conflicted);
  });

  it('an answer both branches changed, each its own way', () => {
    const describeAs = (text: string) => (root: string) => {
      const path = join(root, BILLING, '.pipeline-answers.yaml');
      const before = readFileSync(path, 'utf8');
      const after = before.replace(/^description: .*$/m, `description: ${text}`);
      expect(after).not.toBe(before);
      writeFileSync(path, after);
    };
    const root = withBranches({ ours: describeAs('Invoices.'), theirs: describeAs('Payments.') });
    mergeBoth(root, 'ours', 'theirs', [`${BILLING}/.pipeline-answers.yaml`]);
    const result = pipeline(root, ['resolve']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `left to you   ${BILLING}/.pipeline-answers.yaml  (both branches changed description ("Invoices." and "Payments."); keep one by hand)\n1 conflict left to you: resolve and git add it, then git commit ends the merge\n`,
    );
    expect(unmerged(root)).toEqual([`${BILLING}/.pipeline-answers.yaml`]);
  });
});

describe('dry run, and no merge', () => {
  it('--dry-run says what it would resolve, and writes and stages nothing', () => {
    const root = withBranches({
      'release-dev': cli('add deployment --pipeline billing --name dev'),
      'release-prod': cli('add deployment --pipeline billing --name prod'),
    });
    mergeBoth(root, 'release-dev', 'release-prod', [
      `${BILLING}/.pipeline-answers.yaml`,
      `${BILLING}/src/billing/conventions.py`,
    ]);
    const before = treeFingerprint(root);
    const result = pipeline(root, ['resolve', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^would resolve pipelines\/billing\/\.pipeline-answers\.yaml {2}/);
    expect(treeFingerprint(root)).toEqual(before);
    expect(unmerged(root)).toHaveLength(2);
  });

  it('without a merge: nothing to resolve, exit 0', () => {
    const result = pipeline(base, ['resolve']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('nothing to resolve: no merge, rebase, cherry-pick or revert is in progress\n');
  });
});

describe('two branches that each made a pipeline of one name', () => {
  it('is one entry for the folder, saying how to keep one whole; the command it gives ends the merge cleanly', () => {
    const root = withBranches({
      ada: (root) => expect(createPipeline(['dup', '--template', 'transform', '--no-branch'], root).code).toBe(0),
      bob: (root) => expect(createPipeline(['dup', '--template', 'ml', '--no-branch'], root).code).toBe(0),
    });
    git(root, 'merge', '-q', '--no-edit', 'ada');
    expect(runGit(root, ['merge', '--no-edit', 'bob']).status).not.toBe(0);
    expect(unmerged(root).length).toBeGreaterThan(5);
    const result = pipeline(root, ['resolve']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'left to you   pipelines/dup/  (both branches made a pipeline named dup (templates transform and ml): two pipelines, not one changed twice; keep one side whole (git rm -rqf pipelines/dup/ && git checkout HEAD -- pipelines/dup/, or MERGE_HEAD instead of HEAD for the other), and make the other again under another name (npx pipeline new NAME on its branch))',
      '1 conflict left to you: resolve and git add it, then git commit ends the merge',
    ]);
    // As it says: bob's pipeline kept whole, ada's to be made again.
    git(root, 'rm', '-rqf', 'pipelines/dup/');
    git(root, 'checkout', 'MERGE_HEAD', '--', 'pipelines/dup/');
    expect(pipeline(root, ['resolve']).stdout).toBe('no conflicts left to resolve in this merge\n');
    git(root, 'commit', '-q', '--no-edit');
    expect(readFileSync(join(root, 'pipelines/dup/.pipeline-answers.yaml'), 'utf8')).toContain('template: ml');
    expect(git(root, 'diff', 'bob', 'HEAD', '--stat', '--', 'pipelines/dup/')).toBe('');
    expect(pipeline(root, ['check']).code).toBe(0);
  });
});
