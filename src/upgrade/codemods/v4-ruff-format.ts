// Why: from conventions v4 a platform repo lints and formats its Python with ruff (its ruff.toml:
// line length 120, isort, pyupgrade, bugbear ...), and what create-pipeline generates passes
// `ruff check` and `ruff format --check` as written. Code generated at v3 did not: tuples written
// `("local", "dev", )`, empty lists over two lines, a message split in two f-strings that fits on
// one line, a comprehension split that fits on one line, `zip()` without `strict=`, a dict
// comprehension where `dict.fromkeys` does, long lines in the ingest test. And the generated
// test_deployments.py used "staging" as its example of an unknown deployment, which is a real
// deployment on some platforms: now "no-such-deployment", which no deployment name can be.
//
// Each edit is an ast-grep edit of one node, made only when that node is still exactly what
// conventions v3 generated (or, for tuples and empty lists, has that shape), so an unmodified v3
// file becomes byte for byte the v4 template's, and a node a team changed is left as it is (ruff
// then tells them, in their own CI). Code that earlier `pipeline add` runs inserted is not
// touched: `ruff format` and `ruff check --fix` fix it once.
import type { Edit, SgNode } from '@ast-grep/napi';
import { fitCall } from '../../../generators/add/layout.ts';
import type { Codemod } from '../codemod.ts';
import { editPython, replaceExact } from '../engines/python.ts';

const VERSION = 4;

const named = (node: SgNode) => node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
const hasComment = (node: SgNode) => node.findAll({ rule: { kind: 'comment' } }).length > 0;

/** `("a", "b", )` -> `("a", "b")`, `("a", )` -> `("a",)`: tuples of strings as v3 wrote them. */
function tuples(root: SgNode): Edit[] {
  return root
    .findAll({ rule: { kind: 'tuple' } })
    .filter(
      (t) =>
        /, \)$/.test(t.text()) &&
        !t.text().includes('\n') &&
        !hasComment(t) &&
        named(t).length > 0 &&
        named(t).every((e) => e.kind() === 'string'),
    )
    .map((t) => {
      const items = named(t).map((e) => e.text());
      return t.replace(items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`);
    });
}

/** `[\n]` -> `[]`: the empty SCHEDULES and SENSORS lists. */
const emptyLists = (root: SgNode): Edit[] =>
  root
    .findAll({ rule: { kind: 'list' } })
    .filter((l) => l.text() !== '[]' && /^\[\s*\]$/.test(l.text()))
    .map((l) => l.replace('[]'));

/** A one-line `@dg.graph(...)` or `@dg.op(...)` longer than the line length, laid out as ruff does. */
function longDecorators(root: SgNode): Edit[] {
  return root
    .findAll({ rule: { kind: 'decorator' } })
    .filter((d) => d.range().start.column === 0 && !d.text().includes('\n') && d.text().length > 120)
    .flatMap((d) => {
      const call = named(d)[0];
      const callee = call?.kind() === 'call' ? call.field('function')?.text() : undefined;
      const args = call?.field('arguments');
      if (!callee || !/^dg\.(graph|op)$/.test(callee) || !args || hasComment(args)) return [];
      return [
        d.replace(
          fitCall(
            `@${callee}`,
            named(args).map((a) => a.text()),
            '',
          ),
        ),
      ];
    });
}

const DEPLOYMENT_ERROR_OLD =
  'f"{conventions.DEPLOYMENT_ENV_VAR}={name!r} is not a deployment of this platform; "\n            f"set it to one of: {known}"';
const DEPLOYMENT_ERROR_NEW =
  'f"{conventions.DEPLOYMENT_ENV_VAR}={name!r} is not a deployment of this platform; set it to one of: {known}"';

const REVENUE_ROWS_OLD =
  '[\n        {"day": day, "orders": orders[day], "revenue": str(revenue[day])}\n        for day in sorted(revenue)\n    ]';
const REVENUE_ROWS_NEW =
  '[{"day": day, "orders": orders[day], "revenue": str(revenue[day])} for day in sorted(revenue)]';

/** tests/test_ingest.py: the long lines of the ingest template's test. */
function ingestTest(root: SgNode, pkg: string): Edit[] {
  const file = (folder: string) => `local_data / "${folder}" / "${pkg}" / "events-2026-01-02.csv"`;
  const rawOld = `assert [row["event_id"] for row in read(${file('raw')})] == ["e-4", "e-6"]`;
  const rejectedOld = `assert [row["event_id"] for row in read(${file('rejected')})] == ["e-5"]`;
  const raw = root.findAll({ rule: { kind: 'assert_statement' } }).find((n) => n.text() === rawOld);
  const rejected = root.findAll({ rule: { kind: 'assert_statement' } }).find((n) => n.text() === rejectedOld);
  const edits: Edit[] = [];
  if (raw && rejected) {
    edits.push(
      raw.replace(
        `raw = ${file('raw')}\n    rejected = ${file('rejected')}\n    assert [row["event_id"] for row in read(raw)] == ["e-4", "e-6"]`,
      ),
    );
    edits.push(rejected.replace('assert [row["event_id"] for row in read(rejected)] == ["e-5"]'));
  }
  edits.push(
    ...replaceExact(
      root,
      'assert_statement',
      'assert [r.run_key for r in evaluate("landing/events-2026-01-01.csv").run_requests] == ["landing/events-2026-01-02.csv"]',
      'assert [r.run_key for r in evaluate("landing/events-2026-01-01.csv").run_requests] == [\n        "landing/events-2026-01-02.csv"\n    ]',
    ),
  );
  for (const call of root.findAll({
    rule: { pattern: 'SensorSpec("landing_test", $GRAPH, "local_sample", ("local",), "new_landing_files")' },
  })) {
    if (call.text().includes('\n')) continue;
    const graph = call.getMatch('GRAPH')!.text();
    edits.push(
      call.replace(
        `SensorSpec(\n        name="landing_test",\n        graph=${graph},\n        preset="local_sample",\n        deployments=("local",),\n        evaluation="new_landing_files",\n    )`,
      ),
    );
  }
  return edits;
}

export const ruffFormat: Codemod = {
  id: 'v4-ruff-format',
  version: VERSION,
  description:
    'Generated code as ruff formats and lints it (ruff.toml); an unknown deployment that cannot be a real one in test_deployments.py',
  async run(tree, { pipeline }) {
    const dir = `src/${pipeline}`;
    let changes = 0;
    for (const file of ['conventions.py', 'schedules.py', 'sensors.py'])
      changes += await editPython(tree, `${dir}/${file}`, (root) => [...tuples(root), ...emptyLists(root)]);
    changes += await editPython(tree, `${dir}/deployments.py`, (root) =>
      replaceExact(root, 'concatenated_string', DEPLOYMENT_ERROR_OLD, DEPLOYMENT_ERROR_NEW),
    );
    changes += await editPython(tree, `${dir}/ops.py`, (root) => [
      ...replaceExact(root, 'list_comprehension', REVENUE_ROWS_OLD, REVENUE_ROWS_NEW),
      ...replaceExact(root, 'call', 'zip(rows, scores)', 'zip(rows, scores, strict=True)'),
    ]);
    changes += await editPython(tree, `${dir}/jobs.py`, longDecorators);
    changes += await editPython(tree, 'tests/test_schedules_and_sensors.py', (root) =>
      replaceExact(
        root,
        'dictionary_comprehension',
        '{mode: MODES["local"] for mode in MODES}',
        'dict.fromkeys(MODES, MODES["local"])',
      ),
    );
    changes += await editPython(tree, 'tests/test_deployments.py', (root) =>
      replaceExact(
        root,
        'call',
        'current_deployment({conventions.DEPLOYMENT_ENV_VAR: "staging"})',
        'current_deployment({conventions.DEPLOYMENT_ENV_VAR: "no-such-deployment"})',
      ),
    );
    changes += await editPython(tree, 'tests/test_ingest.py', (root) => ingestTest(root, pipeline));
    return changes;
  },
};
