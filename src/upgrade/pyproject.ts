// A pipeline's pyproject.toml, read line by line (no TOML engine): the requirement strings of
// [project] dependencies and [dependency-groups], each with its line.

export interface PyprojectDependency {
  /** The requirement as written: `dagster==1.13.27`. */
  requirement: string;
  /** PEP 503-normalised distribution name. */
  name: string;
  line: number;
}

export const normaliseDistribution = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The dependency strings of pyproject.toml's [project] dependencies and [dependency-groups], with their lines. */
export function pyprojectDependencies(text: string): { runtime: PyprojectDependency[]; all: PyprojectDependency[] } {
  const runtime: PyprojectDependency[] = [];
  const all: PyprojectDependency[] = [];
  let table = '';
  let inList: 'runtime' | 'group' | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header && !inList) table = header[1]!.trim();
    const start = /^([\w-]+)\s*=\s*\[(.*)$/.exec(line);
    let rest = line;
    if (!inList && start && ((table === 'project' && start[1] === 'dependencies') || table === 'dependency-groups')) {
      inList = table === 'project' ? 'runtime' : 'group';
      rest = start[2]!;
    } else if (!inList) return;
    for (const match of rest.matchAll(/"([^"]+)"|'([^']+)'/g)) {
      const requirement = (match[1] ?? match[2])!;
      const dep = {
        requirement,
        name: normaliseDistribution(/^[A-Za-z0-9._-]+/.exec(requirement)?.[0] ?? requirement),
        line: i + 1,
      };
      all.push(dep);
      if (inList === 'runtime') runtime.push(dep);
    }
    if (rest.includes(']')) inList = undefined;
  });
  return { runtime, all };
}
