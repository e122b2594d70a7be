// Two schedules or sensors of one name in one deployment (Dagster loads them under one namespace):
// the code location does not load there. Two presets of one name: PRESETS keeps the later, so the
// other's jobs are gone. And
// two modules of added_sensors/ that define one function name: the package gathers its functions
// by name, so one sensor silently evaluates the other's.
import { basename } from 'node:path';
import { ADDED } from '../../../generators/pipeline/files.ts';
import { parsePython } from '../../upgrade/engines/python.ts';
import type { PipelineModel } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';
import { declared, loadingDeployments, releasedTo } from './presets.ts';

/** The calls that name a definition, and the namespace each name lives in. */
const NAMESPACE: Record<string, 'schedules and sensors' | 'presets'> = {
  ScheduleSpec: 'schedules and sensors',
  SensorSpec: 'schedules and sensors',
  Preset: 'presets',
};

interface Named {
  path: string;
  line: number;
  /** What defines the name, for the message: `Preset(name="x")`, `function x`. */
  what: string;
  kind: string;
  /** The deployments a schedule or sensor loads in, when its deployments are written as strings. */
  deployments?: string[];
}

/** Whether two schedules or sensors can load in one deployment (each that names its own: only if they share one). */
const together = (a: Named, b: Named): boolean =>
  !a.deployments || !b.deployments || a.deployments.some((d) => b.deployments!.includes(d));

/**
 * The occurrence a copy was made from: the module named after the name (`added_presets/x.py`
 * defines x, `added_sensors/x.py` x_evaluation), else one in a shared module (presets.py), else
 * the first.
 */
const original = (name: string, all: Named[]): Named =>
  all.find((n) => [name, name.replace(/_evaluation$/, '')].includes(basename(n.path, '.py'))) ??
  all.find((n) => !/\/added_\w+\//.test(n.path)) ??
  all[0]!;

/** The functions each module of added_sensors/ defines at its top level, as functions_in() gathers them. */
async function evaluations(pipeline: PipelineModel): Promise<Map<string, Named[]>> {
  const byName = new Map<string, Named[]>();
  const prefix = `${pipeline.pkg}/${ADDED.sensor}/`;
  for (const path of pipeline.pythonFiles()) {
    const module = path.slice(prefix.length);
    if (!path.startsWith(prefix) || module.includes('/') || module === '__init__.py') continue;
    const source = pipeline.read(path);
    if (!source?.includes('def ')) continue;
    const root = (await parsePython(source)).root();
    for (const fn of root.findAll({
      rule: {
        kind: 'function_definition',
        any: [{ inside: { kind: 'module' } }, { inside: { kind: 'decorated_definition', inside: { kind: 'module' } } }],
      },
    } as never)) {
      const name = fn.field('name')!.text();
      const all = byName.get(name) ?? [];
      all.push({
        path,
        line: fn.range().start.line + 1,
        what: `function ${name}`,
        kind: 'sensor evaluation functions',
      });
      byName.set(name, all);
    }
  }
  return byName;
}

export const duplicateName: PipelineRule = {
  id: 'duplicate-name',
  scope: 'pipeline',
  severity: 'error',
  title: 'Two schedules, sensors or presets of one name, or two sensor evaluation functions of one name',
  why: 'Dagster refuses a code location with two schedules or sensors of one name ("Duplicate definition found") in a deployment that loads both, and of two presets of one name PRESETS keeps the later: the other preset and its jobs are gone, with no error. A merge of two branches that each added one, or a generator run twice, makes it. Two modules of added_sensors/ that define one function name (a module copied to start another) make one sensor evaluate the other\'s function, unseen.',
  fix: 'rename one of them (a schedule or sensor also by the name other code refers to)',
  async check(pipeline, ctx) {
    // Where a schedule or sensor loads: the deployments it names that the pipeline is released to
    // and whose modes allow its preset's mode (a prod preset's schedule named in dev loads in prod only).
    const { presets } = await declared(pipeline);
    const released = releasedTo(pipeline, ctx.platform);
    const loadsIn = (named: string[] | undefined, preset: string | undefined): string[] | undefined => {
      const mode = presets.find((p) => p.name !== undefined && p.name === preset)?.mode;
      return named && mode !== undefined ? loadingDeployments(ctx.platform, released, named, mode) : named;
    };
    const byKey = new Map<string, Named[]>();
    for (const path of pipeline.pythonFiles()) {
      for (const call of (await pipeline.python(path))?.calls ?? []) {
        const namespace = NAMESPACE[call.name];
        const named = call.kwargs.get('name');
        const name = named?.str;
        if (!namespace || !name) continue;
        const key = `${namespace}:${name}`;
        byKey.set(key, [
          ...(byKey.get(key) ?? []),
          {
            path,
            line: named!.line,
            what: `${call.name}(name=${JSON.stringify(name)})`,
            kind: namespace,
            deployments:
              namespace === 'presets'
                ? undefined
                : loadsIn(call.kwargs.get('deployments')?.strings, call.kwargs.get('preset')?.str),
          },
        ]);
      }
    }
    for (const [name, all] of await evaluations(pipeline)) byKey.set(`evaluation:${name}`, all);
    const findings: RawFinding[] = [];
    for (const [key, all] of byKey) {
      if (all.length < 2) continue;
      const name = key.slice(key.indexOf(':') + 1);
      const first = original(name, all);
      // Schedules and sensors of one name in deployments apart never meet: each loads its own.
      for (const copy of all.filter((n) => n !== first && together(n, first))) {
        const at = `${pipeline.rel}/${first.path}:${first.line}`;
        findings.push({
          file: `${pipeline.rel}/${copy.path}`,
          line: copy.line,
          message:
            copy.kind === 'sensor evaluation functions'
              ? `${copy.what} is defined in two modules of ${ADDED.sensor}/, first at ${at}: the sensors gather their functions by name, so one evaluates the other's`
              : copy.kind === 'presets'
                ? `${copy.what} reuses a preset's name, first at ${at}: PRESETS keeps one of the two, so the other's jobs are gone, unseen`
                : `${copy.what} reuses a name of the pipeline's ${copy.kind}, first at ${at}: the code location does not load where both do${copy.deployments && first.deployments ? ` (${copy.deployments.filter((d) => first.deployments!.includes(d)).join(', ')})` : ''}`,
          fix:
            copy.kind === 'sensor evaluation functions'
              ? `rename this function, and the evaluation= of its SensorSpec`
              : `rename this ${copy.what.startsWith('Preset') ? 'preset' : copy.what.startsWith('SensorSpec') ? 'sensor' : 'schedule'}`,
        });
      }
    }
    return findings;
  },
};
