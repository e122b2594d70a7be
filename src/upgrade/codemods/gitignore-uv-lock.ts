// Why: `uv run` and `uv sync`, which a pipeline's README and create-pipeline's next steps run,
// write a uv.lock in the pipeline's folder. Untracked, it made the git tree dirty, so the next
// create-pipeline wrote its files without a branch or a commit, and `pipeline upgrade` refused to
// run. A pipeline's image installs from its pyproject.toml (pip), and CI resolves it afresh, so the
// lock pins nothing that ships: a platform's .gitignore ignores it.
//
// It is not a conventions version: it runs whenever .gitignore ignores no uv.lock, at any
// conventions version, and changes nothing once it does.
import { FileTree } from '../../tree/file-tree.ts';
import type { AnyVersionStep } from '../types.ts';

export const GITIGNORE_UV_LOCK = { id: 'gitignore-uv-lock' } as const;

const GITIGNORE = '.gitignore';
/** What a new platform's .gitignore has (templates/platform/repo/_dot_gitignore.hbs), after `.pytest_cache/`. */
export const UV_LOCK_LINES = [
  "# Each pipeline's uv.lock (uv run writes it): its image installs from pyproject.toml, so it pins nothing",
  'uv.lock',
];

// A line that already ignores every pipeline's uv.lock: `uv.lock`, or the same under `**/` or `pipelines/*/`.
const ignoresLock = (line: string) => /^(\*\*\/|\/?pipelines\/\*\/)?uv\.lock$/.test(line.trim());

/** The step, planned in memory; null when .gitignore ignores uv.lock already, or there is none. */
export function planGitignoreUvLock(root: string): AnyVersionStep | null {
  const tree = new FileTree(root);
  const text = tree.read(GITIGNORE);
  if (text === undefined) return null;
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.some(ignoresLock)) return null;
  const after = lines.findIndex((line) => line.trim() === '.pytest_cache/');
  lines.splice(after === -1 ? lines.length : after + 1, 0, ...UV_LOCK_LINES);
  tree.write(GITIGNORE, `${lines.join('\n')}\n`);
  return {
    id: GITIGNORE_UV_LOCK.id,
    tree,
    todos: [],
    summary: (written) =>
      `\nplatform: ${GITIGNORE_UV_LOCK.id}: ${GITIGNORE} ${written ? 'ignores' : 'would ignore'} each pipeline's uv.lock (uv run writes it; it left the git tree dirty)`,
    message:
      "chore(upgrade): ignore each pipeline's uv.lock\n\nuv run writes it; untracked, it left the git tree dirty.\nMade by pipeline upgrade.",
  };
}
