// A platform-owned file that differs from what the recorded answers, today's conventions and
// platform.yaml render: rendered from an earlier platform.yaml (`pipeline upgrade` renders it
// again), or edited by hand (a person moves the change). src/upgrade/platform-owned.ts tells which.
import { CONVENTIONS_VERSION } from '../../conventions/version.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { platformOwnedFiles, type RenderedFrom } from '../../upgrade/platform-owned.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

const WIDTH = 70;

/**
 * The two versions of a line, each cut to WIDTH characters around where they first differ: cut
 * from the start, two long lines that differ past the cut read the same (`("local", "dev",...`).
 */
export function shown({ actual, expected }: { actual?: string; expected?: string }): [string, string] {
  const [a, e] = [actual?.trim(), expected?.trim()];
  let same = 0;
  while (a !== undefined && e !== undefined && same < a.length && a[same] === e[same]) same++;
  const from = Math.max(0, same - 30);
  const cut = (line: string | undefined) => {
    if (line === undefined) return 'the end of the file';
    if (line.length <= WIDTH) return `\`${line}\``;
    // Room for an ellipsis on each side; the window ends at the line's end when the rest is short.
    const width = WIDTH - 6;
    const start = Math.min(from, Math.max(0, line.length - width));
    const part = line.slice(start, start + width);
    return `\`${start ? '...' : ''}${part}${start + part.length < line.length ? '...' : ''}\``;
  };
  return [cut(a), cut(e)];
}

const renderedFrom = (from: RenderedFrom) =>
  [
    from.platform ? `an earlier platform.yaml (commit ${from.platform.slice(0, 12)})` : '',
    from.answers ? `earlier answers (.pipeline-answers.yaml of commit ${from.answers.slice(0, 12)})` : '',
  ]
    .filter(Boolean)
    .join(' and ');

export const platformOwnedEdited: PipelineRule = {
  id: 'platform-owned-edited',
  scope: 'pipeline',
  severity: 'error',
  title: 'A platform-owned file differs from what the conventions render',
  why: '`pipeline upgrade` rewrites platform-owned files (conventions.py, deployments.py, modes.py, storage.py, definitions.py, tests/test_deployments.py ...) when the conventions change, so a hand edit there is lost or blocks the upgrade, and a stale copy of platform.yaml loads the wrong deployments.',
  fix: 'move your change into a module of yours (ops.py, jobs.py, presets.py, schedules.py, sensors.py) and restore the platform-owned line',
  async check(pipeline, ctx) {
    // Behind: the current templates are not what it was made with; conventions-behind says so.
    const recorded = pipeline.recordedVersion;
    if (recorded < CONVENTIONS_VERSION || !pipeline.answers) return [];
    // Beyond: the platform's own codemods brought it there, and may have changed platform-owned
    // files; what they make of the rendered files is what the pipeline should hold.
    const codemods = recorded > CONVENTIONS_VERSION ? (await ctx.target()).codemods : [];
    const files = await platformOwnedFiles(
      { name: pipeline.name, answers: pipeline.answers, version: recorded, tree: new FileTree(pipeline.dir) },
      ctx.platform,
      ctx.root,
      codemods,
    );
    const conventions =
      recorded > CONVENTIONS_VERSION
        ? `conventions v${CONVENTIONS_VERSION} with the platform's codemods to v${recorded}`
        : `conventions v${CONVENTIONS_VERSION}`;
    const findings: RawFinding[] = [];
    for (const file of files ?? []) {
      const at = `${pipeline.rel}/${file.path}`;
      if (file.state === 'missing')
        findings.push({
          file: at,
          line: 1,
          message: `${file.path} is missing: it is platform-owned (${conventions})`,
          fix: 'restore it from git, or regenerate it with create-pipeline --dry-run and copy it',
        });
      else if (file.state === 'stale')
        findings.push({
          file: at,
          line: file.difference.line,
          message: `${file.path} is platform-owned and was rendered from ${renderedFrom(file.from)}: line ${file.difference.line} is ${shown(file.difference)[0]}, today's renders ${shown(file.difference)[1]}`,
          fix: `npx pipeline upgrade --pipeline ${pipeline.name} renders it again from today's platform.yaml and answers (commit them first, or add --allow-dirty)`,
        });
      else if (file.state === 'edited' && file.behind)
        findings.push({
          file: at,
          line: file.difference.line,
          message: `${file.path} is platform-owned and edited by hand on top of a rendering of ${renderedFrom(file.behind)}: line ${file.difference.line} is ${shown(file.difference)[0]}, rendered ${shown(file.difference)[1]}; today's platform.yaml changes the file too`,
          fix: `move your change into a module of yours and restore the line; then npx pipeline upgrade --pipeline ${pipeline.name} renders it from today's platform.yaml`,
        });
      else if (file.state === 'edited')
        findings.push({
          file: at,
          line: file.difference.line,
          message: `${file.path} is platform-owned and differs from what ${conventions} and platform.yaml render: line ${file.difference.line} is ${shown(file.difference)[0]}, expected ${shown(file.difference)[1]}`,
        });
    }
    return findings;
  },
};
