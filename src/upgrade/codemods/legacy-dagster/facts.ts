// What the codemod learns about the package before rewriting any module: per module its
// pipelines (with their modes and presets), the ModeDefinition and PresetDefinition objects held in
// variables, and its schedules and sensors; and how a module's imports name other modules, so a
// repository or a test in one module can be resolved against pipelines defined in another.

import { dirname } from 'node:path';
import type { SgNode } from '@ast-grep/napi';

export interface Mode {
  name: string;
  /** Python expression of the resource dict (a variable's name when the mode was a variable). */
  resources: string | null;
  executor: string | null;
  loggers: string | null;
  /** The dict is written inline in the pipeline (hoisted to a variable when several jobs use it). */
  inline: boolean;
  /** The resource dict as written (to lay it out again). */
  resourcesNode?: SgNode;
}

export interface Preset {
  name: string;
  mode: string | null;
  /** Python expression of the job's config. */
  config: string;
  tags: string | null;
  opSelection: string | null;
  /** YAML run-config files it reads, relative to the tree root; `computed` when a path is not a literal. */
  files: string[];
  computed: boolean;
  /** The run config as written, or the factory and its argument (to lay them out again). */
  configNode?: SgNode;
  factory?: { helper: string; arg: SgNode | undefined };
}

export interface Job {
  kind: 'mode' | 'preset';
  key: string;
  variable: string;
  name: string;
}

export interface Pipeline {
  module: string;
  fn: string;
  name: string;
  modes: Mode[];
  presets: Preset[];
  /** A graph and one job per mode and preset (several modes, or any preset). */
  split: boolean;
  jobs: Job[];
}

export interface ModuleFacts {
  pipelines: Map<string, Pipeline>;
  modeVars: Map<string, Mode>;
  /** Lists of modes held in a variable (`MODES = [ModeDefinition(...), local_mode]`), in their order. */
  modeLists: Map<string, Mode[]>;
  presetVars: Map<string, Preset>;
  schedules: Set<string>;
  sensors: Set<string>;
  /** Jobs already written in the 1.x style (@job, x = g.to_job(...)): a later run still knows them. */
  jobs: Set<string>;
  /** Local name -> [module path, name there], from `from x import a as b`. */
  imports: Map<string, [string, string]>;
}

export type Facts = Map<string, ModuleFacts>;

export const emptyFacts = (): ModuleFacts => ({
  pipelines: new Map(),
  modeVars: new Map(),
  modeLists: new Map(),
  presetVars: new Map(),
  schedules: new Set(),
  sensors: new Set(),
  jobs: new Set(),
  imports: new Map(),
});

/** The job of the preset or mode named (the first job when neither is), or undefined when the pipeline has no such one. */
export function jobFor(p: Pipeline, preset: string | null, mode: string | null): Job | undefined {
  if (preset) return p.jobs.find((j) => j.kind === 'preset' && j.key === preset);
  if (mode) return p.jobs.find((j) => j.kind === 'mode' && j.key === mode);
  return p.jobs[0];
}

/** Names the pipeline's jobs, one per mode and per preset; a preset named like a mode gets `_preset`. */
export function nameJobs(p: Pipeline, taken: Set<string>): void {
  if (!p.split) {
    p.jobs = [{ kind: 'mode', key: p.modes[0]?.name ?? 'default', variable: p.fn, name: p.name }];
    return;
  }
  const used = new Set<string>();
  const unique = (base: string) => {
    let v = base;
    for (let i = 2; used.has(v) || (taken.has(v) && v !== p.fn); i++) v = `${base}_${i}`;
    used.add(v);
    return v;
  };
  p.jobs = [];
  for (const m of p.modes) {
    const variable = unique(`${p.fn}_${m.name}`);
    p.jobs.push({ kind: 'mode', key: m.name, variable, name: `${p.name}${variable.slice(p.fn.length)}` });
  }
  const modeNames = new Set(p.modes.map((m) => m.name));
  for (const s of p.presets) {
    const variable = unique(modeNames.has(s.name) ? `${p.fn}_${s.name}_preset` : `${p.fn}_${s.name}`);
    p.jobs.push({ kind: 'preset', key: s.name, variable, name: `${p.name}${variable.slice(p.fn.length)}` });
  }
}

/** The module path a `from X import` statement in `from` names, among the tree's files. */
export function resolveModule(from: string, module: string, files: Set<string>): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean).join('/');
  const candidates: string[] = [];
  if (dots > 0) {
    let base = dirname(from);
    for (let i = 1; i < dots; i++) base = dirname(base);
    base = base === '.' ? '' : base;
    const stem = [base, rest].filter(Boolean).join('/');
    candidates.push(`${stem}.py`, `${stem}/__init__.py`);
    return candidates.find((c) => files.has(c));
  }
  for (const f of files)
    if (
      f === `${rest}.py` ||
      f.endsWith(`/${rest}.py`) ||
      f === `${rest}/__init__.py` ||
      f.endsWith(`/${rest}/__init__.py`)
    )
      return f;
  return undefined;
}

/** `from x import a, b as c` statements of a module, resolved to the tree's modules. */
export function readImports(root: SgNode, path: string, files: Set<string>): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const stmt of root.children().filter((c) => c.kind() === 'import_from_statement')) {
    const moduleNode = stmt.field('module_name');
    if (!moduleNode) continue;
    const target = resolveModule(path, moduleNode.text(), files);
    if (!target) continue;
    for (const c of stmt.children()) {
      if (c.range().start.index === moduleNode.range().start.index) continue;
      if (c.kind() === 'dotted_name') out.set(c.text(), [target, c.text()]);
      else if (c.kind() === 'aliased_import') out.set(c.field('alias')!.text(), [target, c.field('name')!.text()]);
    }
  }
  return out;
}

/** Follows a local name through the imports to the module that defines it. */
export function lookup<T>(
  facts: Facts,
  module: string,
  local: string,
  pick: (m: ModuleFacts) => Map<string, T> | Set<string>,
): { module: string; name: string; value: T | true } | undefined {
  let [at, name] = [module, local];
  for (let hop = 0; hop < 5; hop++) {
    const m = facts.get(at);
    if (!m) return undefined;
    const found = pick(m);
    if (found instanceof Set ? found.has(name) : found.has(name))
      return { module: at, name, value: found instanceof Set ? true : found.get(name)! };
    const next = m.imports.get(name);
    if (!next) return undefined;
    [at, name] = next;
  }
  return undefined;
}

/** The dotted names of the packages holding `path` (each folder up with an __init__.py), outermost first. */
function packagesOf(path: string, files: Set<string>): string[] {
  const parts: string[] = [];
  for (let dir = path.slice(0, Math.max(0, path.lastIndexOf('/'))); dir && files.has(`${dir}/__init__.py`); ) {
    parts.unshift(dir.slice(dir.lastIndexOf('/') + 1));
    dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
  }
  return parts;
}

const stemOf = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\.py$/, '');

/** A module's dotted name through its packages: theirs, then its stem (none for an __init__.py). */
const dottedParts = (path: string, files: Set<string>): string[] => [
  ...packagesOf(path, files),
  ...(stemOf(path) === '__init__' ? [] : [stemOf(path)]),
];

/**
 * `to` as a relative import from `from` (`.pipelines`, `..jobs.daily`) when both are in one
 * top-level package, else undefined.
 */
export function relativeImportPath(from: string, to: string, files: Set<string>): string | undefined {
  const here = packagesOf(from, files);
  const there = dottedParts(to, files);
  if (!here.length || here[0] !== there[0]) return undefined;
  let common = 0;
  while (common < here.length && here[common] === there[common]) common++;
  return `${'.'.repeat(here.length - common + 1)}${there.slice(common).join('.')}`;
}

/** How `from` imports `to` (both tree paths): `.x`-free dotted path from the package root, or a sibling script's stem. */
export function importPathFor(from: string, to: string, files: Set<string>): string {
  const dir = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  const parts = dottedParts(to, files);
  if (parts.length === 1 && dir(from) !== dir(to)) return [...dir(to).split('/').filter(Boolean), stemOf(to)].join('.');
  return parts.join('.');
}
