// The platform-owned files of a pipeline as its recorded answers and today's conventions render
// them, through the generator's own renderer (src/render/templates.ts, which compiles each
// template once per process), so a check compares with exactly what create-pipeline writes.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type PipelineSpec, renderData } from '../../generators/pipeline/spec.ts';
import type { PlatformConfig } from '../conventions/platform-config.ts';
import { templatesDir } from '../paths.ts';
import { renderString, walk } from '../render/templates.ts';

export const PLATFORM_OWNED_PARTIAL = '{{> platform-owned}}';

interface Template {
  /** Output path with `__pkg__` still in it. */
  path: string;
  render: (data: Record<string, unknown>) => string;
}

const owned = new Map<string, Template[]>();

/** The platform-owned templates of a kind: shared, overlaid by the kind's own (the last one wins). */
function ownedTemplates(kind: string): Template[] {
  const cached = owned.get(kind);
  if (cached) return cached;
  const byPath = new Map<string, string>();
  for (const folder of ['pipeline/shared', `pipeline/${kind}`]) {
    const base = join(templatesDir(), folder);
    for (const file of walk(base)) {
      const path = relative(base, file)
        .split(sep)
        .join('/')
        .replace(/\.hbs$/, '')
        .replace(/(^|\/)_dot_/g, '$1.');
      byPath.set(path, file);
    }
  }
  const templates = [...byPath]
    .map(([path, file]) => ({ path, file, raw: readFileSync(file, 'utf8') }))
    .filter(({ file, raw }) => file.endsWith('.hbs') && raw.startsWith(PLATFORM_OWNED_PARTIAL))
    .map(({ path, raw }) => ({ path, render: (data: Record<string, unknown>) => renderString(raw, data) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  owned.set(kind, templates);
  return templates;
}

/** path (relative to the pipeline) -> content, for every platform-owned file of this pipeline. */
export function renderPlatformOwned(spec: PipelineSpec, platform: PlatformConfig): Map<string, string> {
  const data = renderData(spec, platform);
  const out = new Map<string, string>();
  for (const t of ownedTemplates(spec.answers.template)) {
    out.set(
      t.path.replace(/__(\w+)__/g, (whole, key: string) =>
        typeof data[key] === 'string' ? (data[key] as string) : whole,
      ),
      t.render(data),
    );
  }
  return out;
}
