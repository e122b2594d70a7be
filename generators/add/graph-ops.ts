// What a preset's run config may say, read from the pipeline's code without running it: per graph,
// the ops its body calls, and per op the fields of its config class (`config: SourceConfig`, a
// dg.Config) with their types. `pipeline add preset --run-config` is checked against it, as Dagster
// checks a job's run config when the code location loads: an op the graph does not call, a field
// the op's config does not have, or a value of another type made a code location that loaded
// nowhere, after exit 0.
import type { SgNode } from '@ast-grep/napi';
import { keywordValue, parsePython } from '../../src/upgrade/engines/python.ts';
import { COMPUTED, PyFloat } from '../../src/upgrade/engines/python-literals.ts';
import { stringOrConstant } from '../../src/upgrade/engines/python-strings.ts';

/** A config field's type, where this check knows it (a plain str, int, float or bool), else null. */
export type FieldType = 'str' | 'int' | 'float' | 'bool' | null;

/**
 * Per graph name: its ops by name, each with its config fields (null: the op's config is not known
 * here), and whether every call of its body is an op of these modules (else other ops may be called).
 */
export type GraphOps = Record<
  string,
  {
    ops: Record<string, Record<string, FieldType> | null>;
    complete: boolean;
    /** Per op, the config fields with a default (the others are required; None means unset for these). */
    defaults: Record<string, string[]>;
  }
>;

const callee = (decorator: SgNode): { name: string; call?: SgNode } | undefined => {
  const expr = decorator.children().find((c) => c.isNamed() && c.kind() !== 'comment');
  if (!expr) return undefined;
  return expr.kind() === 'call' ? { name: expr.field('function')?.text() ?? '', call: expr } : { name: expr.text() };
};

/**
 * The `name=` a decorator call gives (through a module constant, as Dagster reads `name=GRAPH`):
 * null when it gives one this cannot read (the function's name would be a wrong guess), undefined
 * when it gives none.
 */
const nameArgument = (call: SgNode | undefined): string | null | undefined => {
  const value = call && keywordValue(call, 'name');
  return value ? (stringOrConstant(value) ?? null) : undefined;
};

/** The `name=` expressions of a module's graphs that this cannot read (`conventions.PIPELINE`, an imported constant). */
export function unreadGraphNames(root: SgNode): string[] {
  return root
    .findAll({ rule: { kind: 'decorator' } })
    .map((decorator) => callee(decorator))
    .filter((c) => c?.call && /(^|\.)graph$/.test(c.name) && nameArgument(c.call) === null)
    .map((c) => keywordValue(c!.call!, 'name')!.text());
}

/** The functions of a module decorated with `@dg.<kind>` or `@<kind>` (called or not), with the name Dagster gives them. */
export function decorated(root: SgNode, kind: string): { name: string; fn: SgNode }[] {
  const found: { name: string; fn: SgNode }[] = [];
  for (const decorator of root.findAll({ rule: { kind: 'decorator' } })) {
    const c = callee(decorator);
    const fn = decorator.parent()?.field('definition');
    if (!c || !fn || !new RegExp(`(^|\\.)${kind}$`).test(c.name)) continue;
    const given = nameArgument(c.call);
    const name = given === undefined ? fn.field('name')?.text() : given;
    if (name) found.push({ name, fn });
  }
  return found;
}

const TYPES = new Set(['str', 'int', 'float', 'bool']);

/**
 * Whether a config field's right side gives it a default: a value does, and so does
 * `Field(default=...)` or `Field(x)`; `Field(description=...)` and `Field(...)` (pydantic's, dagster's) do not.
 */
function hasDefault(right: SgNode | null): boolean {
  if (!right) return false;
  if (right.kind() !== 'call' || !/(^|\.)Field$/.test(right.field('function')?.text() ?? '')) return true;
  const args =
    right
      .field('arguments')
      ?.children()
      .filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
  return args.some(
    (a) =>
      // `Field(...)`: pydantic's way to say required.
      (a.kind() !== 'keyword_argument' && a.text() !== '...') ||
      ['default', 'default_factory'].includes(a.field('name')?.text() ?? ''),
  );
}

/** The graphs, ops and config classes of the pipeline's modules (jobs.py, ops.py, added_jobs/). */
export async function graphOpsOf(sources: (string | undefined)[]): Promise<GraphOps> {
  const roots = await Promise.all(
    sources.filter((s): s is string => s !== undefined).map(async (s) => (await parsePython(s)).root()),
  );
  const configs = new Map<string, Record<string, FieldType>>();
  const withDefault = new Map<string, string[]>();
  for (const root of roots)
    for (const cls of root.findAll({
      rule: { kind: 'class_definition', has: { field: 'superclasses', regex: '[(.\\s]Config\\s*[,)]' } },
    })) {
      const fields: Record<string, FieldType> = {};
      const defaults: string[] = [];
      for (const assignment of cls
        .field('body')
        ?.findAll({ rule: { kind: 'assignment', has: { field: 'type', kind: 'type' } } }) ?? []) {
        const type = assignment.field('type')!.text();
        const field = assignment.field('left')!.text();
        fields[field] = TYPES.has(type) ? (type as FieldType) : null;
        if (hasDefault(assignment.field('right'))) defaults.push(field);
      }
      configs.set(cls.field('name')!.text(), fields);
      withDefault.set(cls.field('name')!.text(), defaults);
    }
  // By the name the graph calls it (its function's), the op's Dagster name and its config.
  const ops = new Map<string, { name: string; fields: Record<string, FieldType> | null; defaults: string[] }>();
  for (const root of roots)
    for (const { name, fn } of decorated(root, 'op')) {
      const config = fn
        .field('parameters')
        ?.children()
        .find((p) => p.kind() === 'typed_parameter' && p.children()[0]?.text() === 'config');
      const type = config?.field('type')?.text();
      // Without a config parameter, or with a config class of another module: not known here.
      ops.set(fn.field('name')!.text(), {
        name,
        fields: configs.get(type ?? '') ?? null,
        defaults: withDefault.get(type ?? '') ?? [],
      });
    }
  const graphs: GraphOps = {};
  for (const root of roots)
    for (const { name, fn } of decorated(root, 'graph')) {
      const body = fn.field('body');
      // An op invoked under another name (`.alias("x")`) or made at run time: its ops are not known here.
      if (!body || /\.(alias|tag|with_hooks|with_retry_policy)\(/.test(body.text())) continue;
      const graph: GraphOps[string] = { ops: {}, complete: true, defaults: {} };
      for (const call of body.findAll({ rule: { kind: 'call', has: { field: 'function', kind: 'identifier' } } })) {
        const op = ops.get(call.field('function')!.text());
        if (op) {
          graph.ops[op.name] = op.fields;
          graph.defaults[op.name] = op.defaults;
        } else graph.complete = false;
      }
      graphs[name] = graph;
    }
  return graphs;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Dagster's `{"env": "VAR"}`: any scalar field's value read from the environment when the run starts. */
const fromEnv = (value: unknown): boolean =>
  isObject(value) && Object.keys(value).length === 1 && typeof value.env === 'string';

const typeMatches = (type: FieldType, value: unknown): boolean =>
  type === null ||
  value === COMPUTED ||
  fromEnv(value) ||
  (type === 'str' && typeof value === 'string') ||
  (type === 'bool' && typeof value === 'boolean') ||
  (type === 'int' && Number.isInteger(value)) ||
  // Python's bool is an int, and an int is a float where Dagster wants one.
  (type === 'float' && (typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat));

/** What a job's run config may hold at its top. */
const RUN_CONFIG_KEYS = ['ops', 'resources', 'execution', 'loggers'];
/** What one op's entry may hold (a subgraph's: its own ops). */
const OP_ENTRY_KEYS = ['config', 'inputs', 'outputs', 'ops'];

/** A value as the message shows it: `1000.0` as written, else JSON. */
const shown = (value: unknown): string => (value instanceof PyFloat ? value.text : JSON.stringify(value));

/**
 * What is wrong with the run config one graph gets (`{"ops": {...}}`), or undefined. A part read
 * from Python that only running it could tell (COMPUTED) is taken to be right.
 */
export function runConfigProblem(
  graph: string,
  config: unknown,
  { ops, complete, defaults }: GraphOps[string],
): string | undefined {
  if (config === COMPUTED) return undefined;
  if (!isObject(config)) return `the run config of graph ${graph} must be an object, such as {"ops": {}}`;
  const unknown = Object.keys(config).find((key) => !RUN_CONFIG_KEYS.includes(key));
  if (unknown !== undefined)
    return `the run config of graph ${graph} has the key ${JSON.stringify(unknown)}, which a job's run config does not take (${RUN_CONFIG_KEYS.join(', ')})`;
  if (config.ops === undefined || config.ops === COMPUTED) return undefined;
  if (!isObject(config.ops)) return `"ops" of graph ${graph} must be an object of run config per op`;
  for (const [op, given] of Object.entries(config.ops)) {
    if (!(op in ops) && complete)
      return `graph ${graph} has no op ${op}; its ops: ${Object.keys(ops).sort().join(', ') || 'none'}`;
    if (given !== COMPUTED && !isObject(given))
      return `the run config of op ${op} must be an object, such as {"config": {...}}; ${shown(given)} is not one`;
    // A field given without the "config" level ({"limit": 10}): Dagster refuses the key.
    const stray = isObject(given) ? Object.keys(given).find((key) => !OP_ENTRY_KEYS.includes(key)) : undefined;
    if (stray !== undefined)
      return `the run config of op ${op} has the key ${JSON.stringify(stray)}, which an op's run config does not take (${OP_ENTRY_KEYS.slice(0, 3).join(', ')}); its config fields go under "config": {"config": {${JSON.stringify(stray)}: ...}}`;
    const fields = ops[op];
    if (!isObject(given) || !fields) continue;
    if (given.config === undefined || given.config === COMPUTED) continue;
    if (!isObject(given.config)) return `the config of op ${op} must be an object of its fields`;
    for (const [field, value] of Object.entries(given.config)) {
      if (!(field in fields))
        return `op ${op} has no config field ${field}; its fields: ${Object.keys(fields).join(', ') || 'none'}`;
      // None leaves a field with a default at its default; one without must be given.
      if (value === null) {
        if (defaults[op]?.includes(field)) continue;
        return `config field ${field} of op ${op} has no default, and None does not give it one`;
      }
      if (!typeMatches(fields[field]!, value))
        return `config field ${field} of op ${op} is ${fields[field] === 'int' ? 'an' : 'a'} ${fields[field]}, and ${shown(value)} is not one`;
    }
  }
  return undefined;
}

/**
 * The first config field of `graph`'s ops that has no default and that `config` (the run config
 * the graph gets, or undefined) does not give: Dagster refuses the job ("Missing required config
 * entry"). Only fields of a plain type (str, int, float, bool) of a config class read whole.
 */
export function missingRequired(
  graph: string,
  config: unknown,
  { ops, defaults }: GraphOps[string],
): string | undefined {
  if (config === COMPUTED) return undefined;
  const given = isObject(config) ? config.ops : undefined;
  if (given === COMPUTED) return undefined;
  for (const [op, fields] of Object.entries(ops)) {
    if (!fields) continue;
    const required = Object.keys(fields).filter((f) => fields[f] !== null && !defaults[op]?.includes(f));
    if (required.length === 0) continue;
    const entry = isObject(given) ? given[op] : undefined;
    if (entry === COMPUTED || (isObject(entry) && entry.config === COMPUTED)) continue;
    const set = isObject(entry) && isObject(entry.config) ? entry.config : {};
    const missing = required.find((f) => !(f in set));
    if (missing)
      return `op ${op} of graph ${graph} has the config field ${missing} without a default, and this run config does not give it`;
  }
  return undefined;
}
