// The pipeline README's generated jobs table, as `pipeline add` keeps it: rows for the jobs of a
// preset or a graph added to presets.py or jobs.py, and, for those added in modules of their own
// (added_presets/, added_jobs/: conventions v5), one line below it instead, since a row from each
// of two branches would make the second pull request conflict.
import { ADDED_JOBS, ADDED_PRESETS } from '../pipeline/files.ts';

const TABLE_HEAD = '| job | preset | mode |\n|---|---|---|\n';
const ROW = /^\| `[^`]+` \| `[^`]+` \| `[^`]+` \|$/;

/** Where the rows of the README's generated jobs table end (after the last one's newline), or undefined when it has none. */
function jobTableEnd(readme: string): number | undefined {
  const section = readme.indexOf('\n## Jobs\n');
  const head = section < 0 ? -1 : readme.indexOf(TABLE_HEAD, section);
  if (head < 0 || readme.slice(section + 9, head).trim() !== '') return undefined;
  let end = head + TABLE_HEAD.length;
  const lines = readme.slice(end).split('\n');
  let count = 0;
  while (count < lines.length && ROW.test(lines[count]!)) end += lines[count++]!.length + 1;
  return count === 0 ? undefined : Math.min(end, readme.length);
}

/** The README with rows appended to its generated jobs table, or undefined when the table is not the generated one. */
export function withJobRows(readme: string, rows: { job: string; preset: string; mode: string }[]): string | undefined {
  const end = jobTableEnd(readme);
  if (end === undefined) return undefined;
  const rendered = rows.map((r) => `| \`${r.job}\` | \`${r.preset}\` | \`${r.mode}\` |\n`).join('');
  return readme.slice(0, end) + rendered + readme.slice(end);
}

/**
 * The README with the line below its generated jobs table that says where the jobs of the added
 * modules are: the same line whichever kind comes first (a preset or a graph), so that two branches
 * that each add one write the same bytes. Undefined without that table, or when the line is there.
 */
export function withAddedModulesNote(readme: string, pkg: string): string | undefined {
  const end = jobTableEnd(readme);
  const line = `\nThe jobs of the presets and graphs \`pipeline add\` writes to modules of their own (\`${pkg}/${ADDED_PRESETS}/\`,\n\`${pkg}/${ADDED_JOBS}/\`) are not in this table: \`npx pipeline list\` lists every job, per deployment.\n`;
  if (end === undefined || readme.startsWith(line, end)) return undefined;
  return readme.slice(0, end) + line + readme.slice(end);
}

/** The note `pipeline add` prints for a preset or graph in a module of its own. */
export const addedModulesNote = (pipeline: string): string =>
  `README.md's jobs table lists the presets of presets.py and the graphs of jobs.py only (rows that two branches each add would conflict); npx pipeline list --pipeline ${pipeline} lists every job`;
