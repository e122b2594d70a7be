// With a person at a terminal, every question is a prompt, and a bad answer asks again.
// tmux gives the CLI a real terminal; send-keys types, capture-pane reads the screen.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtBin, packageRoot } from '../../src/paths.ts';
import { runBin } from '../helpers/cli.ts';
import { openTerminal } from '../helpers/terminal.ts';
import { git, makePlatform } from '../helpers/workspace.ts';

it('asks every question, re-asks after a bad answer, then creates the pipeline', async () => {
  const root = makePlatform();
  // What a merge left of a deleted pipeline: its name is refused, saying so (as --name is).
  const leftover = join(root, 'pipelines/old/src/old/added_schedules');
  mkdirSync(leftover, { recursive: true });
  writeFileSync(join(leftover, 'old_late.py'), 'SCHEDULE = None\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'merged');
  const cli = builtBin('create-pipeline');
  // The shell stays after the CLI exits, so its last screen can still be read.
  const command = `env -u CI GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com '${process.execPath}' '${cli}'; echo "exit code $?"; sleep 120`;
  const { keys, waitFor } = openTerminal(root, command);
  await waitFor('Pipeline name');
  keys('Bad-Name', 'Enter');
  await waitFor('is not a valid Python package name');
  keys('C-u', 'old', 'Enter');
  await waitFor('pipelines/old holds only modules pipeline add wrote');
  keys('C-u', 'orders_daily', 'Enter');
  await waitFor('What kind of pipeline?');
  keys('Down', 'Down', 'Enter'); // ingest
  await waitFor('Describe the pipeline');
  keys('Orders landing "raw"', 'Enter');
  await waitFor('Which team owns it?');
  keys('Enter');
  await waitFor('Schedule (cron, or "none")');
  keys('Enter');
  await waitFor('Release it to which deployments?');
  keys('Enter');
  await waitFor('Committed on branch pipeline/orders_daily');
  await waitFor('exit code 0');

  const answers = parse(readFileSync(join(root, 'pipelines/orders_daily/.pipeline-answers.yaml'), 'utf8'));
  expect(answers).toMatchObject({
    name: 'orders_daily',
    template: 'ingest',
    description: 'Orders landing "raw"',
    owner: 'analytics',
    schedule: '',
  });
  expect(existsSync(join(root, 'pipelines/orders_daily/src/orders_daily/sensors.py'))).toBe(true);
});

it("pipeline add asks a plopfile generator's prompts and a built-in kind's questions, re-asking after a bad answer", async () => {
  const root = makePlatform({ pipelines: [['orders']] });
  cpSync(join(packageRoot(), 'test/fixtures/plopfile'), root, { recursive: true });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'our generators');
  const cli = builtBin('pipeline');
  const run = (args: string) => `env -u CI '${process.execPath}' '${cli}' ${args}; echo "exit code $?"`;
  const command = `${run('add table-check --pipeline orders')}; ${run('add job --pipeline orders')}; sleep 120`;
  const { keys, waitFor } = openTerminal(root, command);
  await waitFor('Check name:');
  keys('Bad', 'Enter');
  await waitFor('use lowercase letters, digits and underscores');
  keys('C-u', 'orders_fresh', 'Enter');
  await waitFor('Table it watches:');
  keys('Enter');
  await waitFor('Severity:');
  keys('Down', 'Enter');
  await waitFor('Oldest age allowed, in hours:');
  keys('C-u', '6', 'Enter');
  await waitFor(/created +pipelines\/orders\/src\/orders\/checks\/orders_fresh.py[\s\S]*exit code 0/);
  await waitFor('Graph name:');
  keys('1st', 'Enter');
  await waitFor('is not a name for a graph');
  keys('C-u', 'cleanup', 'Enter');
  await waitFor('Describe the job:');
  keys('Enter');
  await waitFor(/added graph cleanup[\s\S]*exit code 0/);

  expect(readFileSync(join(root, 'pipelines/orders/src/orders/checks/orders_fresh.py'), 'utf8')).toContain(
    'SEVERITY = "error"\nMAX_AGE_HOURS = 6\n',
  );
  expect(readFileSync(join(root, 'pipelines/orders/src/orders/added_jobs/cleanup.py'), 'utf8')).toContain(
    '@dg.graph(name="cleanup", description="cleanup: not written yet.")',
  );
});

it('pipeline add writes nothing when another command wrote its file while you answered, and says so', async () => {
  const root = makePlatform({ pipelines: [['orders']] });
  const cli = builtBin('pipeline');
  const command = `env -u CI '${process.execPath}' '${cli}' add preset --pipeline orders; echo "exit code $?"; sleep 120`;
  // Wide enough for the one line that names both files the other command wrote.
  const { keys, waitFor } = openTerminal(root, command, 400);
  await waitFor('Which mode?');
  // A prompt holds no lock (a person may take minutes): meanwhile a script adds a preset.
  const other = runBin(
    'pipeline',
    ['add', 'preset', '--pipeline', 'orders', '--name', 'dev_small', '--mode', 'dev'],
    root,
  );
  expect(other.code, other.stderr).toBe(0);
  const written = readFileSync(join(root, 'pipelines/orders/src/orders/presets.py'), 'utf8');
  keys('Enter');
  await waitFor('Preset name:');
  keys('mine', 'Enter');
  await waitFor('Describe the preset:');
  keys('Enter');
  await waitFor('Run config');
  keys('Enter');
  // Its answers were checked against the files as they were: nothing of it is written (a second
  // preset named mine would have two jobs of one name, which Dagster refuses to load), exit 2.
  // The other command made added_presets/ and had presets.py gather it.
  await waitFor(
    /pipelines\/orders\/src\/orders\/added_presets\/__init__\.py, pipelines\/orders\/src\/orders\/presets\.py changed while you answered \(another command wrote it\); nothing was written: run pipeline add preset again[\s\S]*exit code 2/,
  );
  expect(readFileSync(join(root, 'pipelines/orders/src/orders/presets.py'), 'utf8')).toBe(written);
});
