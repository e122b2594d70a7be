// The last pass: any Dagster 0.x name still used in the module (a construct no family could
// translate, or one this codemod does not know) gets a TODO at its statement saying what
// replaces it, so nothing legacy is left silently.
//
// Before:                                   After:
//   handle = ExecutionTargetHandle(...)       # TODO(pipeline upgrade): ExecutionTargetHandle: removed in Dagster 1.0; use reconstructable(job)
//                                             handle = ExecutionTargetHandle(...)

import { aliasedImports, dagsterImports, mayAlias } from './aliases.ts';
import { DAGSTER_EXPORTS } from './dagster-exports.ts';
import { REMOVED } from './legacy-names.ts';
import type { ModuleRewrite } from './module.ts';
import { keywordArgs, topLevelNames } from './python-text.ts';
import { RENAMED_NAMES } from './renames.ts';

const KEYWORDS: Record<string, string> = {
  pipeline_name: 'target a job: job= or job_name=',
  solid_selection: 'use op_selection= (a job made with to_job(op_selection=...))',
  mode_defs: "a job's resources are resource_defs=",
  preset_defs: "a preset is a job's config=",
  input_defs: 'use ins={"name": In(type)}',
  output_defs: 'use out=Out(type)',
  metadata_entries: 'use metadata={"label": MetadataValue...}',
  environment_dict: 'the run config is run_config=',
  pipeline_defs: 'list the jobs in Definitions(jobs=[...])',
  solid_subset: 'use op_selection=',
  pipeline_selection: 'use monitored_jobs=[...] (the job objects, not their names)',
  intermediate_storage_defs:
    'outputs are stored by an IO manager: bind one as the "io_manager" resource (s3_pickle_io_manager for S3)',
  system_storage_defs: 'outputs are stored by an IO manager: bind one as the "io_manager" resource',
  mode_definitions: "a job's resources are resource_defs=",
  materializer: 'materializers were removed in 1.0: an IO manager writes outputs (io_manager_key= on the Out)',
};
const ATTRIBUTES: Record<string, string> = {
  result_for_solid: 'use result.output_for_node(name)',
  solid_result_list: 'use result.all_node_events',
  get_preset: "use the preset's job",
  solid_config: 'use context.op_config',
  mode_def: "modes are gone: a job's resources are its resource_defs (context.resources)",
  execute_in_process_legacy: '',
  // Left where the object's name did not say it was a result or an event (renames.ts).
  event_list: "a run's result has .all_events",
  step_event_list: "a run's result has .all_node_events",
  events_for_solid: "a run's result has .events_for_node(name)",
  is_pipeline_failure: 'an event has .is_job_failure',
  is_pipeline_success: 'an event has .is_job_success',
  is_pipeline_event: 'an event has .is_job_event',
};

/** Attributes reported each, even on a statement with a TODO already (one names a result, one an event). */
const EACH_REPORTED = new Set([
  'event_list',
  'step_event_list',
  'events_for_solid',
  'is_pipeline_failure',
  'is_pipeline_success',
  'is_pipeline_event',
]);

/** Names this module imports from dagster (a removed name is legacy only when it came from there). */
function fromDagster(r: ModuleRewrite): Map<string, string> {
  const out = new Map<string, string>(); // the name the module uses -> dagster's name
  for (const stmt of dagsterImports(r.root)) {
    for (const c of stmt.children().slice(1)) {
      if (c.kind() === 'dotted_name' && c.range().start.index !== stmt.field('module_name')!.range().start.index)
        out.set(c.text(), c.text());
      if (c.kind() === 'aliased_import') out.set(c.field('alias')!.text(), c.field('name')!.text());
    }
  }
  return out;
}

/** What the TODO on a use of a dagster name 1.13 lacks says. */
const gone = (name: string) =>
  REMOVED[name]
    ? `removed in Dagster 1.0; ${REMOVED[name]}`
    : `not in Dagster 1.13 (removed or made private); replace it with its current equivalent`;

/** A legacy name under an alias the first pass could not undo (aliases.ts): what it became, or what replaces it. */
const STILL_LEGACY = new Set([...Object.keys(REMOVED), ...Object.keys(RENAMED_NAMES)]);

export function sweep(r: ModuleRewrite): void {
  const mentioned = (n: string) => r.source.includes(n);
  if (mayAlias(r.source))
    for (const { node, name, alias } of aliasedImports(r.root, STILL_LEGACY))
      r.todos.add(
        node,
        `${name} as ${alias}`,
        REMOVED[name] ? `removed in Dagster 1.0; ${REMOVED[name]}` : `renamed ${RENAMED_NAMES[name]} in Dagster 1.0`,
        true,
      );
  // The removed names this codemod knows, and any other name imported from dagster that Dagster
  // 1.13 does not have (default_intermediate_storage_defs, ...).
  const imported = /\bdagster\b/.test(r.source) ? fromDagster(r) : new Map<string, string>();
  const missing = [...imported].filter(([local, name]) => local === name && !DAGSTER_EXPORTS.has(name));
  const candidates = [...new Set([...Object.keys(REMOVED).filter(mentioned), ...missing.map(([name]) => name)])];
  const names = candidates.filter((n) => imported.has(n) || r.ns !== '');
  if (names.length) {
    for (const id of r.root.findAll({ rule: { kind: 'identifier', regex: `^(${names.join('|')})$` } })) {
      const parent = id.parent();
      const at = id.range().start.index;
      if (parent?.kind() === 'keyword_argument' && parent.field('name')?.range().start.index === at) continue;
      const qualified = parent?.kind() === 'attribute' && parent.field('attribute')?.range().start.index === at;
      if (qualified && !/^(dagster|dg)$/.test(parent.field('object')!.text())) continue;
      if (!qualified && !imported.has(id.text())) continue;
      if (
        id.inside({
          rule: { any: [{ kind: 'import_from_statement' }, { kind: 'import_statement' }] },
          stopBy: 'end',
        } as never)
      )
        continue;
      if (topLevelNames(r.root).includes(id.text())) continue; // the module's own name, not dagster's
      r.todos.add(id, id.text(), gone(id.text()), true);
    }
  }
  const keywords = Object.keys(KEYWORDS).filter(mentioned);
  if (keywords.length) {
    for (const kw of r.root.findAll({
      rule: { kind: 'keyword_argument', has: { field: 'name', regex: `^(${keywords.join('|')})$` } },
    })) {
      const callee = kw.parent()?.parent()?.field('function')?.text() ?? '';
      if (
        !/solid|pipeline|Definition|schedule|sensor|execute|Output|Materialization|Expectation|Result|Failure|RunRequest|to_job|Preset|Mode|DagsterType/.test(
          callee,
        )
      )
        continue;
      r.todos.add(kw, `${kw.field('name')!.text()}=`, KEYWORDS[kw.field('name')!.text()]!, true);
    }
  }
  // A run's mode (context.pipeline_run.mode, renamed context.dagster_run.mode): DagsterRun has none.
  if (/_run\.mode\b/.test(r.source))
    for (const attr of r.root.findAll({
      rule: {
        kind: 'attribute',
        has: { field: 'attribute', regex: '^mode$' },
        all: [{ has: { field: 'object', regex: '(^|\\.)(dagster_run|pipeline_run)$' } }],
      },
    }))
      r.todos.add(
        attr,
        `${attr.field('object')!.text().split('.').at(-1)}.mode`,
        "a run has no mode since 1.0 (modes are gone: one job per mode); name the run's job instead (.job_name)",
        true,
      );
  // An import from dagster below the top (`if TYPE_CHECKING:`), which the import pass leaves: the
  // names Dagster 1.13 lacks.
  if (/^[ \t]+from dagster import/m.test(r.source))
    for (const statement of r.root.findAll({
      rule: { kind: 'import_from_statement', has: { field: 'module_name', regex: '^dagster$' } },
    })) {
      if (statement.parent()?.kind() === 'module') continue;
      const lacking = statement
        .children()
        .filter(
          (c) =>
            c.kind() === 'dotted_name' && c.range().start.index !== statement.field('module_name')!.range().start.index,
        )
        .map((c) => c.text())
        .filter((n) => !DAGSTER_EXPORTS.has(n));
      if (lacking.length)
        r.todos.add(
          statement,
          'from dagster import',
          `Dagster 1.13 has no ${lacking.map((n) => (RENAMED_NAMES[n] ? `${n} (now ${RENAMED_NAMES[n]})` : n)).join(', ')}; import what replaces them`,
        );
    }
  // `__all__` naming a 0.x name the module no longer has (its import went with its last use).
  if (/^__all__\s*(\+?=|\.(append|extend)\()/m.test(r.source)) {
    const own = new Set(topLevelNames(r.root));
    for (const item of r.root.findAll({
      rule: {
        kind: 'string',
        any: [
          {
            inside: {
              any: [{ kind: 'list' }, { kind: 'tuple' }],
              inside: {
                any: [{ kind: 'assignment' }, { kind: 'augmented_assignment' }],
                has: { field: 'left', regex: '^__all__$' },
              },
            },
          },
          {
            inside: {
              kind: 'argument_list',
              inside: { kind: 'call', has: { field: 'function', regex: '^__all__\\.(append|extend)$' } },
            },
          },
          {
            inside: {
              kind: 'list',
              inside: {
                kind: 'argument_list',
                inside: { kind: 'call', has: { field: 'function', regex: '^__all__\\.extend$' } },
              },
            },
          },
        ],
      },
    } as never)) {
      const name = item.text().slice(1, -1);
      if (STILL_LEGACY.has(name) && !own.has(name))
        r.todos.add(
          item,
          '__all__',
          RENAMED_NAMES[name]
            ? `lists ${name}, which Dagster 1.0 renamed ${RENAMED_NAMES[name]}: list that name (imported from dagster)`
            : `lists ${name}, which Dagster 1.13 does not have; remove it`,
        );
    }
  }
  // An op's output with an asset key (0.14's Out(asset_key=...)): no such thing in 1.x.
  if (/\bOut\(/.test(r.source) && /asset_(key|partitions)\s*=/.test(r.source))
    for (const kw of keywordArgs(r.root, '^asset_(key|partitions)$', '(^|\\.)(Out|DynamicOut)$'))
      r.todos.add(
        kw,
        `Out(${kw.field('name')!.text()}=...)`,
        "an op's output has no asset key in 1.x: make the op an @asset (or @multi_asset with AssetOut(key=...)), or log an AssetMaterialization",
        true,
      );
  const attributes = Object.keys(ATTRIBUTES).filter((a) => ATTRIBUTES[a] && mentioned(a));
  if (attributes.length) {
    for (const attr of r.root.findAll({
      rule: { kind: 'attribute', has: { field: 'attribute', regex: `^(${attributes.join('|')})$` } },
    })) {
      r.todos.add(
        attr,
        `.${attr.field('attribute')!.text()}`,
        ATTRIBUTES[attr.field('attribute')!.text()]!,
        !EACH_REPORTED.has(attr.field('attribute')!.text()),
      );
    }
  }
}
