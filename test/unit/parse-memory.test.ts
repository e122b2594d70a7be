// parsePython frees the trees no one holds any more while it works, not only when the process ends:
// each tree is native memory V8 does not count, so without that every parse kept its tree (in an
// upgrade, 0.8 MB a pipeline: 900 MB of peak RSS for 1,000 pipelines).
import { expect, it } from 'vitest';
import { parsePython } from '../../src/upgrade/engines/python.ts';

const MODULE = Array.from(
  { length: 5 },
  (_, i) =>
    `@op(config_schema={"limit": int})\ndef step_${i}(context, rows):\n    return rows[: context.op_config["limit"]]\n\n`,
).join('\n');
const rss = () => process.memoryUsage().rss / 2 ** 20;

it('parsing 10,000 modules: the memory stops growing after the first thousands (each tree freed once dropped)', async () => {
  let at3000 = 0;
  for (let i = 0; i < 10_000; i++) {
    await parsePython(`${MODULE}# ${i}\n`);
    if (i === 3000) at3000 = rss();
  }
  const grown = rss() - at3000;
  // Kept trees would add about 7,000 x 30 KB here (200 MiB).
  expect(grown, `RSS grew ${grown.toFixed(0)} MiB over the last 7,000 parses`).toBeLessThan(60);
});
