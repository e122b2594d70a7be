// With a person at a terminal, every question is a prompt, and a bad answer asks again.
// tmux gives the CLI a real terminal; send-keys types, capture-pane reads the screen.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.ts';
import { makePlatform } from '../helpers/workspace.ts';

const session = `cp-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);

async function waitFor(text: string | RegExp, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; the screen shows:\n${shown}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // already gone
  }
});

it('asks every question, re-asks after a bad answer, then creates the pipeline', async () => {
  const root = makePlatform();
  const cli = join(packageRoot(), 'dist', 'create-pipeline.js');
  // The shell stays after the CLI exits, so its last screen can still be read.
  const command = `env -u CI GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com '${process.execPath}' '${cli}'; echo "exit code $?"; sleep 120`;
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', root, 'sh', '-c', command);
  await waitFor('Pipeline name');
  tmux('send-keys', '-t', session, 'Bad-Name', 'Enter');
  await waitFor('is not a valid Python package name');
  tmux('send-keys', '-t', session, 'C-u', 'orders_daily', 'Enter');
  await waitFor('What kind of pipeline?');
  tmux('send-keys', '-t', session, 'Down', 'Down', 'Enter'); // ingest
  await waitFor('Describe the pipeline');
  tmux('send-keys', '-t', session, 'Orders landing "raw"', 'Enter');
  await waitFor('Which team owns it?');
  tmux('send-keys', '-t', session, 'Enter');
  await waitFor('Schedule (cron, or "none")');
  tmux('send-keys', '-t', session, 'Enter');
  await waitFor('Release it to which deployments?');
  tmux('send-keys', '-t', session, 'Enter');
  await waitFor('Committed on branch pipeline/orders_daily');
  await waitFor('exit code 0');

  const answers = parse(readFileSync(join(root, 'pipelines/orders_daily/.pipeline-answers.yaml'), 'utf8'));
  expect(answers).toMatchObject({ name: 'orders_daily', template: 'ingest', description: 'Orders landing "raw"', owner: 'analytics', schedule: '' });
  expect(existsSync(join(root, 'pipelines/orders_daily/src/orders_daily/sensors.py'))).toBe(true);
});
