// Why: the day-two CLI moved out of the `create-pipeline` package (now only the `npm init
// pipeline` initializer, with no `pipeline` bin) into `@create-pipeline/cli`. A platform repo that
// pins `create-pipeline` would lose `npx pipeline` at its next version bump, so `pipeline upgrade`
// (run once with the new CLI: `npx -p @create-pipeline/cli pipeline upgrade`) moves the pin:
//
// - package.json: the `create-pipeline` entry of devDependencies (or dependencies) becomes
//   `"@create-pipeline/cli": "<this CLI's version>"` (removed, when the CLI is pinned already); a
//   script that runs `create-pipeline` runs `pipeline new`. Edited with the yaml Document API (a
//   JSON file is YAML to it) at the nodes' own ranges: every other byte is kept.
// - README.md: the passages a new platform's README had about the CLI, where they are still as
//   generated (the README is the team's: anything else stays); .gitignore: its generated comment
//   line naming the CLI.
//
// It is not a conventions version: it runs whenever package.json still pins `create-pipeline`, at
// any conventions version, and changes nothing once the pin has moved.
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { cliVersion, WORKSPACE } from '../../paths.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { editYamlText, type TextEdit } from '../../yaml/edit.ts';
import type { AnyVersionStep } from '../types.ts';

export const CLI_PACKAGE = { id: 'cli-package' } as const;

const PACKAGE = 'package.json';
const README = 'README.md';
const GITIGNORE = '.gitignore';
const GITIGNORE_LINE = [
  '# Node (the pinned create-pipeline CLI)',
  '# Node (the pinned pipeline CLI, @create-pipeline/cli)',
] as const;
const OLD = WORKSPACE.initializer.name;
const NEW = WORKSPACE.cli.name;

const pairOf = (map: YAMLMap, key: string) =>
  (map.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && p.key.value === key);

/** The step, planned in memory; null when package.json does not pin create-pipeline (nothing to do). */
export function planCliPackage(root: string): AnyVersionStep | null {
  const step: AnyVersionStep = {
    id: CLI_PACKAGE.id,
    tree: new FileTree(root),
    todos: [],
    summary: (written) => cliPackageSummary(step, written),
    message:
      'chore(upgrade): pin @create-pipeline/cli, the pipeline CLI\n\nThe pipeline bin moved out of create-pipeline.\nMade by pipeline upgrade.',
  };
  const text = step.tree.read(PACKAGE);
  if (text === undefined) return null;
  const out = editYamlText(text, PACKAGE, (doc, source) => {
    const edits: TextEdit[] = [];
    for (const field of ['devDependencies', 'dependencies']) {
      const deps = doc.get(field, true);
      if (!isMap(deps)) continue;
      const old = pairOf(deps, OLD);
      if (!old) continue;
      const pinned = ['devDependencies', 'dependencies'].some((f) => {
        const map = doc.get(f, true);
        return isMap(map) && pairOf(map, NEW) !== undefined;
      });
      if (!pinned) {
        edits.push({ start: old.key.range![0], end: old.key.range![1], text: JSON.stringify(NEW) });
        edits.push({ start: old.value!.range![0], end: old.value!.range![1], text: JSON.stringify(cliVersion()) });
      } else edits.push(removal(deps, old, source));
    }
    if (edits.length === 0) return [];
    const scripts = doc.get('scripts', true);
    if (isMap(scripts)) {
      for (const pair of scripts.items as Pair<Node, Node>[]) {
        const value = pair.value;
        if (!isScalar(value) || typeof value.value !== 'string' || !value.range) continue;
        const command = value.value;
        if (command === OLD || command.startsWith(`${OLD} `))
          edits.push({
            start: value.range[0],
            end: value.range[1],
            text: JSON.stringify(`pipeline new${command.slice(OLD.length)}`),
          });
        else if (command.includes(OLD))
          step.todos.push(
            `${PACKAGE}: the script ${String((pair.key as { value?: unknown }).value)} runs ${OLD}, which no longer has the pipeline bin: run pipeline (new) instead`,
          );
      }
    }
    return edits;
  });
  if (out === text) return null;
  step.tree.write(PACKAGE, out);
  // .gitignore: its comment line naming the CLI, when it is the generated line (compared whole).
  const gitignore = step.tree.read(GITIGNORE);
  if (gitignore !== undefined) {
    const lines = gitignore.split('\n');
    const at = lines.indexOf(GITIGNORE_LINE[0]);
    if (at !== -1) {
      lines[at] = GITIGNORE_LINE[1];
      step.tree.write(GITIGNORE, lines.join('\n'));
    }
  }
  const readme = step.tree.read(README);
  if (readme !== undefined) {
    let fresh = readme;
    for (const [was, now] of README_CHANGES) fresh = fresh.replace(was, now);
    if (fresh !== readme) step.tree.write(README, fresh);
    if (fresh.includes(`npx ${OLD}`))
      step.todos.push(
        `${README} still runs npx ${OLD}: in this platform, npx pipeline new adds a pipeline at its pinned conventions`,
      );
  }
  return step;
}

/** Removes a pair of a JSON object with its comma: up to the next key, or from the previous value. */
function removal(map: YAMLMap, pair: Pair<Node, Node>, source: string): TextEdit {
  const items = map.items as Pair<Node, Node>[];
  const at = items.indexOf(pair);
  const next = items[at + 1];
  if (next) return { start: pair.key.range![0], end: next.key.range![0], text: '' };
  const previous = items[at - 1];
  if (previous) return { start: previous.value!.range![1], end: pair.value!.range![1], text: '' };
  // The only entry: the object is left empty, on one line.
  return { start: map.range![0], end: source.lastIndexOf('}', map.range![1]) + 1, text: '{}' };
}

/** What a new platform's README said about the CLI (create-pipeline 0.1), and says now. */
const README_CHANGES: [string, string][] = [
  [
    'They are made, kept current and sandboxed with the `create-pipeline` CLI,\npinned in `package.json` so that everyone runs the same version:',
    "They are made, kept current and sandboxed with the `pipeline` CLI\n(`@create-pipeline/cli`), pinned in `package.json` so that everyone, CI included, runs the same\nversion and a new pipeline follows this platform's conventions:",
  ],
  [
    'npx create-pipeline               # a new pipeline on its own git branch',
    'npx pipeline new                  # a new pipeline on its own git branch',
  ],
];

const cliPackageSummary = (step: AnyVersionStep, written: boolean): string =>
  [
    `\nplatform: ${CLI_PACKAGE.id}: ${PACKAGE} ${written ? 'pins' : 'would pin'} ${NEW} ${cliVersion()} instead of ${OLD} (the pipeline bin moved there); then run npm install, and commit package-lock.json`,
    ...step.todos.map((t) => `  TODO: ${t}`),
  ].join('\n');
