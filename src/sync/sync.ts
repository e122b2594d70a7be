// `pipeline sync`: writes the platform files that are derived from pipelines/*/ (dg.toml, the
// compose file and the compose workspace). They are never committed, so pipelines added on
// different branches never conflict; this is run by create-pipeline, by the platform repo's
// `npm install`, after a merge, and in CI. Guard clauses first; each file is written atomically;
// a file that sync did not write (no mark) is never overwritten.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE, COMPOSE_BASE, DERIVED_MARK, derivedFiles, listPipelines } from '../../generators/platform/derived.ts';
import type { PlatformConfig } from '../conventions/platform-config.ts';
import { StateError } from '../errors.ts';
import { removeStaleTemps, writeFileAtomic } from '../tree/atomic.ts';
import { comparePaths } from '../tree/order.ts';
import { checkPipelineName } from '../validate/names.ts';

export type SyncChange = 'create' | 'update' | 'unchanged' | 'skipped';

export interface SyncFile {
  path: string;
  change: SyncChange;
  /** Why a file was skipped. */
  note?: string;
}

export interface SyncReport {
  ok: true;
  root: string;
  dryRun: boolean;
  pipelines: string[];
  files: SyncFile[];
}

interface PlannedFile extends SyncFile {
  content: string;
}

/** What sync would write for these pipelines (default: the folder listing), checked, in memory. */
export function planSync(
  root: string,
  platform: PlatformConfig,
  pipelines = listPipelines(root),
): { pipelines: string[]; files: PlannedFile[] } {
  for (const name of pipelines) {
    try {
      checkPipelineName(name);
    } catch (error) {
      throw new StateError(
        `pipelines/${name} is not a usable pipeline folder (${(error as Error).message.split(';')[0]}); rename or remove that folder, then run pipeline sync again`,
      );
    }
  }
  const baseFile = join(root, COMPOSE_BASE);
  const base = existsSync(baseFile) ? readFileSync(baseFile, 'utf8') : undefined;
  const files: PlannedFile[] = derivedFiles(platform, pipelines, base).map((file) => {
    const full = join(root, file.path);
    if (!existsSync(full)) return { ...file, change: 'create' };
    const current = readFileSync(full, 'utf8');
    if (current === file.content) return { ...file, change: 'unchanged' };
    if (!current.split('\n', 3).some((line) => line.includes(DERIVED_MARK))) {
      return {
        ...file,
        change: 'skipped',
        note: `${file.path} was not written by pipeline sync (a platform made before conventions v3?); move it aside to let sync manage it`,
      };
    }
    return { ...file, change: 'update' };
  });
  if (base === undefined && existsSync(join(root, COMPOSE))) {
    files.push({
      path: COMPOSE,
      content: '',
      change: 'skipped',
      note: `there is no ${COMPOSE_BASE} to derive ${COMPOSE} from; move ${COMPOSE}'s platform services there to let sync manage it`,
    });
  }
  return { pipelines, files: files.sort((a, b) => comparePaths(a.path, b.path)) };
}

export type SyncPlan = ReturnType<typeof planSync>;

/**
 * Writes what planSync computed (nothing with dryRun). `plan`: one the caller already computed
 * under the same lock, with nothing written to the derived files or the compose base since.
 */
export function syncPlatform(
  root: string,
  platform: PlatformConfig,
  options: { dryRun?: boolean; pipelines?: string[]; plan?: SyncPlan } = {},
): SyncReport {
  const plan = options.plan ?? planSync(root, platform, options.pipelines);
  if (!options.dryRun) {
    for (const file of plan.files) {
      removeStaleTemps(join(root, file.path));
      if (file.change === 'create' || file.change === 'update') writeFileAtomic(join(root, file.path), file.content);
    }
  }
  return {
    ok: true,
    root,
    dryRun: Boolean(options.dryRun),
    pipelines: plan.pipelines,
    files: plan.files.map(({ content: _content, ...rest }) => rest),
  };
}

/** The files sync changed or would change. */
export const syncChanges = (report: SyncReport): SyncFile[] =>
  report.files.filter((f) => f.change === 'create' || f.change === 'update');
