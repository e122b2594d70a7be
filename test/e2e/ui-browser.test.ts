// The Dagster UI in a real browser: a generated platform's `dg dev`, started in the local and in the
// prod deployment, opened in headless Chromium (Debian's, driven by playwright-core). The Jobs and
// Automation pages list exactly what `pipeline list` says the deployment loads, and nothing of the
// other one. With UPDATE_DOCS_IMAGES=1 the screenshots go to docs/images/ (the docs show them).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { runBin } from '../helpers/cli.ts';
import { DG, VENV } from '../helpers/python.ts';
import { makePlatform, tempDir } from '../helpers/workspace.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IMAGES = process.env.UPDATE_DOCS_IMAGES === '1' ? join(packageRoot(), 'docs', 'images') : tempDir('ui-shots-');
// The placeholders the modes' EnvVars resolve to; nothing is contacted while loading.
const ENV = { PIPELINE_DEV_BUCKET: 'placeholder', PIPELINE_PROD_BUCKET: 'placeholder' };

interface Loads {
  jobs: string[];
  automations: string[];
}

let platform: string;
let browser: Browser;
/** What `pipeline list` says each deployment loads, over every pipeline. */
const expected: Record<string, Loads> = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`);
  platform = makePlatform({
    owners: 'analytics',
    pipelines: [
      ['orders', '--template', 'transform', '--owner', 'analytics', '--schedule', '0 6 * * *'],
      ['events', '--template', 'ingest', '--owner', 'analytics'],
    ],
  });
  const list = runBin('pipeline', ['list', '--json'], platform);
  expect(list.code, list.stderr).toBe(0);
  type Listed = {
    pipelines: { deployments: Record<string, { jobs: string[]; schedules: string[]; sensors: string[] }> }[];
  };
  for (const deployment of ['local', 'prod']) {
    const loads = (JSON.parse(list.stdout) as Listed).pipelines.map((p) => p.deployments[deployment]!);
    expected[deployment] = {
      jobs: loads.flatMap((l) => l.jobs).sort(),
      automations: loads.flatMap((l) => [...l.schedules, ...l.sensors]).sort(),
    };
  }
  // Root in CI: Chromium's sandbox needs user namespaces it may not have there.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** `dg dev` at the platform root in `deployment`, once every code location has loaded. */
async function startUi(deployment: string): Promise<{ url: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(DG, ['dev', '--use-active-venv', '-h', '127.0.0.1', '-p', String(port)], {
    cwd: platform,
    env: {
      ...process.env,
      PATH: `${join(VENV, 'bin')}${delimiter}${process.env.PATH}`,
      DAGSTER_HOME: tempDir('dagster-home-'),
      ...ENV,
      PIPELINE_DEPLOYMENT: deployment,
    },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const query =
    '{ workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename } } } } }';
  // Until both code locations have loaded (no time limit of its own: the test's is generous).
  for (;;) {
    if (server.exitCode !== null)
      throw new Error(`dg dev exited with ${server.exitCode} in the ${deployment} deployment`);
    await new Promise((r) => setTimeout(r, 1000));
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }).catch(() => undefined);
    if (!response?.ok) continue;
    const entries =
      (
        (await response.json()) as {
          data?: { workspaceOrError?: { locationEntries?: { locationOrLoadError: { __typename: string } | null }[] } };
        }
      ).data?.workspaceOrError?.locationEntries ?? [];
    if (entries.length === 2 && entries.every((e) => e.locationOrLoadError?.__typename === 'RepositoryLocation'))
      return { url, server };
    if (entries.some((e) => e.locationOrLoadError?.__typename === 'PythonError'))
      throw new Error(`a code location failed to load in the ${deployment} deployment`);
  }
}

/**
 * The names the page lists as links to `kinds` (jobs, schedules, sensors), once it has rendered
 * its list: a row of any name, or `empty` (the page's text when there is none). It never waits for
 * a particular name, so a wrong list fails at once, with the difference.
 */
async function listed(page: Page, kinds: string[], empty?: string): Promise<string[]> {
  const row = page.locator(kinds.map((kind) => `a[href*="/${kind}/"]`).join(', '));
  await (empty ? row.or(page.getByText(empty, { exact: true })) : row).first().waitFor({ timeout: 0 });
  const hrefs = await row.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const names = hrefs.flatMap((href) =>
    kinds.flatMap((kind) => new RegExp(`/${kind}/([A-Za-z0-9_]+)`).exec(href)?.[1] ?? []),
  );
  return [...new Set(names)].filter((n) => !n.startsWith('__')).sort();
}

describe.each([
  ['local', 'prod'],
  ['prod', 'local'],
])('the Dagster UI in the %s deployment', (deployment, other) => {
  let ui: { url: string; server: ChildProcess };
  let page: Page;

  beforeAll(async () => {
    ui = await startUi(deployment);
    page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
    // As dismissed: Dagster's first-visit newsletter dialog would cover the screenshots.
    await page.addInitScript(() => localStorage.setItem('communityNux', JSON.stringify('1')));
  }, 900_000);

  afterAll(async () => {
    await page?.close();
    // dg dev does not stop on SIGTERM while its code servers shut down; its whole process group goes.
    if (ui?.server.pid) process.kill(-ui.server.pid, 'SIGKILL');
  });

  it(`lists the ${deployment} jobs, and none of ${other}'s`, async () => {
    const want = expected[deployment]!.jobs;
    expect(want.length).toBeGreaterThan(0);
    await page.goto(`${ui.url}/jobs`);
    const jobs = await listed(page, ['jobs']);
    expect(jobs).toEqual(want);
    for (const job of expected[other]!.jobs.filter((j) => !want.includes(j))) expect(jobs).not.toContain(job);
    expect(jobs).toEqual(
      deployment === 'prod' ? ['events_prod_full', 'orders_prod_full'] : ['events_local_sample', 'orders_local_sample'],
    );
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, `ui-${deployment}-jobs.png`) });
  });

  it(`lists the ${deployment} schedules and sensors, and none of ${other}'s`, async () => {
    const want = expected[deployment]!.automations;
    await page.goto(`${ui.url}/automation`);
    // The local deployment runs no daemon, so it loads no schedule or sensor: the page says so.
    const automations = await listed(page, ['schedules', 'sensors'], 'No automations');
    expect(automations).toEqual(want);
    for (const name of expected[other]!.automations.filter((a) => !want.includes(a)))
      expect(automations).not.toContain(name);
    if (deployment === 'prod') expect(automations).toEqual(['events_landing', 'orders_daily']);
    // biome-ignore lint/performance/useDomNodeTextContent: what the page shows a person, not hidden text
    else expect(await page.locator('body').innerText()).not.toMatch(/orders_daily|events_landing/);
    await page.screenshot({ path: join(IMAGES, `ui-${deployment}-automation.png`) });
  });
});
