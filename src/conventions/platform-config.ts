// The platform config (platform.yaml at the platform repo's root): the team's conventions.
// Loaded once, checked against its schema with messages that name the key, the reason and the fix.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, InputError } from '../errors.ts';
import {
  DEPLOYMENT_NAME,
  ENV_VAR,
  LAKEFS_BRANCH_ID,
  LAKEFS_REPOSITORY,
  ownerNameProblem,
  platformNameProblem,
  timezoneProblem,
} from '../validate/index.ts';
import { parseYamlFile } from '../yaml/read.ts';

export const PLATFORM_FILE = 'platform.yaml';
/** Modes are resource sets the templates know how to build; deployments are the platform's to choose. */
export const MODES = ['local', 'sandbox', 'dev', 'prod'] as const;
export type Mode = (typeof MODES)[number];
/** A mode a platform defines beyond the built-in ones (a pipeline gets it with `pipeline add mode`). */
export const CUSTOM_MODE = /^[a-z][a-z0-9_]*$/;
export const RUN_LAUNCHERS = ['default', 'docker', 'ecs'] as const;
export type RunLauncher = (typeof RUN_LAUNCHERS)[number];

export interface Deployment {
  name: string;
  /** Built-in modes, and any the platform defines (see CUSTOM_MODE). */
  modes: string[];
  runLauncher: RunLauncher;
  daemon: boolean;
}

export interface Owner {
  name: string;
  contact?: string;
}

export interface SandboxConfig {
  backend: 'lakefs' | 'snowflake';
  repository: string;
  productionRef: string;
  protectedBranches: string[];
  branchPrefix: string;
  branchEnvVar: string;
  /** The lakeFS branch `pipeline sandbox promote` merges into (default: production_ref, when it is a branch). */
  productionBranch?: string;
  /** The git branch a sandbox's branch must be merged into before its data can be promoted (default main). */
  gitMainBranch?: string;
  /** `pipeline sandbox prune` removes sandboxes older than this many days. */
  ttlDays?: number;
}

export interface PlatformConfig {
  name: string;
  conventionsVersion: number;
  dagsterVersion: string;
  deploymentEnvVar: string;
  defaultDeployment: string;
  defaultTimezone: string;
  owners: Owner[];
  deployments: Deployment[];
  runningByDefaultIn: string[];
  /** Modes of the platform's own, beyond the built-in ones (`modes:`); a pipeline gets one with `pipeline add mode`. */
  customModes?: string[];
  sandbox: SandboxConfig;
  /** `pipeline check` tuning: a rule id -> off, warning or error (ids are checked by pipeline check). */
  check?: { rules: Record<string, CheckRuleSetting> };
}

export const CHECK_RULE_SETTINGS = ['off', 'warning', 'error'] as const;
export type CheckRuleSetting = (typeof CHECK_RULE_SETTINGS)[number];

/** Reads and checks `<root>/platform.yaml`. */
export function loadPlatformConfig(root: string): PlatformConfig {
  const file = join(root, PLATFORM_FILE);
  return checkPlatformConfig(parseYamlFile(readFileSync(file, 'utf8'), PLATFORM_FILE));
}

/** The nearest folder at or above `start` that holds a platform.yaml, or undefined. */
export function findPlatformRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, PLATFORM_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The platform repo a command runs in: `--cwd` (else the process's folder) and the nearest folder at
 * or above it with a platform.yaml; one line naming the command to run there when there is none.
 */
export function commandRoot(cwdFlag: string | undefined, command: string, where = 'inside a platform repo'): string {
  const cwd = resolve(cwdFlag ?? process.cwd());
  const root = findPlatformRoot(cwd);
  if (!root) throw new InputError(`no ${PLATFORM_FILE} in ${cwd} or any folder above it; run ${command} ${where}`);
  return root;
}

type Obj = Record<string, unknown>;

class Reader {
  constructor(private readonly file: string) {}
  fail(key: string, why: string): never {
    throw new ConfigError(this.file, key, why);
  }
  object(value: unknown, key: string): Obj {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(key, 'must be a mapping');
    return value as Obj;
  }
  string(obj: Obj, key: string, path: string, pattern?: RegExp, hint?: string): string {
    const value = obj[key];
    if (typeof value !== 'string' || value === '') this.fail(path, `is required and must be a non-empty string`);
    if (pattern && !pattern.test(value)) this.fail(path, `${JSON.stringify(value)} ${hint ?? `must match ${pattern}`}`);
    return value;
  }
  stringList(obj: Obj, key: string, path: string, optional = false): string[] {
    const value = obj[key] ?? (optional ? [] : undefined);
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) this.fail(path, 'must be a list of strings');
    return value as string[];
  }
  allowedKeys(obj: Obj, path: string, keys: string[]): void {
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key))
        this.fail(
          `${path}${path ? '.' : ''}${key}`,
          `is not a known key (expected one of: ${keys.join(', ')}); remove it or fix its spelling`,
        );
    }
  }
}

export function checkPlatformConfig(raw: unknown, file = PLATFORM_FILE): PlatformConfig {
  const r = new Reader(file);
  const top = r.object(raw, '(root)');
  r.allowedKeys(top, '', [
    'name',
    'conventions_version',
    'dagster_version',
    'deployment_env_var',
    'default_deployment',
    'default_timezone',
    'owners',
    'deployments',
    'running_by_default_in',
    'sandbox',
    'check',
    'modes',
  ]);
  // The platform's own modes, declared once (a typo in a deployment's modes stays an error).
  const customModes = top.modes === undefined ? [] : r.stringList(top, 'modes', 'modes');
  customModes.forEach((m, i) => {
    if ((MODES as readonly string[]).includes(m))
      r.fail(`modes[${i}]`, `${JSON.stringify(m)} is a built-in mode; list only the platform's own modes here`);
    else if (!CUSTOM_MODE.test(m))
      r.fail(
        `modes[${i}]`,
        `${JSON.stringify(m)} is not a mode name: lowercase letters, digits and underscores, starting with a letter`,
      );
  });
  const knownModes = [...MODES, ...customModes];

  const name = r.string(top, 'name', 'name');
  const nameProblem = platformNameProblem(name);
  if (nameProblem) r.fail('name', `${JSON.stringify(name)} ${nameProblem}`);
  const version = top.conventions_version;
  if (!Number.isInteger(version) || (version as number) < 1)
    r.fail('conventions_version', 'must be a whole number from 1 (run `pipeline upgrade` rather than editing it)');
  const dagsterVersion = r.string(
    top,
    'dagster_version',
    'dagster_version',
    /^1\.\d+\.\d+$/,
    'must be a Dagster 1.x release such as 1.13.27',
  );
  const deploymentEnvVar = r.string(
    top,
    'deployment_env_var',
    'deployment_env_var',
    ENV_VAR,
    'must be an environment variable name (A-Z, 0-9, _)',
  );
  const defaultTimezone = r.string(top, 'default_timezone', 'default_timezone');
  const timezone = timezoneProblem(defaultTimezone);
  if (timezone) r.fail('default_timezone', `${JSON.stringify(defaultTimezone)} ${timezone}`);

  const ownersRaw = top.owners;
  if (!Array.isArray(ownersRaw) || ownersRaw.length === 0)
    r.fail('owners', 'must list at least one owner (a team that can own pipelines)');
  const owners = (ownersRaw as unknown[]).map((item, i): Owner => {
    const o = r.object(item, `owners[${i}]`);
    r.allowedKeys(o, `owners[${i}]`, ['name', 'contact']);
    const owner = r.string(o, 'name', `owners[${i}].name`);
    const problem = ownerNameProblem(owner);
    if (problem) r.fail(`owners[${i}].name`, `${JSON.stringify(owner)} ${problem}`);
    return { name: owner, contact: typeof o.contact === 'string' ? o.contact : undefined };
  });

  const deploymentsRaw = r.object(top.deployments, 'deployments');
  const deployments = Object.entries(deploymentsRaw).map(([dname, value]): Deployment => {
    const path = `deployments.${dname}`;
    if (!DEPLOYMENT_NAME.test(dname))
      r.fail(path, 'deployment names must be lowercase letters, digits and underscores');
    const d = r.object(value, path);
    r.allowedKeys(d, path, ['modes', 'run_launcher', 'daemon']);
    const modes = r.stringList(d, 'modes', `${path}.modes`);
    if (modes.length === 0) r.fail(`${path}.modes`, 'must allow at least one mode');
    modes.forEach((m, i) => {
      if (!knownModes.includes(m))
        r.fail(`${path}.modes[${i}]`, `${JSON.stringify(m)} is not a mode (expected one of: ${knownModes.join(', ')})`);
    });
    const launcher = d.run_launcher ?? 'default';
    if (!(RUN_LAUNCHERS as readonly unknown[]).includes(launcher))
      r.fail(
        `${path}.run_launcher`,
        `${JSON.stringify(launcher)} is not a run launcher (expected one of: ${RUN_LAUNCHERS.join(', ')})`,
      );
    if (d.daemon !== undefined && typeof d.daemon !== 'boolean') r.fail(`${path}.daemon`, 'must be true or false');
    return { name: dname, modes, runLauncher: launcher as RunLauncher, daemon: d.daemon === true };
  });
  if (deployments.length === 0) r.fail('deployments', 'must define at least one deployment');
  const names = deployments.map((d) => d.name);
  const defaultDeployment = r.string(top, 'default_deployment', 'default_deployment');
  if (!names.includes(defaultDeployment))
    r.fail(
      'default_deployment',
      `${JSON.stringify(defaultDeployment)} is not one of the deployments (${names.join(', ')})`,
    );
  const runningByDefaultIn = r.stringList(top, 'running_by_default_in', 'running_by_default_in', true);
  runningByDefaultIn.forEach((n, i) => {
    if (!names.includes(n))
      r.fail(`running_by_default_in[${i}]`, `${JSON.stringify(n)} is not one of the deployments (${names.join(', ')})`);
  });

  const sb = r.object(top.sandbox, 'sandbox');
  r.allowedKeys(sb, 'sandbox', [
    'backend',
    'repository',
    'production_ref',
    'protected_branches',
    'branch_prefix',
    'branch_env_var',
    'production_branch',
    'git_main_branch',
    'ttl_days',
  ]);
  const backend = sb.backend ?? 'lakefs';
  if (backend !== 'lakefs' && backend !== 'snowflake')
    r.fail('sandbox.backend', `${JSON.stringify(backend)} is not a sandbox backend (expected lakefs or snowflake)`);
  const productionRef = r.string(sb, 'production_ref', 'sandbox.production_ref');
  const sandbox: SandboxConfig = {
    backend: backend as SandboxConfig['backend'],
    repository: r.string(
      sb,
      'repository',
      'sandbox.repository',
      LAKEFS_REPOSITORY,
      'must be a lakeFS repository id (3-63 lowercase letters, digits, dashes)',
    ),
    productionRef,
    protectedBranches: r.stringList(sb, 'protected_branches', 'sandbox.protected_branches', true),
    branchPrefix: typeof sb.branch_prefix === 'string' ? sb.branch_prefix : 'sbx-',
    branchEnvVar: typeof sb.branch_env_var === 'string' ? sb.branch_env_var : 'PIPELINE_SANDBOX_BRANCH',
    ...(sb.production_branch !== undefined
      ? {
          productionBranch: r.string(
            sb,
            'production_branch',
            'sandbox.production_branch',
            LAKEFS_BRANCH_ID,
            'must be a lakeFS branch id',
          ),
        }
      : {}),
    ...(sb.git_main_branch !== undefined
      ? { gitMainBranch: r.string(sb, 'git_main_branch', 'sandbox.git_main_branch') }
      : {}),
  };
  if (sb.ttl_days !== undefined) {
    if (typeof sb.ttl_days !== 'number' || !(sb.ttl_days > 0))
      r.fail('sandbox.ttl_days', `${JSON.stringify(sb.ttl_days)} must be a positive number of days`);
    sandbox.ttlDays = sb.ttl_days as number;
  }
  // Every sandbox name starts with it: empty, every branch of the repository (production's too)
  // would be listed, pruned and guarded as a sandbox.
  if (sandbox.branchPrefix === '')
    r.fail('sandbox.branch_prefix', 'is empty; sandbox names start with it (sbx- if unsure)');
  else if (!LAKEFS_BRANCH_ID.test(`${sandbox.branchPrefix}x`))
    r.fail(
      'sandbox.branch_prefix',
      `${JSON.stringify(sandbox.branchPrefix)} cannot start a lakeFS branch id (letters, digits, _ and -)`,
    );
  if (!ENV_VAR.test(sandbox.branchEnvVar))
    r.fail('sandbox.branch_env_var', 'must be an environment variable name (A-Z, 0-9, _)');

  const check = readCheckSection(r, top.check);

  return {
    name,
    conventionsVersion: version as number,
    dagsterVersion,
    deploymentEnvVar,
    defaultDeployment,
    defaultTimezone,
    owners,
    deployments,
    runningByDefaultIn,
    ...(customModes.length ? { customModes } : {}),
    sandbox,
    ...(check ? { check } : {}),
  };
}

/** The optional `check:` section: `rules: { <rule id>: off | warning | error }`. */
function readCheckSection(r: Reader, raw: unknown): PlatformConfig['check'] {
  if (raw === undefined || raw === null) return undefined;
  const section = r.object(raw, 'check');
  r.allowedKeys(section, 'check', ['rules']);
  const rules = section.rules === undefined || section.rules === null ? {} : r.object(section.rules, 'check.rules');
  for (const [id, setting] of Object.entries(rules)) {
    if (!(CHECK_RULE_SETTINGS as readonly unknown[]).includes(setting))
      r.fail(
        `check.rules.${id}`,
        `${JSON.stringify(setting)} is not a setting (expected one of: ${CHECK_RULE_SETTINGS.join(', ')})`,
      );
  }
  return { rules: rules as Record<string, CheckRuleSetting> };
}
