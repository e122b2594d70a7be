// The user's cache folders: where the bins keep their code caches and parsed values, and where
// `pipeline` keeps a platform's transpiled codemods. Only absolute paths: an empty HOME (os.homedir()
// gives "") or a relative XDG_CACHE_HOME would put the cache in the folder a command runs in, the
// platform repo, whose tree it would dirty (and the next create-pipeline would then not branch).
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
