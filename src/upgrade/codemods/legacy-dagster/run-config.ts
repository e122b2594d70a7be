// Run-config keys of 0.x that Dagster 1.x refuses ("unexpected config entry"): a system or
// intermediate storage (outputs are stored by an IO manager since 1.0) and an executor's config
// keyed by the executor's name. Where the translation is exact it is made: a filesystem storage
// without config is 1.x's default (fs_io_manager), so it goes; the default executor (a job without
// executor_def) takes its choice under `config`. Anything else gets a TODO.
//
// Before:                                              After:
//   run_config={                                         run_config={
//       "storage": {"filesystem": {}},                       "execution": {"config": {"multiprocess": {"max_concurrent": 4}}},
//       "execution": {"multiprocess": {"config": {"max_concurrent": 4}}},
//   }                                                    }
import type { Edit, SgNode } from '@ast-grep/napi';
import type { Facts } from './facts.ts';
import { dictPiece, fitAt, nodePiece, type Piece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { lineIndent, stringValue } from './python-text.ts';

const KEYS = '^[uU]?["\'](storage|intermediate_storage|execution)["\']$';

/** Whether `text` may hold a dict keyed by one of these (without parsing it). */
export const mayHoldRunConfigKeys = (text: string): boolean =>
  /["'](storage|intermediate_storage|execution)["']\s*:/.test(text);

/** The one `"name": value` pair of a dict literal, else undefined. */
function onlyPair(node: SgNode | null): { name: string; value: SgNode } | undefined {
  if (node?.kind() !== 'dictionary') return undefined;
  const named = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  const pair = named.length === 1 && named[0]!.kind() === 'pair' ? named[0]! : undefined;
  const name = stringValue(pair?.field('key') ?? undefined);
  return pair && name !== undefined ? { name, value: pair.field('value')! } : undefined;
}

/** `{}`, `None` or `{"config": X}` as X (undefined when empty), or null when it is something else. */
function configOf(node: SgNode): SgNode | undefined | null {
  if (
    node.kind() === 'none' ||
    (node.kind() === 'dictionary' && !onlyPair(node) && node.text().replace(/\s/g, '') === '{}')
  )
    return undefined;
  const inner = onlyPair(node);
  if (inner?.name !== 'config') return null;
  return inner.value.kind() === 'none' || inner.value.text().replace(/\s/g, '') === '{}' ? undefined : inner.value;
}

/** A run-config key as either format reads it (a Python dict here, a YAML preset file in preset-files.ts). */
export interface KeyShape {
  key: string;
  /** Its value is a mapping. */
  mapping: boolean;
  /** The value's one key (a storage or an executor chosen by name), when it has exactly one. */
  choice?: {
    name: string;
    /** The choice's value is a mapping or empty (`{"multiprocess": {...}}`), not a setting (`{"timeout": 30}`). */
    settings: boolean;
    /** Its `config`: none (`{}`, None, `{"config": {}}`), one given, or another shape. */
    config: 'empty' | 'given' | 'other';
  };
}

/**
 * What becomes of a key Dagster 1.x refuses as 0.x wrote it: a filesystem storage without config
 * goes (`drop`: fs_io_manager is 1.x's default); the default executor's choice moves under
 * `config` (`reshape`, where `reshape` allows: no executor of the job's own); any other storage or
 * executor gets a TODO (`storage`, `execution`); anything else stays.
 */
export function refusal(shape: KeyShape, reshape: boolean): 'drop' | 'reshape' | 'storage' | 'execution' | undefined {
  const { key, mapping, choice } = shape;
  if (key === 'storage' || key === 'intermediate_storage')
    return !mapping ? undefined : choice?.name === 'filesystem' && choice.config === 'empty' ? 'drop' : 'storage';
  if (key !== 'execution' || !choice || choice.name === 'config' || !choice.settings) return undefined;
  return reshape && ['multiprocess', 'in_process'].includes(choice.name) && choice.config !== 'other'
    ? 'reshape'
    : 'execution';
}

/** Code that names an executor: a mode's executor_defs=, a job's executor_def=, an executor. */
export const EXECUTOR_NAMED = /executor_defs?\s*=|\w+_executor\b/;

/**
 * `executorNamed`: a module of the tree names an executor (the caller reads them all; a package
 * whose jobs an earlier run migrated has no mode left to say so).
 */
export function runConfigEdits(r: ModuleRewrite, facts: Facts, executorNamed = false): Edit[] {
  const edits: Edit[] = [];
  // An executor named in the package, or a mode of it that sets one: the job may have executor_def=
  // one, whose config has another shape.
  const ownExecutor =
    executorNamed ||
    EXECUTOR_NAMED.test(r.source) ||
    [...facts.values()].some((f) => [...f.pipelines.values()].some((p) => p.modes.some((m) => m.executor)));
  for (const dict of r.root.findAll({
    rule: { kind: 'dictionary', has: { kind: 'pair', has: { field: 'key', regex: KEYS } } },
  })) {
    let changed = false;
    const entries: Piece[] = [];
    for (const c of dict.children().filter((x) => x.isNamed() && x.kind() !== 'comment')) {
      const key = c.kind() === 'pair' ? stringValue(c.field('key')!) : undefined;
      const value = c.kind() === 'pair' ? c.field('value')! : c;
      const kept = () =>
        entries.push(
          c.kind() === 'pair'
            ? prefixed(`${c.field('key')!.text()}: `, nodePiece(value, r.source, r.style))
            : nodePiece(c, r.source, r.style),
        );
      const chosen = onlyPair(value);
      const config = chosen && configOf(chosen.value);
      const verdict =
        key === undefined
          ? undefined
          : refusal(
              {
                key,
                mapping: value.kind() === 'dictionary',
                choice: chosen && {
                  name: chosen.name,
                  settings: ['dictionary', 'none'].includes(String(chosen.value.kind())),
                  config: config === undefined ? 'empty' : config === null ? 'other' : 'given',
                },
              },
              !ownExecutor,
            );
      if (verdict === 'drop') {
        changed = true;
        continue;
      }
      if (verdict === 'reshape') {
        const inner = config ? nodePiece(config, r.source, r.style) : '{}';
        const selected = dictPiece('', [prefixed(`"${chosen!.name}": `, inner)], r.style);
        entries.push(
          prefixed(`${c.field('key')!.text()}: `, dictPiece('', [prefixed('"config": ', selected)], r.style)),
        );
        changed = true;
        continue;
      }
      if (verdict === 'storage')
        r.todos.add(
          c,
          `"${key}": {${chosen ? `"${chosen.name}": ` : ''}...}`,
          `outputs are stored by an IO manager since 1.0, and Dagster refuses this key: bind one as the job's "io_manager" resource (mem_io_manager for in_memory, fs_io_manager with base_dir for filesystem, s3_pickle_io_manager for s3), then remove it`,
        );
      if (verdict === 'execution')
        r.todos.add(
          c,
          `"execution": {"${chosen!.name}": ...}`,
          `Dagster 1.x takes an executor's config under "config": {"config": {...}} for a job's executor_def (the default one: {"config": {"multiprocess": {...}}} or {"config": {"in_process": {...}}}); reshape it for this job's executor`,
        );
      kept();
    }
    if (!changed) continue;
    // A comment inside would be lost by writing the dict again: a TODO instead.
    if (dict.find({ rule: { kind: 'comment' } })) {
      r.todos.add(
        dict,
        'run config',
        'Dagster 1.x refuses its "storage" or "execution" keys as 0.x wrote them; remove a filesystem storage, and write an executor\'s config as {"config": {"multiprocess": {...}}}',
      );
      continue;
    }
    const start = dict.range().start;
    edits.push(dict.replace(fitAt(dictPiece('', entries, r.style), lineIndent(r.source, dict), r.style, start.column)));
  }
  return edits;
}
