// What a sandbox's data backend does. Two implement it: a lakeFS branch (lakefs.ts) and a
// Snowflake zero-copy clone (snowflake.ts). The lifecycle and guard rails live in sandbox.ts.

export interface DataChange {
  path: string;
  change: 'added' | 'changed' | 'removed';
  sizeBytes: number | null;
  /** false for writes not yet committed on the sandbox branch. */
  committed: boolean;
}

export interface DataSandbox {
  /** The data branch or database. */
  name: string;
  /** The production ref it was made from, and the commit that ref pointed at then (lakeFS). */
  sourceRef: string;
  sourceCommit: string | null;
  headCommit: string | null;
}

export interface SandboxBackend {
  readonly kind: 'lakefs' | 'snowflake';
  /** Where production lives, for messages: lakefs://data/main. */
  describeProduction(): string;
  /** Throws the one-line error `create` would when production (its repository, its ref) is not there. */
  checkSource(): Promise<void>;
  /** Creates the data sandbox from the production ref; returns it and whether it was new. Idempotent. */
  create(name: string): Promise<{ sandbox: DataSandbox; created: boolean }>;
  get(name: string): Promise<DataSandbox | undefined>;
  /** Names of every data sandbox with the platform's prefix. */
  list(prefix: string): Promise<string[]>;
  diff(sandbox: DataSandbox): Promise<DataChange[]>;
  /** How many writes are not yet committed (a down would lose them). */
  uncommittedWrites(name: string): Promise<DataChange[]>;
  destroy(name: string): Promise<void>;
  /** Commits the sandbox's writes; the commit id (null where the backend commits as it goes). */
  commit(name: string, message: string, metadata: Record<string, string>): Promise<string | null>;
  /** Committed changes of the sandbox (at commit `at`, else its head) that production does not have yet (a down would lose them). */
  unpromoted(name: string, at?: string): Promise<DataChange[]>;
  /** What production changed since the sandbox's base (its newest commit in common with production). */
  productionChanges(name: string): Promise<DataChange[]>;
  /** The sandbox's base: the newest production commit it contains. */
  baseCommit(name: string): Promise<string | null>;
  /** The metadata of the sandbox's commit `at`, else of its newest. */
  headMetadata(name: string, at?: string): Promise<Record<string, string>>;
  /**
   * Merges the sandbox (its commit `at`, else its head) into production; returns the production
   * commit, or null when production has every change already (another promote merged them).
   */
  promote(
    name: string,
    message: string,
    metadata: Record<string, string>,
    strategy?: 'source-wins' | 'dest-wins',
    at?: string,
  ): Promise<string | null>;
  /** Merges production into the sandbox; returns the sandbox's new head. */
  refresh(name: string, message: string, metadata: Record<string, string>): Promise<string>;
  /** The production branch, and whether the server itself refuses direct writes to it. */
  protection(): Promise<{ branch: string; protected: boolean }>;
  /** Installs the server-side protection of the production branch; false when it was there already. */
  protect(): Promise<boolean>;
}

/** Counts per change and per top folder: what a 100k-path diff should print. */
export function diffStat(changes: DataChange[]) {
  const total = { added: 0, changed: 0, removed: 0, uncommitted: 0, bytes: 0 };
  const folders = new Map<string, { added: number; changed: number; removed: number }>();
  for (const c of changes) {
    total[c.change] += 1;
    if (!c.committed) total.uncommitted += 1;
    total.bytes += c.sizeBytes ?? 0;
    const top = c.path.includes('/') ? `${c.path.split('/')[0]}/` : c.path;
    const f = folders.get(top) ?? { added: 0, changed: 0, removed: 0 };
    f[c.change] += 1;
    folders.set(top, f);
  }
  return {
    ...total,
    paths: changes.length,
    folders: Object.fromEntries([...folders].sort(([a], [b]) => a.localeCompare(b))),
  };
}
