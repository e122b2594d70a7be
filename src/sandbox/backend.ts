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
  /** Creates the data sandbox from the production ref; returns it and whether it was new. Idempotent. */
  create(name: string): Promise<{ sandbox: DataSandbox; created: boolean }>;
  get(name: string): Promise<DataSandbox | undefined>;
  /** Names of every data sandbox with the platform's prefix. */
  list(prefix: string): Promise<string[]>;
  diff(sandbox: DataSandbox): Promise<DataChange[]>;
  /** How many writes are not yet committed (a down would lose them). */
  uncommittedWrites(name: string): Promise<DataChange[]>;
  destroy(name: string): Promise<void>;
}
