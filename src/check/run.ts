// `pipeline check` as a use case: load the static model, run every enabled rule, return one report
// (the table, --json, GitHub annotations and SARIF are all renderings of it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONVENTIONS_VERSION } from '../conventions/version.ts';
import { ConfigError } from '../errors.ts';
import { loadPlatformForCheck, PipelineModel, selectPipelines } from './model.ts';
import { RULES } from './rules/index.ts';
import type { Finding, PlatformContext, RawFinding, Rule, RuleSetting, Severity } from './types.ts';

export interface CheckReport {
  ok: boolean;
  root: string;
  pipelines: string[];
  rules: { id: string; severity: RuleSetting; title: string }[];
  findings: Finding[];
  summary: { errors: number; warnings: number };
}

/** Each rule's effective setting: its default, unless platform.yaml's `check.rules` says otherwise. */
export function ruleSettings(configured: Record<string, RuleSetting> = {}): Map<Rule, RuleSetting> {
  for (const id of Object.keys(configured)) {
    if (!RULES.some((r) => r.id === id))
      throw new ConfigError(
        'platform.yaml',
        `check.rules.${id}`,
        `is not a rule of pipeline check (expected one of: ${RULES.map((r) => r.id).join(', ')})`,
      );
  }
  return new Map(RULES.map((r) => [r, configured[r.id] ?? r.severity]));
}

/** The version pipelines should be at, and the codemods between a version and it (loaded only when asked). */
function conventionsTarget(root: string, declared: number): PlatformContext['target'] {
  let cached: ReturnType<PlatformContext['target']> | undefined;
  return () =>
    (cached ??= (async () => {
      const { allCodemods, defaultTarget } = await import('../upgrade/runner.ts');
      const codemods = await allCodemods(existsSync(join(root, 'codemods')) ? root : undefined);
      const version = Math.max(declared, defaultTarget(codemods));
      return {
        version,
        due: (from: number) => codemods.filter((c) => c.version > from && c.version <= version).map((c) => c.id),
        codemods,
      };
    })());
}

export async function runCheck(root: string, options: { pipelines?: string[] } = {}): Promise<CheckReport> {
  // Guard clauses: the platform config and the selection, before any rule runs.
  const { platform, problems } = loadPlatformForCheck(root);
  const settings = ruleSettings(platform.check?.rules);
  const selected = selectPipelines(root, options.pipelines ?? []);
  const declared = Math.max(platform.conventionsVersion, CONVENTIONS_VERSION);
  const lazyTarget = conventionsTarget(root, declared);
  let anyBehind = false;
  const ctx: PlatformContext = {
    root,
    platform,
    platformProblems: problems,
    // Without a platform codemod folder and nobody behind, the codemods need not load at all.
    target: () =>
      anyBehind || existsSync(join(root, 'codemods'))
        ? lazyTarget()
        : Promise.resolve({ version: declared, due: () => [], codemods: [] }),
  };
  const models = selected.map(({ name, dir }) => new PipelineModel(name, dir, platform));
  anyBehind = models.some((m) => m.recordedVersion < declared);

  const findings: Finding[] = [];
  const enabled = [...settings].filter(([, setting]) => setting !== 'off') as [Rule, Severity][];
  const add = (rule: Rule, severity: Severity, pipeline: string | undefined, raw: RawFinding[]) =>
    raw.forEach((f) => {
      findings.push({ rule: rule.id, severity, ...(pipeline ? { pipeline } : {}), ...f, fix: f.fix ?? rule.fix });
    });
  for (const [rule, severity] of enabled)
    if (rule.scope === 'platform') add(rule, severity, undefined, await rule.check(ctx, models));
  // Pipeline by pipeline, each one's files dropped once its rules ran: memory stays flat on large repos.
  for (const model of models) {
    for (const [rule, severity] of enabled)
      if (rule.scope === 'pipeline') add(rule, severity, model.name, await rule.check(model, ctx));
    model.release();
  }
  findings.sort(
    (a, b) =>
      (a.pipeline ?? '').localeCompare(b.pipeline ?? '') ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule),
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    ok: errors === 0,
    root,
    pipelines: models.map((m) => m.name),
    rules: [...settings].map(([r, s]) => ({ id: r.id, severity: s, title: r.title })),
    findings,
    summary: { errors, warnings: findings.length - errors },
  };
}
