// The platform-level steps of `pipeline upgrade`: run once per platform repo, not per pipeline.
//
// Why: from conventions v3 nothing in the platform repo lists pipelines by hand. The registration
// files that every new pipeline used to edit (the root workspace.yaml, deployments/compose/
// workspace.yaml, the compose services, the CI matrix) made two pull requests that each add a
// pipeline conflict. Now `pipeline sync` derives dg.toml, docker-compose.yaml and the compose
// workspace from the folder listing (never committed), the team's own compose services live in
// docker-compose.platform.yaml, and CI computes its matrix. The step v3-platform-layout runs
// once when platform.yaml's conventions_version moves to 3:
//
// - docker-compose.yaml becomes docker-compose.platform.yaml without the services named after
//   pipelines, with the v3 shared environment (yaml Document API: comments and the team's own
//   services and settings are kept; the header is replaced only when it is the generated one);
// - workspace.yaml and deployments/compose/workspace.yaml go when they hold only generated entries
//   and comments (else they stay, with a TODO: sync never overwrites a file it did not write);
// - the CI workflow is replaced when it is the v1/v2 template's (whatever its matrix listed);
// - .gitignore and package.json get their new lines, the README its new file table when its text
//   is still the generated one; deployments/*/dagster.yaml are re-rendered from platform.yaml
//   (platform-owned: `pipeline check` already refuses any drift there);
// - then `pipeline sync`'s own plan (planSync) writes the derived files, through the same
//   transaction, and the derived files git still tracks are removed from its index.
//
// When platform.yaml moves to 4 (from 3, or from earlier with the steps above): ruff.toml, the
// ruff configuration of the repo's Python, is written when there is none, and the CI workflow
// gets its ruff job when it is the v3 template's (v4-ruff-config).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, isMap, isScalar, isSeq, type Node, type Pair, parseDocument } from 'yaml';
import {
  COMPOSE,
  COMPOSE_BASE,
  DERIVED_FILES,
  DERIVED_MARK,
  pipelineFolders,
} from '../../../generators/platform/derived.ts';
import { instanceFiles, platformFiles } from '../../../generators/platform/files.ts';
import type { PlatformConfig } from '../../conventions/platform-config.ts';
import { CONVENTIONS_VERSION } from '../../conventions/version.ts';
import { runGit, tryGit } from '../../git.ts';
import { renderString } from '../../render/templates.ts';
import { planSync } from '../../sync/sync.ts';
import { counted } from '../../text.ts';
import { treeAndRemovalsDiff } from '../../tree/diff.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { Transaction } from '../../tree/transaction.ts';
import { editYamlText, type TextEdit } from '../../yaml/edit.ts';

export const PLATFORM_LAYOUT = { id: 'v3-platform-layout', version: 3 } as const;
export const RUFF_CONFIG = { id: 'v4-ruff-config', version: 4 } as const;

export interface PlatformLayout {
  root: string;
  /** Every file the step creates or changes, in memory. */
  tree: FileTree;
  /** Files the step removes (relative to root). */
  remove: string[];
  todos: string[];
  /** The platform steps it holds (v3-platform-layout, v4-ruff-config). */
  ids: string[];
}

const CI = '.github/workflows/pipelines.yaml';
const WORKSPACE = 'workspace.yaml';
const COMPOSE_WORKSPACE = 'deployments/compose/workspace.yaml';
const CODE_SERVER_PORT = 4000;

/** Only when platform.yaml moves from below 3 to 3 or later, or from below 4 to 4. */
export const needsPlatformLayout = (platform: PlatformConfig, to: number): boolean =>
  (platform.conventionsVersion < PLATFORM_LAYOUT.version && to >= PLATFORM_LAYOUT.version) ||
  (platform.conventionsVersion < RUFF_CONFIG.version && to >= RUFF_CONFIG.version);

/** The steps, planned in memory: nothing is written. `to` is the version platform.yaml moves to. */
export function planPlatformLayout(
  root: string,
  platform: PlatformConfig,
  to: number = CONVENTIONS_VERSION,
): PlatformLayout {
  const step: PlatformLayout = { root, tree: new FileTree(root), remove: [], todos: [], ids: [] };
  if (platform.conventionsVersion < PLATFORM_LAYOUT.version) registrationLayout(step, platform);
  if (platform.conventionsVersion < RUFF_CONFIG.version && to >= RUFF_CONFIG.version) ruffConfig(step, platform);
  return step;
}

/** v3-platform-layout: the derived registration files. */
function registrationLayout(step: PlatformLayout, platform: PlatformConfig): void {
  const { root } = step;
  step.ids.push(PLATFORM_LAYOUT.id);
  // Every pipeline folder: at v1 none is a dg project yet (the v3 codemod makes them one in the same upgrade).
  const pipelines = pipelineFolders(root);
  composeBase(step, platform, pipelines);
  for (const [path, generated] of [
    [
      WORKSPACE,
      (n: string) => ({
        python_module: { module_name: `${n}.definitions`, working_directory: `pipelines/${n}/src`, location_name: n },
      }),
    ],
    [COMPOSE_WORKSPACE, (n: string) => ({ grpc_server: { host: n, port: CODE_SERVER_PORT, location_name: n } })],
  ] as const) {
    registrationFile(step, path, generated);
  }
  ciWorkflow(step, platform);
  gitignore(step);
  packageJson(step);
  readme(step);
  for (const file of instanceFiles(platform))
    if (step.tree.read(file.path) !== file.content) step.tree.write(file.path, file.content);
}

// ---------------------------------------------------------------------------------------------
// v4-ruff-config: ruff.toml, and CI's ruff job

const RUFF_TOML = 'ruff.toml';
const RUFF_JOB = '\n  ruff:\n';

function ruffConfig(step: PlatformLayout, platform: PlatformConfig): void {
  step.ids.push(RUFF_CONFIG.id);
  const files = platformFiles(platform);
  if (!step.tree.exists(RUFF_TOML)) step.tree.write(RUFF_TOML, files.find((f) => f.path === RUFF_TOML)!.content);
  else
    step.todos.push(
      `${RUFF_TOML} is yours already, so it was kept; a new platform's has line-length = 120, target-version = "py310" and the rules E, W, F, I, UP, B, C4, SIM (what generated pipelines pass)`,
    );
  const text = step.tree.read(CI);
  const fresh = files.find((f) => f.path === CI)!.content;
  if (text === undefined || text === fresh) return;
  // The v3 workflow is the current one without its ruff job (the template's last job).
  if (text === fresh.slice(0, fresh.indexOf(RUFF_JOB))) step.tree.write(CI, fresh);
  else
    step.todos.push(
      `${CI} is not the workflow create-pipeline generated, so it was kept; add a job that runs \`ruff check .\` and \`ruff format --check .\` (see a new platform's workflow)`,
    );
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yaml -> docker-compose.platform.yaml

const COMPOSE_HEADER_V1 = [
  '# The compose deployment: the whole platform on a laptop, with images, schedules and sensors.',
  '#   DAGSTER_POSTGRES_PASSWORD=... docker compose up --build',
  '# create-pipeline adds one code-server service per pipeline under `services`.',
  '',
].join('\n');
const COMPOSE_HEADER_V3 = [
  "# The compose deployment's platform services: the whole platform on a laptop, with images,",
  '# schedules and sensors. This file is yours to edit. `pipeline sync` writes docker-compose.yaml',
  '# from it, adding one code-server service per pipelines/<name>/ (so no pull request ever edits a',
  '# shared list), and your comments and changes here are kept:',
  '#   npx pipeline sync && DAGSTER_POSTGRES_PASSWORD=... docker compose up --build',
  '',
].join('\n');
const COMPOSE_PORT = 'DAGSTER_POSTGRES_PORT: "5432"';
const COMPOSE_AWS = [
  "# Dev mode's bucket and boto3's settings, from the shell or .env; the daemon passes them to each run.",
  'PIPELINE_DEV_BUCKET: ${PIPELINE_DEV_BUCKET:-}',
  'AWS_ENDPOINT_URL: ${AWS_ENDPOINT_URL:-}',
  'AWS_REGION: ${AWS_REGION:-}',
  'AWS_DEFAULT_REGION: ${AWS_DEFAULT_REGION:-us-east-1}',
  'AWS_ACCESS_KEY_ID: ${AWS_ACCESS_KEY_ID:-}',
  'AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY:-}',
  'AWS_SESSION_TOKEN: ${AWS_SESSION_TOKEN:-}',
];

const lineStart = (source: string, index: number) => source.lastIndexOf('\n', index - 1) + 1;
const lineEnd = (source: string, index: number) =>
  index > 0 && source[index - 1] === '\n'
    ? index
    : source.indexOf('\n', index) === -1
      ? source.length
      : source.indexOf('\n', index) + 1;
const pairOf = (map: unknown, key: string) =>
  isMap(map) ? (map.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && p.key.value === key) : undefined;

function composeBase(step: PlatformLayout, platform: PlatformConfig, pipelines: string[]): void {
  if (step.tree.exists(COMPOSE_BASE)) return;
  const text = step.tree.read(COMPOSE);
  if (text === undefined || text.split('\n', 3).some((line) => line.includes(DERIVED_MARK))) return;
  const out = editYamlText(text, COMPOSE, (doc, source) => [
    ...composeHeader(source),
    ...withoutPipelineServices(doc, source, pipelines),
    ...sharedEnvironment(doc, source, platform),
  ]);
  step.tree.write(COMPOSE_BASE, out);
  step.remove.push(COMPOSE);
}

const composeHeader = (source: string): TextEdit[] =>
  source.startsWith(COMPOSE_HEADER_V1) ? [{ start: 0, end: COMPOSE_HEADER_V1.length, text: COMPOSE_HEADER_V3 }] : [];

/** The services named after pipelines go: `pipeline sync` adds them to the derived file. */
function withoutPipelineServices(doc: Document, source: string, pipelines: string[]): TextEdit[] {
  const services = doc.get('services', true);
  if (!isMap(services)) return [];
  return (services.items as Pair<Node, Node>[])
    .filter((p) => isScalar(p.key) && pipelines.includes(String(p.key.value)) && p.key.range && p.value?.range)
    .map((p) => ({ start: lineStart(source, p.key.range![0]), end: lineEnd(source, p.value!.range![1]), text: '' }));
}

/** The shared environment (x-dagster-env) gets the Postgres port and boto3's variables. */
function sharedEnvironment(doc: Document, source: string, platform: PlatformConfig): TextEdit[] {
  const env = doc.get('x-dagster-env', true);
  if (!isMap(env) || env.flow || env.items.length === 0) return [];
  const column = (env.items[0]!.key as Node).range![0] - lineStart(source, (env.items[0]!.key as Node).range![0]);
  const pad = ' '.repeat(column);
  const after = (key: string) => {
    const pair = pairOf(env, key) ?? (env.items.at(-1) as Pair<Node, Node>);
    const at = lineEnd(source, pair.value?.range?.[1] ?? pair.key.range![1]);
    return at;
  };
  const edits: TextEdit[] = [];
  if (!pairOf(env, 'DAGSTER_POSTGRES_PORT')) {
    const at = after('DAGSTER_POSTGRES_HOST');
    edits.push({ start: at, end: at, text: `${pad}${COMPOSE_PORT}\n` });
  }
  if (!pairOf(env, 'AWS_ENDPOINT_URL')) {
    const at = after(platform.deploymentEnvVar);
    edits.push({ start: at, end: at, text: COMPOSE_AWS.map((line) => `${pad}${line}\n`).join('') });
  }
  return edits;
}

// ---------------------------------------------------------------------------------------------
// workspace.yaml, deployments/compose/workspace.yaml

const WORKSPACE_COMMENTS = new Set([
  '# Dagster workspace for the local and sandbox deployments (`dagster dev -w workspace.yaml`).',
  '# Dagster workspace for the compose deployment: one gRPC code server per pipeline service.',
  '# create-pipeline adds one entry per pipeline; your own comments and entries are kept.',
]);

/** Removed when every entry is one create-pipeline registered and every comment the template's. */
function registrationFile(step: PlatformLayout, path: string, generated: (name: string) => object): void {
  const text = step.tree.read(path);
  if (text === undefined || text.split('\n', 3).some((line) => line.includes(DERIVED_MARK))) return;
  const own = text.split('\n').filter((line) => line.trim().startsWith('#') && !WORKSPACE_COMMENTS.has(line.trim()));
  const doc = parseDocument(text);
  const entries = doc.errors.length ? undefined : ((doc.toJS() as { load_from?: unknown } | null)?.load_from ?? []);
  const isGenerated = (entry: unknown) => {
    const name = (Object.values(entry as object)[0] as { location_name?: unknown } | undefined)?.location_name;
    return typeof name === 'string' && JSON.stringify(entry) === JSON.stringify(generated(name));
  };
  if (own.length === 0 && Array.isArray(entries) && entries.every(isGenerated)) {
    step.remove.push(path);
    return;
  }
  step.todos.push(
    `${path} holds entries or comments of your own, so it was kept; \`pipeline sync\` now derives ` +
      (path === WORKSPACE
        ? 'dg.toml (the dg workspace) instead, so move what you need there by hand and delete it'
        : `${path} from pipelines/*/, so move your own entries elsewhere and delete it to let sync write it`),
  );
}

// ---------------------------------------------------------------------------------------------
// CI workflow

/** The workflow conventions v1 and v2 generated (before create-pipeline filled its matrix). */
const CI_V2 = `# Runs every pipeline's own tests (local mode, bundled sample data) on each pull request.
# create-pipeline adds each new pipeline to the matrix below.
name: pipelines

on:
  pull_request:
  push:
    branches: [main]

jobs:
  test:
    name: test $\\{{ matrix.pipeline }}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        pipeline: []
    defaults:
      run:
        working-directory: pipelines/$\\{{ matrix.pipeline }}
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v6
      - name: Run the pipeline's tests
        run: uv run --group dev pytest
        env:
          {{deploymentEnvVar}}: local
`;

const CI_MATRIX = ['jobs', 'test', 'strategy', 'matrix', 'pipeline'];

/** The workflow with its matrix list emptied, as the template had it. */
function withEmptyMatrix(text: string): string | undefined {
  try {
    return editYamlText(text, CI, (doc, source) => {
      const parent = doc.getIn(CI_MATRIX.slice(0, -1), true);
      const pair = pairOf(parent, 'pipeline');
      if (!pair || !isSeq(pair.value) || !pair.value.range || !pair.key.range) return [];
      const end = pair.value.range[1];
      return [{ start: pair.key.range[1], end, text: `: []${source[end - 1] === '\n' ? '\n' : ''}` }];
    });
  } catch {
    return undefined;
  }
}

function ciWorkflow(step: PlatformLayout, platform: PlatformConfig): void {
  const text = step.tree.read(CI);
  const fresh = platformFiles(platform).find((f) => f.path === CI)!.content;
  if (text === fresh) return;
  if (
    text !== undefined &&
    withEmptyMatrix(text) !== renderString(CI_V2, { deploymentEnvVar: platform.deploymentEnvVar })
  ) {
    step.todos.push(
      `${CI} is not the workflow create-pipeline generated, so it was kept; its matrix no longer grows by itself: list pipelines/*/ in a job, as a new platform's workflow does (pipeline upgrade writes it when ${CI} is the generated one)`,
    );
    return;
  }
  step.tree.write(CI, fresh);
}

// ---------------------------------------------------------------------------------------------
// .gitignore, package.json, README.md

const GITIGNORE = '.gitignore';
const TXN_LINES = [
  "# A command's journal while it writes (only left behind by a killed run; the next command rolls it back)",
  '.pipeline-txn/',
];
const DERIVED_COMMENT = [
  '# Derived from pipelines/*/ by `pipeline sync` (run by `npm install`, create-pipeline and CI):',
  '# never committed, so pipelines added on different branches never conflict.',
];

function gitignore(step: PlatformLayout): void {
  const text = step.tree.read(GITIGNORE) ?? '';
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const has = (entry: string) =>
    lines.some((line) => line.trim() === entry || line.trim() === entry.replace(/^\//, ''));
  const insertAfter = (anchor: string, block: string[]) => {
    const at = lines.findIndex((line) => line.trim() === anchor);
    lines.splice(at === -1 ? lines.length : at + 1, 0, ...block);
  };
  if (!has('.pipeline-txn/')) insertAfter('.sandboxes/', TXN_LINES);
  const missing = DERIVED_FILES.map((path) => `/${path}`).filter((entry) => !has(entry));
  if (missing.length)
    insertAfter('.env.*', [...(missing.length === DERIVED_FILES.length ? DERIVED_COMMENT : []), ...missing]);
  const out = `${lines.join('\n')}\n`;
  if (out !== text) step.tree.write(GITIGNORE, out);
}

const PACKAGE = 'package.json';
const SYNC = 'pipeline sync';

/** `postinstall` (first) and `sync` (last) scripts, edited in place (a JSON file is YAML to the yaml parser). */
function packageJson(step: PlatformLayout): void {
  const text = step.tree.read(PACKAGE);
  if (text === undefined) return;
  const out = editYamlText(text, PACKAGE, (doc, source) => {
    const scripts = doc.get('scripts', true);
    if (!isMap(scripts) || scripts.items.length === 0) {
      step.todos.push(
        `${PACKAGE} has no scripts to add "postinstall": "${SYNC}" and "sync": "${SYNC}" to; add them by hand`,
      );
      return [];
    }
    const items = scripts.items as Pair<Node, Node>[];
    const first = items[0]!.key.range![0];
    const indent = source.slice(lineStart(source, first), first);
    const edits: TextEdit[] = [];
    const postinstall = pairOf(scripts, 'postinstall');
    if (!postinstall)
      edits.push({ start: first, end: first, text: `"postinstall": ${JSON.stringify(SYNC)},\n${indent}` });
    else if (!String((postinstall.value as { value?: unknown }).value).includes(SYNC))
      step.todos.push(
        `${PACKAGE} has a postinstall script of its own; add "${SYNC}" to it, so that npm install writes the derived files`,
      );
    const sync = pairOf(scripts, 'sync');
    if (!sync) {
      const last = items.at(-1)!.value!.range![1];
      const end = source.slice(0, last).trimEnd().length;
      edits.push({ start: end, end, text: `,\n${indent}"sync": ${JSON.stringify(SYNC)}` });
    } else if ((sync.value as { value?: unknown }).value !== SYNC)
      step.todos.push(`${PACKAGE} has a sync script of its own; run \`npx pipeline sync\` after a merge or a pull`);
    return edits;
  });
  if (out !== text) step.tree.write(PACKAGE, out);
}

const README = 'README.md';
const README_CHANGES: [string, string][] = [
  [
    'Every pipeline lives in `pipelines/<name>/` as its own Dagster code location. They are made, kept\ncurrent and sandboxed with the `create-pipeline` CLI, pinned in `package.json` so that everyone runs\nthe same version:',
    'Every pipeline lives in `pipelines/<name>/` as its own `dg` project and Dagster code location; this\nrepo is a `dg` workspace. They are made, kept current and sandboxed with the `create-pipeline` CLI,\npinned in `package.json` so that everyone runs the same version:',
  ],
  [
    'npm install                       # once: installs the pinned CLI\nnpx create-pipeline               # a new pipeline on its own git branch (asks, or takes flags)\nnpx pipeline --help               # everything after day one\n```\n',
    "npm install                       # once: installs the pinned CLI and runs `pipeline sync`\nnpx create-pipeline               # a new pipeline on its own git branch (asks, or takes flags)\nnpx pipeline sync                 # after a merge or a pull: rewrite the derived files below\ndg check defs                     # every pipeline, each in its own environment (uv sync in each first)\nnpx pipeline --help               # everything after day one\n```\n\nA pull request that adds a pipeline touches only `pipelines/<name>/`: nothing lists pipelines by\nhand, so any number of them merge in any order without a conflict, and deleting a pipeline's folder\nremoves it everywhere.\n",
  ],
  ['| `workspace.yaml` | the Dagster workspace for local runs (`dagster dev -w workspace.yaml`) |\n', ''],
  [
    "| `deployments/compose/workspace.yaml`, `docker-compose.yaml` | the compose deployment |\n| `.github/workflows/pipelines.yaml` | CI: every pipeline's own tests |\n\ncreate-pipeline registers new pipelines in the workspace, compose and CI files for you; comments\nand entries you add to them are kept.\n",
    "| `docker-compose.platform.yaml` | the compose deployment's own services (Postgres, webserver, daemon): yours to edit |\n| `.github/workflows/pipelines.yaml` | CI: every pipeline's tests and `dg check defs`; its matrix is the folder listing |\n\nDerived by `pipeline sync` from `pipelines/*/` and the files above, never committed (`.gitignore`):\n\n| file | what it is |\n|---|---|\n| `dg.toml` | the `dg` workspace: one project per pipeline |\n| `docker-compose.yaml` | `docker-compose.platform.yaml` plus one code-server service per pipeline |\n| `deployments/compose/workspace.yaml` | the compose deployment's Dagster workspace: one gRPC code server per pipeline |\n",
  ],
];

/** The README is the platform team's: only the passages still as generated change. */
function readme(step: PlatformLayout): void {
  const text = step.tree.read(README);
  if (text === undefined) return;
  let out = text;
  for (const [old, fresh] of README_CHANGES) if (out.includes(old)) out = out.replace(old, fresh);
  if (out !== text) step.tree.write(README, out);
  if (/`workspace\.yaml`|create-pipeline registers new pipelines/.test(out))
    step.todos.push(
      `${README} still describes the registration files of conventions v2 (workspace.yaml, a committed docker-compose.yaml); see a new platform's README`,
    );
}

// ---------------------------------------------------------------------------------------------
// Report and write

/** A unified diff per file (for --dry-run), removed files included. */
export function platformLayoutDiff(step: PlatformLayout): string {
  return treeAndRemovalsDiff(step.tree, step.remove);
}

/** The lines under the summary table. */
export function platformLayoutSummary(step: PlatformLayout, written: boolean): string {
  const files = step.tree.changes().length + step.remove.length;
  const head = `\nplatform: ${step.ids.join(', ')}: ${counted(files, 'file')} changed${written ? ', then pipeline sync wrote the derived files' : ' (then pipeline sync writes the derived files)'}`;
  return [head, ...step.todos.map((t) => `  TODO: ${t}`)].join('\n');
}

/**
 * Writes the step through the command's transaction (so a failure or a kill puts every file back),
 * then what `pipeline sync` plans for the derived files; the derived files git still tracks leave
 * its index (they are in .gitignore now). With `commit`, one commit holds it all.
 */
export function writePlatformLayout(
  tx: Transaction,
  step: PlatformLayout,
  platform: PlatformConfig,
  commit: boolean,
): void {
  const { root } = step;
  tx.apply(step.tree.toPlan());
  // Journaled (their bytes are kept for a rollback), then removed.
  const removed = tx.remove(root, step.remove);
  const sync = planSync(root, platform);
  tx.apply({
    root,
    changes: sync.files
      .filter((f) => f.change === 'create' || f.change === 'update')
      .map((f) => ({
        path: f.path,
        kind: f.change === 'create' ? 'create' : 'modify',
        content: f.content,
        before: null,
      })),
  });
  for (const f of sync.files.filter((f) => f.change === 'skipped' && f.note))
    if (!step.todos.some((t) => t.startsWith(f.path))) step.todos.push(f.note!);

  if (tryGit(root, ['rev-parse', '--show-toplevel']) === undefined) return;
  const tracked = (path: string) => tryGit(root, ['ls-files', '--error-unmatch', '--', path]) !== undefined;
  const derivedNow = (path: string) =>
    existsSync(join(root, path)) &&
    readFileSync(join(root, path), 'utf8')
      .split('\n', 3)
      .some((line) => line.includes(DERIVED_MARK));
  const derived = DERIVED_FILES.filter((path) => derivedNow(path) && tracked(path));
  const clean = tryGit(root, ['diff', '--cached', '--quiet']) !== undefined;
  if (derived.length) runGit(root, ['rm', '--cached', '--quiet', '--', ...derived]);
  if (!commit) return;
  const paths = [
    ...step.tree.changes().map((c) => c.path),
    ...removed.filter((path) => !DERIVED_FILES.includes(path as never) && tracked(path)),
  ];
  if (paths.length) runGit(root, ['add', '-A', '--', ...paths]);
  const message = `chore(upgrade): ${step.ids.join(', ')}\n\n${step.ids.includes(PLATFORM_LAYOUT.id) ? 'The registration files are derived by pipeline sync now.\n' : ''}${step.ids.includes(RUFF_CONFIG.id) ? "ruff lints and formats the pipelines' Python (ruff.toml, CI).\n" : ''}Made by pipeline upgrade.`;
  // A commit of the whole index holds the untracked derived files too; with changes of the user's
  // already staged, only this step's own paths are committed.
  if (clean) runGit(root, ['commit', '--quiet', '--no-verify', '-m', message]);
  else if (paths.length) runGit(root, ['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths]);
}
