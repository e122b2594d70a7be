// The sandbox lifecycle for the current git branch: up, status, list, diff, down. Guard rails
// first: the production ref and protected branches are never a sandbox target, whatever the
// branch is called; nothing here writes to production.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  findPlatformRoot,
  loadPlatformConfig,
  PLATFORM_FILE,
  type PlatformConfig,
} from '../conventions/platform-config.ts';
import { CliError, EXIT, InputError, StateError } from '../errors.ts';
import { gitBranchExists, gitCurrentBranch, gitTopLevel } from '../git.ts';
import { counted } from '../text.ts';
import { permissionError } from '../tree/transaction.ts';
import type { DataChange, DataSandbox, SandboxBackend } from './backend.ts';
import { lakefsUri } from './lakefs.ts';
import { LAKEFS_BRANCH_ID, sandboxName, snowflakeDatabaseName } from './names.ts';
import { snowflakeProduction } from './snowflake.ts';

export const SANDBOXES_DIR = '.sandboxes';

export interface SandboxRecord {
  name: string;
  gitBranch: string;
  backend: string;
  production: string;
  sourceRef: string;
  sourceCommit: string | null;
  createdAt: string;
  /** When `pipeline sandbox refresh` last merged production in. */
  refreshedAt?: string;
}

export interface SandboxStatus {
  name: string;
  gitBranch: string | null;
  production: string;
  sourceRef: string;
  sourceCommit: string | null;
  headCommit: string | null;
  createdAt: string | null;
  dataExists: boolean;
  instanceDir: string | null;
  envFile: string | null;
}

export interface SandboxContext {
  root: string;
  platform: PlatformConfig;
  backend: SandboxBackend;
  gitBranch: string;
  name: string;
}

export function platformRoot(cwd: string): { root: string; platform: PlatformConfig } {
  const root = findPlatformRoot(cwd);
  if (!root)
    throw new InputError(
      `no ${PLATFORM_FILE} in ${cwd} or any folder above it; run pipeline sandbox inside your platform repo`,
    );
  return { root, platform: loadPlatformConfig(root) };
}

/** The git branch a sandbox is for: --git-branch, else the checked-out branch. */
export function currentGitBranch(root: string, override?: string): string {
  if (override !== undefined && !override.trim())
    throw new InputError(
      '--git-branch is empty (an unset variable?); pass the branch name, or leave the flag out for the checked-out branch',
    );
  if (override) return override;
  if (!gitTopLevel(root))
    throw new InputError(`${root} is not a git repository; sandboxes follow git branches (or pass --git-branch NAME)`);
  const branch = gitCurrentBranch(root);
  if (!branch)
    throw new InputError(
      'HEAD is detached, so there is no branch to name the sandbox after; check out a branch, or pass --git-branch NAME',
    );
  return branch;
}

export function nameFor(platform: PlatformConfig, gitBranch: string): string {
  return platform.sandbox.backend === 'snowflake'
    ? snowflakeDatabaseName(gitBranch, platform.sandbox.branchPrefix)
    : sandboxName(gitBranch, platform.sandbox.branchPrefix);
}

/** Where production lives, as its backend names it, without connecting to it. */
export const productionOf = (platform: PlatformConfig): string =>
  platform.sandbox.backend === 'snowflake'
    ? snowflakeProduction(platform.sandbox.productionRef)
    : lakefsUri(platform.sandbox.repository, platform.sandbox.productionRef);

/** Refuses any name that is, or could be mistaken for, production. */
export function guardTarget(platform: PlatformConfig, name: string): void {
  const { productionRef, protectedBranches, branchPrefix } = platform.sandbox;
  const forbidden = new Set([productionRef, ...protectedBranches].map((n) => n.toLowerCase()));
  if (forbidden.has(name.toLowerCase()))
    throw new StateError(
      `refusing to use ${name} as a sandbox: it is the production ref or a protected branch (sandbox.production_ref and sandbox.protected_branches in platform.yaml)`,
    );
  if (!name.toLowerCase().startsWith(branchPrefix.toLowerCase()))
    throw new StateError(
      `refusing to use ${name} as a sandbox: sandbox names start with ${branchPrefix} (sandbox.branch_prefix)`,
    );
  if (platform.sandbox.backend === 'lakefs' && !LAKEFS_BRANCH_ID.test(name))
    throw new StateError(`${name} is not a valid lakeFS branch id (^\\w[-\\w]*$)`);
}

export const folder = (root: string, name: string) => join(root, SANDBOXES_DIR, name);
const recordFile = (root: string, name: string) => join(folder(root, name), 'sandbox.json');

/**
 * The sandbox's local record, or undefined. One that is not a record (cut short, edited by hand)
 * is one line naming the file and the way out; `lenient` (list, prune: about every sandbox) reads
 * it as no record, so the others are still listed and pruned.
 */
export function readRecord(root: string, name: string, lenient = false): SandboxRecord | undefined {
  const file = recordFile(root, name);
  if (!existsSync(file)) return undefined;
  let record: Partial<SandboxRecord> | undefined;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxRecord>;
  } catch {}
  if (record && typeof record === 'object' && typeof record.gitBranch === 'string' && record.name === name)
    return record as SandboxRecord;
  if (lenient) return undefined;
  throw new StateError(
    `${relative(root, file)} is not a sandbox record (cut short or edited); remove it, then pipeline sandbox up on its git branch writes it again (or pipeline sandbox down --git-branch NAME removes the sandbox)`,
  );
}

/** Written beside and renamed over, so a reader (or a racing `up`) never sees half a record. */
export function writeRecord(root: string, record: SandboxRecord): void {
  const file = recordFile(root, record.name);
  mkdirSync(folder(root, record.name), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temp, file);
}

/** The sandbox's own Dagster instance: runs in one sandbox never show up in another. */
function writeInstance(
  ctx: SandboxContext,
  record: SandboxRecord,
  endpoint: string | null,
): { instanceDir: string; envFile: string } {
  const dir = folder(ctx.root, ctx.name);
  const home = join(dir, 'dagster_home');
  mkdirSync(home, { recursive: true });
  const template = join(ctx.root, 'deployments', 'sandbox', 'dagster.yaml');
  const instance = existsSync(template) ? readFileSync(template, 'utf8') : 'telemetry:\n  enabled: false\n';
  writeFileSync(join(home, 'dagster.yaml'), instance);
  const env = [
    `# Sandbox ${ctx.name} for git branch ${record.gitBranch}, made by \`pipeline sandbox up\` from ${record.production}.`,
    `# Load it before running Dagster:  set -a; . ${relative(ctx.root, join(dir, 'sandbox.env'))}; set +a`,
    '# Credentials are not in this file: LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY come from your environment.',
    `${ctx.platform.deploymentEnvVar}=sandbox`,
    `${ctx.platform.sandbox.branchEnvVar}=${ctx.name}`,
    `DAGSTER_HOME=${home}`,
    ...(endpoint ? [`LAKEFS_ENDPOINT=${endpoint}`] : []),
    `PIPELINE_LOCAL_DATA=${join(dir, 'local-data')}`,
    '',
  ].join('\n');
  const envFile = join(dir, 'sandbox.env');
  writeFileSync(envFile, env);
  writeRecord(ctx.root, record);
  return { instanceDir: home, envFile };
}

/** The refusals `up` makes before it touches anything; the branch's record, when it has one. */
function ownRecord(ctx: Omit<SandboxContext, 'backend'>): SandboxRecord | undefined {
  guardTarget(ctx.platform, ctx.name);
  const previous = readRecord(ctx.root, ctx.name);
  if (previous && previous.gitBranch !== ctx.gitBranch)
    throw new StateError(
      `sandbox ${ctx.name} belongs to git branch ${previous.gitBranch}, not ${ctx.gitBranch}; run pipeline sandbox down on that branch first`,
    );
  return previous;
}

export interface SandboxUpPlan {
  name: string;
  gitBranch: string;
  production: string;
  /** Whether the data sandbox is there already (up reuses it); null when it was not looked up. */
  dataExists: boolean | null;
  /** Why the data sandbox was not looked up (no credentials), or null. */
  notLookedUp: string | null;
  instanceDir: string;
  envFile: string;
}

/**
 * What `up --dry-run` reports, writing nothing: the refusals `up` makes, then the data sandbox
 * (looked up when there is a backend to ask) and the files it would write.
 */
export async function sandboxUpPlan(
  ctx: Omit<SandboxContext, 'backend'>,
  backend: SandboxBackend | { notLookedUp: string },
): Promise<SandboxUpPlan> {
  ownRecord(ctx);
  const asked = 'notLookedUp' in backend ? undefined : backend;
  const dataExists = asked ? (await asked.get(ctx.name)) !== undefined : null;
  // What up would refuse, the plan refuses too: a repository or production ref that is not there.
  if (dataExists === false) await asked?.checkSource();
  const dir = folder(ctx.root, ctx.name);
  return {
    name: ctx.name,
    gitBranch: ctx.gitBranch,
    production: productionOf(ctx.platform),
    dataExists,
    notLookedUp: asked ? null : (backend as { notLookedUp: string }).notLookedUp,
    instanceDir: join(dir, 'dagster_home'),
    envFile: join(dir, 'sandbox.env'),
  };
}

export async function sandboxUp(
  ctx: SandboxContext,
  endpoint: string | null,
): Promise<{ status: SandboxStatus; created: boolean }> {
  const previous = ownRecord(ctx);
  // The local folder first: one that cannot be written stops up before the data sandbox is made.
  // Named as the folder to fix: the sandbox's own, else .sandboxes/ that cannot hold it.
  const where = existsSync(folder(ctx.root, ctx.name))
    ? relative(ctx.root, folder(ctx.root, ctx.name))
    : existsSync(join(ctx.root, SANDBOXES_DIR))
      ? SANDBOXES_DIR
      : '.';
  const existed = existsSync(folder(ctx.root, ctx.name));
  try {
    const probe = join(folder(ctx.root, ctx.name), `.up.${process.pid}.tmp`);
    mkdirSync(join(folder(ctx.root, ctx.name), 'dagster_home'), { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    permissionError(error, where, 'write in the folder');
  }
  let made: Awaited<ReturnType<SandboxBackend['create']>>;
  try {
    made = await ctx.backend.create(ctx.name);
  } catch (error) {
    // No data sandbox, no local one: the folder the probe made goes.
    if (!existed) rmSync(folder(ctx.root, ctx.name), { recursive: true, force: true });
    throw error;
  }
  const { sandbox, created } = made;
  // A new branch records the commit it was made from; an adopted one (made by a racing `up`, or
  // left from an earlier checkout) records its base as lakeFS computes it, never the ref's name.
  const record: SandboxRecord =
    previous && !created && (previous.sourceCommit || !sandbox.sourceCommit)
      ? previous
      : {
          name: ctx.name,
          gitBranch: ctx.gitBranch,
          backend: ctx.backend.kind,
          production: ctx.backend.describeProduction(),
          sourceRef: sandbox.sourceRef,
          sourceCommit: sandbox.sourceCommit,
          createdAt: (!created && previous?.createdAt) || new Date().toISOString(),
        };
  let written: { instanceDir: string; envFile: string };
  try {
    written = writeInstance(ctx, record, endpoint);
  } catch (error) {
    // Half a sandbox is none: the data sandbox this run made goes too (an adopted one stays).
    if (created) await ctx.backend.destroy(ctx.name);
    permissionError(error, where, 'write in the folder');
  }
  const { instanceDir, envFile } = written;
  return { status: toStatus(record.name, record, sandbox, instanceDir, envFile), created };
}

function toStatus(
  name: string,
  record: SandboxRecord | undefined,
  data: DataSandbox | undefined,
  instanceDir: string | null,
  envFile: string | null,
): SandboxStatus {
  return {
    name,
    gitBranch: record?.gitBranch ?? null,
    production: record?.production ?? '',
    sourceRef: record?.sourceRef ?? data?.sourceRef ?? '',
    sourceCommit: record?.sourceCommit ?? data?.sourceCommit ?? null,
    headCommit: data?.headCommit ?? null,
    createdAt: record?.createdAt ?? null,
    dataExists: data !== undefined,
    instanceDir,
    envFile,
  };
}

export async function sandboxStatus(
  root: string,
  backend: SandboxBackend,
  name: string,
  lenient = false,
): Promise<SandboxStatus | undefined> {
  const record = readRecord(root, name, lenient);
  const data = await backend.get(name);
  if (!record && !data) return undefined;
  const home = join(folder(root, name), 'dagster_home');
  const env = join(folder(root, name), 'sandbox.env');
  return toStatus(name, record, data, existsSync(home) ? home : null, existsSync(env) ? env : null);
}

export interface SandboxListEntry extends SandboxStatus {
  ageDays: number | null;
  /** Whether the git branch it was made for still exists here (null: no local record). */
  gitBranchExists: boolean | null;
  /** Paths production changed since the sandbox's base: how far production has moved on. */
  productionMoved: number | null;
  /** Committed paths of the sandbox that production lacks. */
  unpromoted: number | null;
}

export async function sandboxList(
  root: string,
  platform: PlatformConfig,
  backend: SandboxBackend,
  now = new Date(),
): Promise<SandboxListEntry[]> {
  const local = existsSync(join(root, SANDBOXES_DIR))
    ? readdirSync(join(root, SANDBOXES_DIR)).filter((n) => readRecord(root, n, true))
    : [];
  const remote = await backend.list(platform.sandbox.branchPrefix);
  const names = [...new Set([...local, ...remote])].sort();
  const out: SandboxListEntry[] = [];
  for (const name of names) {
    const status = await sandboxStatus(root, backend, name, true);
    if (!status) continue;
    out.push({
      ...status,
      ageDays: status.createdAt
        ? Math.round(((now.getTime() - Date.parse(status.createdAt)) / 86_400_000) * 1000) / 1000
        : null,
      gitBranchExists: status.gitBranch ? gitBranchExists(root, status.gitBranch) : null,
      productionMoved: status.dataExists ? (await backend.productionChanges(name)).length : null,
      unpromoted: status.dataExists ? (await backend.unpromoted(name)).length : null,
    });
  }
  return out;
}

export async function sandboxDiff(ctx: SandboxContext): Promise<DataChange[]> {
  guardTarget(ctx.platform, ctx.name);
  const record = readRecord(ctx.root, ctx.name);
  const data = await ctx.backend.get(ctx.name);
  if (!data)
    throw new CliError(
      `there is no sandbox ${ctx.name} for git branch ${ctx.gitBranch}; run pipeline sandbox up first`,
      EXIT.usage,
    );
  return ctx.backend.diff({ ...data, sourceCommit: data.sourceCommit ?? record?.sourceCommit ?? null });
}

export const samplePaths = (changes: { path: string }[], max = 3) =>
  `${changes
    .slice(0, max)
    .map((c) => c.path)
    .join(', ')}${changes.length > max ? ', ...' : ''}`;

/** Why a sandbox cannot be removed without --force: uncommitted writes, or committed data production lacks. */
export async function unsavedWork(
  ctx: Pick<SandboxContext, 'backend' | 'platform'>,
  name: string,
  gitBranch: string | null,
): Promise<{ pending: DataChange[]; unpromoted: DataChange[]; why: string | null }> {
  const pending = await ctx.backend.uncommittedWrites(name);
  if (pending.length)
    return {
      pending,
      unpromoted: [],
      why: `sandbox ${name} has ${counted(pending.length, 'uncommitted data write')} (${samplePaths(pending, 1)}); commit them on the branch if you need them, or pass --force to discard them`,
    };
  const unpromoted = await ctx.backend.unpromoted(name);
  if (unpromoted.length) {
    const main = ctx.platform.sandbox.gitMainBranch ?? 'main';
    return {
      pending,
      unpromoted,
      why: `sandbox ${name} has ${counted(unpromoted.length, 'committed change')} not promoted to production (${samplePaths(unpromoted)}); merge git branch ${gitBranch ?? '(its branch)'} into ${main} and run pipeline sandbox promote to keep them, or pass --force to discard them`,
    };
  }
  return { pending, unpromoted, why: null };
}

export async function sandboxDown(
  ctx: SandboxContext,
  force: boolean,
): Promise<{ removed: boolean; discarded: DataChange[] }> {
  guardTarget(ctx.platform, ctx.name);
  const data = await ctx.backend.get(ctx.name);
  const local = existsSync(folder(ctx.root, ctx.name));
  if (!data && !local) return { removed: false, discarded: [] };
  const unsaved = data ? await unsavedWork(ctx, ctx.name, ctx.gitBranch) : { pending: [], unpromoted: [], why: null };
  if (unsaved.why && !force) throw new StateError(unsaved.why);
  if (data) await ctx.backend.destroy(ctx.name);
  rmSync(folder(ctx.root, ctx.name), { recursive: true, force: true });
  return { removed: true, discarded: [...unsaved.pending, ...unsaved.unpromoted] };
}
