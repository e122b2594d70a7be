// The lakeFS backend: a sandbox's data is a branch of the production repository, made from the
// production ref (branch, tag or commit). Branch creation is metadata-only and copy-on-write, so it
// takes the same time whatever the repository's size. Production refs are never written.
import { CliError, EXIT, InputError } from '../errors.ts';
import type { DataChange, DataSandbox, SandboxBackend } from './backend.ts';
import { type DiffEntry, type LakeFSClient, LakeFSError, type MergeStrategy } from './lakefs-client.ts';

const CHANGE: Record<string, DataChange['change']> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  conflict: 'changed',
  prefix_changed: 'changed',
};

const toChange = (entry: DiffEntry, committed: boolean): DataChange => ({
  path: entry.path,
  change: CHANGE[entry.type] ?? 'changed',
  sizeBytes: entry.size_bytes ?? null,
  committed,
});

/** lakeFS branch protection patterns: `*` matches any run of characters. */
export const patternMatches = (pattern: string, branch: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(branch);

/** A ref of a lakeFS repository, as lakectl writes it: lakefs://data/main. */
export const lakefsUri = (repository: string, ref: string): string => `lakefs://${repository}/${ref}`;

export class LakeFSBackend implements SandboxBackend {
  readonly kind = 'lakefs';

  constructor(
    private readonly client: LakeFSClient,
    private readonly repository: string,
    private readonly productionRef: string,
    /** sandbox.production_branch: the branch promote merges into, when production_ref is a tag or commit. */
    private readonly configuredBranch?: string,
  ) {}

  private branch: string | undefined;

  /**
   * The branch production is merged into: sandbox.production_branch, else production_ref when it is
   * a branch, else the repository's default branch (production_ref is then a tag or commit on it).
   */
  async productionBranch(): Promise<string> {
    if (this.branch) return this.branch;
    if (this.configuredBranch) return (this.branch = this.configuredBranch);
    if (await this.client.getBranch(this.repository, this.productionRef)) return (this.branch = this.productionRef);
    await this.checkRepository();
    return (this.branch = (await this.client.getRepository(this.repository)).default_branch);
  }

  describeProduction(): string {
    return lakefsUri(this.repository, this.productionRef);
  }

  private async checkRepository(): Promise<void> {
    if (!(await this.client.repositoryExists(this.repository))) {
      throw new CliError(
        `lakeFS at ${this.client.credentials.endpoint} has no repository ${this.repository}; create it, or fix sandbox.repository in platform.yaml`,
        EXIT.failure,
      );
    }
  }

  /** The commit of the production ref: what a new sandbox is made from. */
  private async source(): Promise<{ id: string }> {
    return this.client.getCommit(this.repository, this.productionRef).catch(() => {
      throw new CliError(
        `the production ref ${this.productionRef} does not exist in lakeFS repository ${this.repository}; fix sandbox.production_ref in platform.yaml`,
        EXIT.failure,
      );
    });
  }

  async checkSource(): Promise<void> {
    await this.checkRepository();
    await this.source();
  }

  async create(name: string): Promise<{ sandbox: DataSandbox; created: boolean }> {
    await this.checkRepository();
    const existing = await this.get(name);
    if (existing) return { sandbox: existing, created: false };
    const source = await this.source();
    // Branch from the commit, not the ref's name, so that what we record is exactly what we copied.
    try {
      await this.client.createBranch(this.repository, name, source.id);
    } catch (error) {
      // Another `up` made it between our look and our create: adopt theirs, with its own base.
      const raced = error instanceof LakeFSError && error.status === 409 ? await this.get(name) : undefined;
      if (raced) return { sandbox: raced, created: false };
      throw error;
    }
    return {
      sandbox: { name, sourceRef: this.productionRef, sourceCommit: source.id, headCommit: source.id },
      created: true,
    };
  }

  async get(name: string): Promise<DataSandbox | undefined> {
    const branch = await this.client.getBranch(this.repository, name);
    if (!branch) return undefined;
    return {
      name,
      sourceRef: this.productionRef,
      sourceCommit: await this.baseCommit(name),
      headCommit: branch.commit_id,
    };
  }

  async baseCommit(name: string): Promise<string | null> {
    try {
      return await this.client.mergeBase(this.repository, this.productionRef, name);
    } catch (error) {
      if (error instanceof LakeFSError && error.status === 404) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    await this.checkRepository();
    return (await this.client.listBranches(this.repository, prefix)).map((b) => b.id);
  }

  /** Three-dot: what the sandbox changed since its base, whatever production did meanwhile. */
  async diff(sandbox: DataSandbox): Promise<DataChange[]> {
    const committed = await this.client.diffRefs(this.repository, this.productionRef, sandbox.name, 'three_dot');
    const uncommitted = await this.client.uncommitted(this.repository, sandbox.name);
    return [...committed.map((e) => toChange(e, true)), ...uncommitted.map((e) => toChange(e, false))].sort((a, b) =>
      a.path.localeCompare(b.path),
    );
  }

  async uncommittedWrites(name: string): Promise<DataChange[]> {
    return (await this.client.uncommitted(this.repository, name)).map((e) => toChange(e, false));
  }

  async destroy(name: string): Promise<void> {
    if (await this.client.getBranch(this.repository, name)) await this.client.deleteBranch(this.repository, name);
  }

  async commit(name: string, message: string, metadata: Record<string, string>): Promise<string> {
    return (await this.client.commit(this.repository, name, message, metadata)).id;
  }

  async unpromoted(name: string, at?: string): Promise<DataChange[]> {
    return (await this.client.diffRefs(this.repository, await this.productionBranch(), at ?? name, 'three_dot')).map(
      (e) => toChange(e, true),
    );
  }

  async productionChanges(name: string): Promise<DataChange[]> {
    return (await this.client.diffRefs(this.repository, name, await this.productionBranch(), 'three_dot')).map((e) =>
      toChange(e, true),
    );
  }

  async headMetadata(name: string, at?: string): Promise<Record<string, string>> {
    return (await this.client.getCommit(this.repository, at ?? name)).metadata ?? {};
  }

  /** The production branch, which must exist: promote, protect and refresh need a branch, not a tag or commit. */
  private async requireProductionBranch(): Promise<string> {
    const branch = await this.productionBranch();
    if (await this.client.getBranch(this.repository, branch)) return branch;
    const what = (await this.client.tagExists(this.repository, branch)) ? 'a tag' : 'not a branch';
    throw new InputError(
      `${branch} is ${what} in lakeFS repository ${this.repository}; set sandbox.production_branch in platform.yaml to the branch production is merged into`,
    );
  }

  async promote(
    name: string,
    message: string,
    metadata: Record<string, string>,
    strategy?: MergeStrategy,
    at?: string,
  ): Promise<string | null> {
    const branch = await this.requireProductionBranch();
    try {
      return await this.client.merge(this.repository, at ?? name, branch, message, metadata, strategy);
    } catch (error) {
      // Production has it all by now: another promote of this sandbox merged it meanwhile.
      if (error instanceof LakeFSError && error.status === 400 && /\bno changes\b/.test(error.message)) return null;
      throw error;
    }
  }

  async refresh(name: string, message: string, metadata: Record<string, string>): Promise<string> {
    return this.client.merge(this.repository, await this.requireProductionBranch(), name, message, metadata);
  }

  async protection(): Promise<{ branch: string; protected: boolean }> {
    const branch = await this.requireProductionBranch();
    const rules = await this.client.branchProtection(this.repository);
    return { branch, protected: rules.some((r) => patternMatches(r.pattern, branch)) };
  }

  async protect(): Promise<boolean> {
    const { branch, protected: already } = await this.protection();
    if (already) return false;
    await this.client.setBranchProtection(this.repository, [
      ...(await this.client.branchProtection(this.repository)),
      { pattern: branch },
    ]);
    return true;
  }
}
