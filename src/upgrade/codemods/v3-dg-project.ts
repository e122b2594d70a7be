// Why: from conventions v3 every pipeline is a `dg` project and the platform repo a `dg` workspace
// (dg.toml, written by `pipeline sync`), so `dg check defs` and `dg dev` work in a pipeline and at
// the root. pyproject.toml's `[tool.dagster]` becomes `[tool.dg]` + `[tool.dg.project]` (same
// module and location name), and the dev group gets `dagster-dg-cli` at the pipeline's own Dagster
// pin. There is no TOML engine here: section headers and array items are found line by line
// (v3-toml-lines.ts) and only those lines change. The README's "Run it locally" commands move to
// `uv run dg ...` when they are still the generated ones (the README is the owners': anything else
// in it is left alone).

import type { FileTree } from '../../tree/file-tree.ts';
import type { Codemod, CodemodContext } from '../codemod.ts';
import { insertItem, joinLines, keyLine, requirementName, section, splitLines, stringArray } from './v3-toml-lines.ts';

export const PYPROJECT = 'pyproject.toml';
const README = 'README.md';
const DG_CLI = 'dagster-dg-cli';

const DG_COMMENT = [
  '# A dg project: `dg check defs`, `dg list defs` and `dg dev` work here, and at the platform root',
  '# (a dg workspace of every pipeline, written by `pipeline sync`).',
];

const OLD_README = [
  'uv sync                      # or: python -m venv .venv && pip install -e . pytest',
  'uv run pytest                # runs every job in local mode on the bundled sample data',
  'uv run dagster dev           # the UI, with only the jobs the local deployment allows',
].join('\n');
const NEW_README = [
  'uv sync                      # its own environment (.venv), with the dev tools',
  'uv run pytest                # runs every job in local mode on the bundled sample data',
  'uv run dg check defs         # loads it as Dagster will (a dg project; see pyproject.toml)',
  'uv run dg dev                # the UI, with only the jobs the local deployment allows',
].join('\n');

/** The version `dagster==X` pins in [project] dependencies, else the platform's. */
function dagsterPin(lines: string[], ctx: CodemodContext): string | undefined {
  const project = section(lines, 'project');
  const pin =
    project &&
    stringArray(lines, project, 'dependencies')?.items.find(
      (i) => requirementName(i.value) === 'dagster' && /==/.test(i.value),
    );
  return pin ? pin.value.split('==')[1]!.trim() : ctx.platform?.dagsterVersion;
}

/** `[tool.dagster]` becomes `[tool.dg]` and `[tool.dg.project]`, its keys kept in order. */
function toolDg(lines: string[], ctx: CodemodContext): number {
  if (section(lines, 'tool.dg') || section(lines, 'tool.dg.project')) return 0;
  const old = section(lines, 'tool.dagster');
  if (!old) {
    ctx.todo(
      `${PYPROJECT} has no [tool.dagster] section to turn into [tool.dg]; add [tool.dg] (directory_type = "project") and [tool.dg.project] (root_module) by hand`,
    );
    return 0;
  }
  const moduleLine = keyLine(lines, old, 'module_name');
  const module = moduleLine === undefined ? undefined : /=\s*["']([^"']+)["']/.exec(lines[moduleLine]!)?.[1];
  const root = module?.split('.')[0] ?? ctx.pipeline;
  const body: string[] = [];
  for (let i = old.header + 1; i < old.end; i++) {
    const line = lines[i]!;
    if (i === moduleLine) body.push(line.replace(/^(\s*)["']?module_name["']?/, '$1code_location_target_module'));
    else if (/^\s*["']?(working_directory|attribute|python_file|package_name)["']?\s*=/.test(line)) {
      const key = line.split('=')[0]!.trim();
      ctx.todo(
        `${PYPROJECT}: [tool.dagster] ${key} has no [tool.dg.project] equivalent; it is left as a comment, set the project up by hand`,
      );
      body.push(`# TODO(pipeline upgrade): no [tool.dg.project] equivalent: ${line.trim()}`);
    } else body.push(line);
  }
  // A comment right above the old header stays where it is; ours goes just above the new one.
  const trailing = /\](\s*#.*)$/.exec(lines[old.header]!)?.[1] ?? '';
  const replacement = [
    ...DG_COMMENT,
    `[tool.dg]${trailing}`,
    'directory_type = "project"',
    '',
    '[tool.dg.project]',
    `root_module = ${JSON.stringify(root)}`,
    ...body,
  ];
  lines.splice(old.header, old.end - old.header, ...replacement);
  return 1;
}

/** `dagster-dg-cli==<dagster pin>` in the dev dependency group, after dagster-webserver. */
function dgCli(lines: string[], ctx: CodemodContext): number {
  const groups = section(lines, 'dependency-groups');
  const dev = groups && stringArray(lines, groups, 'dev');
  if (!dev) {
    ctx.todo(
      `${PYPROJECT} has no [dependency-groups] dev list; add "${DG_CLI}" (at your Dagster version) to your dev tools by hand`,
    );
    return 0;
  }
  if (dev.items.some((i) => requirementName(i.value) === DG_CLI)) return 0;
  const version = dagsterPin(lines, ctx);
  insertItem(lines, dev, version ? `${DG_CLI}==${version}` : DG_CLI, (v) => requirementName(v) === 'dagster-webserver');
  return 1;
}

function pyproject(tree: FileTree, ctx: CodemodContext): number {
  const source = tree.read(PYPROJECT);
  if (source === undefined) return 0;
  const lines = splitLines(source);
  const changes = toolDg(lines, ctx) + dgCli(lines, ctx);
  if (changes > 0) tree.write(PYPROJECT, joinLines(lines));
  return changes;
}

function readme(tree: FileTree): number {
  const text = tree.read(README);
  if (text === undefined || !text.includes(OLD_README)) return 0;
  tree.write(README, text.replace(OLD_README, NEW_README));
  return 1;
}

export const dgProject: Codemod = {
  id: 'v3-dg-project',
  version: 3,
  description: 'Make the pipeline a dg project: [tool.dg] in pyproject.toml, dagster-dg-cli in the dev group',
  run(tree, ctx) {
    return pyproject(tree, ctx) + readme(tree);
  },
};
