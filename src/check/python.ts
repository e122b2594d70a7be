// Facts read from a pipeline's Python without running it: calls with their keyword arguments,
// imports and decorators, each with its exact line (ast-grep's tree-sitter Python grammar).
import type { SgNode } from '@ast-grep/napi';
import { type GraphOps, graphOpsOf } from '../../generators/add/graph-ops.ts';
import { SPEC_FIELDS } from '../conventions/spec-fields.ts';
import { boundArguments, importedAs, parsePython } from '../upgrade/engines/python.ts';
import { type ParseError, parseError, python2Construct } from '../upgrade/engines/python-parses.ts';
import { constantNode, stringValue } from '../upgrade/engines/python-strings.ts';
import { PYTHON_KEYWORDS } from '../validate/python-names.ts';

export interface PyValue {
  /** The source text. */
  text: string;
  line: number;
  /** The value of a plain string literal (no interpolation), else undefined. */
  str?: string;
  /** The values of a tuple or list of plain string literals, else undefined. */
  strings?: string[];
  /** The keys of a dict literal whose keys are plain strings, else undefined. */
  dictKeys?: string[];
}

export interface PyCall {
  /** The callee as written: `ScheduleSpec`, `dg.ScheduleDefinition`, `graph.to_job`. */
  callee: string;
  /** The last segment of the callee (`ScheduleDefinition`, `to_job`), or the dataclass of deployments.py an alias names (`P` of `Preset as P`). */
  name: string;
  line: number;
  kwargs: Map<string, PyValue>;
  /** Whether it also takes arguments not by keyword (positional, or `*a` / `**k` unpacked): its keywords are not all it gets. */
  more?: boolean;
  /** The function it decorates, when the call is a decorator. */
  decorates?: string;
}

export interface PyImport {
  /** The top-level module (`boto3` for `import boto3.session`); '' for a relative import. */
  module: string;
  /** Each full dotted name imported: `google.cloud.bigquery` for `from google.cloud import bigquery`. */
  names: string[];
  line: number;
}

export interface PyFacts {
  calls: PyCall[];
  /** Decorators that are not calls (`@dg.job`, `@dg.graph`), with the function they decorate. */
  bareDecorators: { name: string; callee: string; line: number; decorates: string }[];
  imports: PyImport[];
  /** Top-level `OWNER = ...` and `MODES = ...` assignments. */
  assignments: Map<string, PyValue>;
  /** Keyword arguments named like a secret and given a non-empty string literal. */
  secretLiterals: {
    name: string;
    callee: string;
    line: number;
    str?: string;
    /** The environment variables the call's other keywords read (`endpoint=dg.EnvVar("LAKEFS_ENDPOINT")`), by keyword. */
    siblings?: Record<string, string>;
  }[];
}

const lineOf = (node: SgNode) => node.range().start.line + 1;
const lastSegment = (callee: string) => callee.split('.').pop() ?? callee;

function pyValueOf(node: SgNode): PyValue {
  const value: PyValue = { text: node.text(), line: lineOf(node), str: stringValue(node) };
  if (node.kind() === 'tuple' || node.kind() === 'list') {
    const items = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
    const strings = items.map(stringValue);
    if (strings.every((s) => s !== undefined)) value.strings = strings as string[];
  }
  // A dict that unpacks another (`{**TAGS}`) has keys this cannot list.
  if (node.kind() === 'dictionary' && !node.children().some((c) => c.kind() === 'dictionary_splat')) {
    const keys = node
      .children()
      .filter((c) => c.kind() === 'pair')
      .map((p) => p.field('key'));
    const names = keys.map((k) => (k ? stringValue(k) : undefined));
    if (names.every((s) => s !== undefined)) value.dictKeys = names as string[];
  }
  return value;
}

function decoratedName(decorator: SgNode): string {
  const def = decorator.parent()?.field('definition');
  return def?.field('name')?.text() ?? '?';
}

/** The keywords of an argument list given `EnvVar("NAME")` (`dg.EnvVar` too), by keyword. */
function envVarKeywords(args: SgNode | null): Record<string, string> {
  const found: Record<string, string> = {};
  for (const kw of args?.children() ?? []) {
    const value = kw.kind() === 'keyword_argument' ? kw.field('value') : undefined;
    if (value?.kind() !== 'call' || !/(^|\.)EnvVar$/.test(value.field('function')?.text() ?? '')) continue;
    const first = value
      .field('arguments')
      ?.children()
      .find((c) => c.isNamed());
    const name = first ? stringValue(first) : undefined;
    if (name) found[kw.field('name')!.text()] = name;
  }
  return found;
}

/** The calls the rules look at; everything else is never handed to JavaScript (most of the cost). */
export const INTERESTING_CALLS = [
  'graph',
  'ScheduleSpec',
  'SensorSpec',
  'Preset',
  'ScheduleDefinition',
  'schedule',
  'build_schedule_from_partitioned_job',
  'to_job',
  'job',
  'define_asset_job',
];
/** Keyword names that hold a secret. */
export const SECRET_NAME = /(secret|password|passwd|token|api_?key|access_?key|private_?key|credential)/i;
/** ... unless their last word says they hold where or which one: `token_url`, `secret_name`, `password_file`. */
const NAMES_NO_SECRET =
  /(^|_)(url|uri|endpoint|host|name|path|file|dir|arn|id|env|var|type|header|field|region|prefix|scope|ttl)$/i;
/** Top-level names whose values the rules read. */
const ASSIGNED = ['OWNER', 'MODES'];

const NO_FACTS: PyFacts = { calls: [], bareDecorators: [], imports: [], assignments: new Map(), secretLiterals: [] };
/** Decorators that are not calls and that the rules read: `@dg.job`, `@dg.graph`. */
const BARE_DECORATOR = /@\s*(\w+\.)*(job|graph)\b/;
/** An import of deployments.py's dataclasses under another name (`Preset as P`): its calls are read too. */
const ALIASED_SPEC = new RegExp(`\\b(${Object.keys(SPEC_FIELDS).join('|')})\\s+as\\s+\\w`);
const NEEDS_CALLS = new RegExp(
  `\\b(${INTERESTING_CALLS.join('|')})\\s*\\(|${BARE_DECORATOR.source}|${ALIASED_SPEC.source}`,
);
const NEEDS_SECRETS = new RegExp(`(${SECRET_NAME.source})\\w*\\s*=\\s*[rRuUfFbB]*["']`, 'i');
/** OWNER matters only when empty (job-owner); MODES always (preset-mode). */
const NEEDS_ASSIGNMENTS = /^OWNER\s*(:[^=\n]*)?=\s*(""|'')\s*$|^MODES\b/m;
/** Facts by (what is asked, content): most platform-owned files are byte-identical across pipelines. */
const cache = new Map<string, Promise<PyFacts>>();

/** Every keyword, soft ones too: a pipeline name inside one is not swapped for the placeholder. */
const KEYWORDS = [...PYTHON_KEYWORDS];
const PLACEHOLDER = 'Zq9PipelineNameZq9';

function restore<T>(value: T, name: string): T {
  if (typeof value === 'string') return value.replaceAll(PLACEHOLDER, name) as T;
  if (Array.isArray(value)) return value.map((v) => restore(v, name)) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [restore(k, name), restore(v, name)])) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [restore(k, name), restore(v, name)])) as T;
  return value;
}

/**
 * `compute` of a pipeline's file, once per shape: files that differ only by the pipeline's name
 * (schedules.py, presets.py of every pipeline made from one template) share one parse. The name is
 * swapped for an identifier-shaped placeholder, which leaves the syntax tree and every line as
 * they were, and swapped back in every string of the result. Names that could occur inside a
 * keyword or a number are parsed as they are.
 */
function byShape<T>(source: string, pipeline: string, compute: (source: string) => Promise<T>): Promise<T> {
  const safe =
    pipeline.length >= 3 &&
    !KEYWORDS.some((k) => k.includes(pipeline)) &&
    !source.includes(PLACEHOLDER) &&
    !new RegExp(`\\d[\\w.]*${pipeline}`).test(source);
  if (!safe || !source.includes(pipeline)) return compute(source);
  return compute(source.replaceAll(pipeline, PLACEHOLDER)).then((value) => restore(value, pipeline));
}

/** The facts of a pipeline's file (pythonFacts), computed once per shape (byShape). */
export const pipelineFacts = (
  source: string,
  pipeline: string,
  options: { imports?: boolean } = {},
): Promise<PyFacts> => byShape(source, pipeline, (text) => pythonFacts(text, options));

const syntaxCache = new Map<string, Promise<ParseError | null>>();
const graphOpsCache = new Map<string, Promise<GraphOps>>();
/** Between two modules in a cache key: a NUL, which no Python source holds. */
const MODULE_SEPARATOR = '\0';
/** Files that may define an op, a graph or a config class: a decorator, or a Config. */
const MAY_DEFINE_OPS = /@|\bConfig\b/;

/**
 * The graphs, ops and config classes of a pipeline's modules (graphOpsOf), computed once per shape
 * of the whole set (byShape): pipelines made from one template share one reading.
 */
export function pipelineGraphOps(sources: string[], pipeline: string): Promise<GraphOps> {
  const relevant = sources.filter((source) => MAY_DEFINE_OPS.test(source));
  return byShape(relevant.join(MODULE_SEPARATOR), pipeline, (joined) => {
    let ops = graphOpsCache.get(joined);
    if (!ops) graphOpsCache.set(joined, (ops = graphOpsOf(joined.split(MODULE_SEPARATOR))));
    return ops;
  });
}

/**
 * The first reason a pipeline's file is not Python 3 (a syntax error, or what only Python 2 has),
 * or null: computed once per shape (byShape).
 */
export const pipelineSyntax = (source: string, pipeline: string): Promise<ParseError | null> =>
  byShape(source, pipeline, (text) => {
    let problem = syntaxCache.get(text);
    if (!problem) syntaxCache.set(text, (problem = parseError(text).then((found) => found ?? python2Construct(text))));
    return problem;
  });

/**
 * The facts of one Python file. A file that mentions none of what the rules look for is not
 * parsed; imports are collected only when asked (the mode and resource files).
 */
export function pythonFacts(source: string, options: { imports?: boolean } = {}): Promise<PyFacts> {
  const imports = options.imports !== false;
  if (!imports && !NEEDS_CALLS.test(source) && !NEEDS_SECRETS.test(source) && !NEEDS_ASSIGNMENTS.test(source))
    return Promise.resolve(NO_FACTS);
  const key = `${imports ? 1 : 0}${source}`;
  let facts = cache.get(key);
  if (!facts) cache.set(key, (facts = extractFacts(source, imports)));
  return facts;
}

/**
 * `from .deployments import Preset as P`: the local names of deployments.py's dataclasses imported
 * under another name, each to the dataclass it is (P(...) is a Preset to Python, and to the rules).
 */
const specAliases = (root: SgNode): Map<string, string> =>
  new Map(Object.keys(SPEC_FIELDS).flatMap((name) => importedAs(root, name).map((alias) => [alias, name] as const)));

async function extractFacts(source: string, wantImports: boolean): Promise<PyFacts> {
  const root = (await parsePython(source)).root();
  const aliases = ALIASED_SPEC.test(source) ? specAliases(root) : new Map<string, string>();
  const callees = [...INTERESTING_CALLS, ...aliases.keys()];
  const callRule = { kind: 'call', has: { field: 'function', regex: `(^|\\.)(${callees.join('|')})$` } };
  const calls: PyCall[] = !NEEDS_CALLS.test(source)
    ? []
    : root.findAll({ rule: callRule }).map((call) => {
        const callee = call.field('function')?.text() ?? '';
        const name = aliases.get(lastSegment(callee)) ?? lastSegment(callee);
        const { args, more } = boundArguments(call, SPEC_FIELDS[name]);
        const kwargs = new Map<string, PyValue>(
          [...args].map(([key, { node, value }]) => [key, { ...pyValueOf(constantNode(value)), line: lineOf(node) }]),
        );
        const parent = call.parent();
        return {
          callee,
          name,
          line: lineOf(call),
          kwargs,
          ...(more ? { more } : {}),
          ...(parent?.kind() === 'decorator' ? { decorates: decoratedName(parent) } : {}),
        };
      });
  const secretLiterals = !NEEDS_SECRETS.test(source)
    ? []
    : root
        .findAll({
          rule: {
            kind: 'keyword_argument',
            all: [{ has: { field: 'name', regex: SECRET_NAME.source } }, { has: { field: 'value', kind: 'string' } }],
          },
        })
        .map((kw) => ({
          name: kw.field('name')!.text(),
          callee: kw.parent()?.parent()?.field('function')?.text() ?? '?',
          line: lineOf(kw),
          str: stringValue(kw.field('value')!),
          siblings: envVarKeywords(kw.parent()),
        }))
        .filter((k) => k.str && !NAMES_NO_SECRET.test(k.name));
  const bareDecorators = !BARE_DECORATOR.test(source)
    ? []
    : root
        .findAll({
          rule: {
            kind: 'decorator',
            has: { any: [{ kind: 'identifier' }, { kind: 'attribute' }], regex: '(^|\\.)(job|graph)$' },
          },
        })
        .map((d) => ({ d, expr: d.children().find((c) => c.isNamed() && c.kind() !== 'comment') }))
        .filter(({ expr }) => expr && (expr.kind() === 'identifier' || expr.kind() === 'attribute'))
        .map(({ d, expr }) => ({
          callee: expr!.text(),
          name: lastSegment(expr!.text()),
          line: lineOf(d),
          decorates: decoratedName(d),
        }));
  const imports: PyImport[] = [];
  for (const node of wantImports
    ? root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })
    : []) {
    if (node.kind() === 'import_from_statement') {
      const module = node.field('module_name');
      const text = module?.text() ?? '';
      const relative = module?.kind() === 'relative_import' || text.startsWith('.');
      const imported = node
        .children()
        .filter((c) => c.range().start.index > (module?.range().end.index ?? 0))
        .map((c) =>
          c.kind() === 'aliased_import' ? c.field('name')?.text() : c.kind() === 'dotted_name' ? c.text() : undefined,
        )
        .filter((n): n is string => Boolean(n));
      imports.push({
        module: relative ? '' : text.split('.')[0]!,
        names: relative ? [] : imported.map((n) => `${text}.${n}`),
        line: lineOf(node),
      });
    } else {
      for (const name of node.children().filter((c) => c.kind() === 'dotted_name' || c.kind() === 'aliased_import')) {
        const dotted = name.kind() === 'aliased_import' ? (name.field('name')?.text() ?? '') : name.text();
        imports.push({ module: dotted.split('.')[0]!, names: [dotted], line: lineOf(node) });
      }
    }
  }
  const assignments = new Map<string, PyValue>();
  const assignmentRule = {
    kind: 'assignment',
    has: { field: 'left', regex: `^(${ASSIGNED.join('|')})$` },
    inside: { kind: 'expression_statement', inside: { kind: 'module' } },
  };
  for (const assignment of NEEDS_ASSIGNMENTS.test(source) ? root.findAll({ rule: assignmentRule }) : []) {
    const right = assignment.field('right');
    if (right) assignments.set(assignment.field('left')!.text(), pyValueOf(right));
  }
  return { calls, bareDecorators, imports, assignments, secretLiterals };
}
