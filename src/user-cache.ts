// The user's cache folders: where the bins keep their code caches and parsed values, and where
// `pipeline` keeps a platform's transpiled codemods; and how what they hold is kept or swept (by
// the time it was last used). Only absolute paths: an empty HOME (os.homedir()
// gives "") or a relative XDG_CACHE_HOME would put the cache in the folder a command runs in, the
// platform repo, whose tree it would dirty (and the next create-pipeline would then not branch).
import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** $XDG_CACHE_HOME/<name>, else %LOCALAPPDATA%\<name>, else ~/.cache/<name>; undefined when none is absolute. */
export function userCacheFolder(name: string): string | undefined {
  let home: string | undefined;
  try {
    home = homedir();
  } catch {}
  const base = [process.env.XDG_CACHE_HOME, process.env.LOCALAPPDATA, home && join(home, '.cache')].find(
    (path) => path && isAbsolute(path),
  );
  return base && join(base, name);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Marks `path` as used now, at most once per `every` ms (its modification time, which sweep reads):
 * a cache in use is never swept by another run, however long ago it was written. Never an error.
 */
export function touch(path: string, every: number): void {
  try {
    if (Date.now() - statSync(path).mtimeMs > every) utimesSync(path, new Date(), new Date());
  } catch {}
}

/** Removes what `folder` holds that was last used (touched or written) over `age` ms ago, but `keep`. Never an error. */
export function sweep(folder: string, age: number, keep: (path: string) => boolean): void {
  try {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      try {
        if (!keep(path) && Date.now() - statSync(path).mtimeMs > age) rmSync(path, { recursive: true, force: true });
      } catch {}
    }
  } catch {}
}
