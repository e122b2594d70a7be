// A three-way merge of two branches' recorded answers (.pipeline-answers.yaml, parsed): what each
// branch changed from their common base is kept, so one that released the pipeline to prod and one
// that released it to uat give a pipeline released to both. Only the same value changed two ways is
// a conflict, named by its key.

type Value = unknown;

/** A value both branches changed, each differently: the key path and the two values. */
export interface AnswerConflict {
  key: string;
  ours: Value;
  theirs: Value;
}

const same = (a: Value, b: Value): boolean => JSON.stringify(a) === JSON.stringify(b);
const isMap = (v: Value): v is Record<string, Value> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Dotted release numbers compared part by part (`0.10.0` after `0.9.3`); NaN parts count as 0. */
function laterVersion(a: Value, b: Value): Value {
  const parts = (v: Value) => String(v).split(/[.-]/).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] || 0) - (y[i] || 0);
    if (d !== 0) return d > 0 ? a : b;
  }
  return a;
}

/** Keys whose value records what made the file (a CLI release, a conventions version): the later one wins. */
const VERSION_KEYS = new Set(['_cli_version', '_conventions_version']);

function merge(base: Value, ours: Value, theirs: Value, key: string, conflicts: AnswerConflict[]): Value {
  if (same(ours, theirs)) return ours;
  if (same(base, ours)) return theirs;
  if (same(base, theirs)) return ours;
  if (VERSION_KEYS.has(key) && ours !== undefined && theirs !== undefined) return laterVersion(ours, theirs);
  if (isMap(ours) && isMap(theirs) && (base === undefined || isMap(base))) {
    const was = (base ?? {}) as Record<string, Value>;
    const merged: Record<string, Value> = {};
    for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      const value = merge(was[k], ours[k], theirs[k], key ? `${key}.${k}` : k, conflicts);
      if (value !== undefined) merged[k] = value;
    }
    return merged;
  }
  if (Array.isArray(ours) && Array.isArray(theirs) && (base === undefined || Array.isArray(base))) {
    // A list of names (deployments): each branch's additions kept, each branch's removals too.
    const was = (base ?? []) as Value[];
    const has = (list: Value[], item: Value) => list.some((x) => same(x, item));
    return [
      ...ours.filter((item) => !(has(was, item) && !has(theirs, item))),
      ...theirs.filter((item) => !has(was, item) && !has(ours, item)),
    ];
  }
  conflicts.push({ key, ours, theirs });
  return ours;
}

/** The merged answers, or the values both branches changed differently (then nothing is merged). */
export function mergeAnswers(
  base: Record<string, Value>,
  ours: Record<string, Value>,
  theirs: Record<string, Value>,
): { answers: Record<string, Value> } | { conflicts: AnswerConflict[] } {
  const conflicts: AnswerConflict[] = [];
  const answers = merge(base, ours, theirs, '', conflicts) as Record<string, Value>;
  return conflicts.length ? { conflicts } : { answers };
}
