// The lakeFS backend: a sandbox's data is a branch of the production repository, made from the
// production ref (branch, tag or commit). Branch creation is metadata-only and copy-on-write, so it
// takes the same time whatever the repository's size. Production refs are never written.
import { CliError, EXIT } from '../errors.ts';
import type { DataChange, DataSandbox, SandboxBackend } from './backend.ts';
import type { DiffEntry, LakeFSClient } from './lakefs-client.ts';

const CHANGE: Record<string, DataChange['change']> = { added: 'added', removed: 'removed', changed: 'changed', conflict: 'changed', prefix_changed: 'changed' };

const toChange = (entry: DiffEntry, committed: boolean): DataChange => ({
  path: entry.path,
  change: CHANGE[entry.type] ?? 'changed',
  sizeBytes: entry.size_bytes ?? null,
  committed,
});

export class LakeFSBackend implements SandboxBackend {
  readonly kind = 'lakefs';

  constructor(
    private readonly client: LakeFSClient,
    private readonly repository: string,
    private readonly productionRef: string,
  ) {}

  describeProduction(): string {
    return `lakefs://${this.repository}/${this.productionRef}`;
  }

  private async checkRepository(): Promise<void> {
    if (!(await this.client.repositoryExists(this.repository))) {
      throw new CliError(`lakeFS at ${this.client.credentials.endpoint} has no repository ${this.repository}; create it, or fix sandbox.repository in platform.yaml`, EXIT.failure);
    }
  }

  async create(name: string): Promise<{ sandbox: DataSandbox; created: boolean }> {
    await this.checkRepository();
    const existing = await this.get(name);
    if (existing) return { sandbox: existing, created: false };
    const source = await this.client.getCommit(this.repository, this.productionRef).catch(() => {
      throw new CliError(`the production ref ${this.productionRef} does not exist in lakeFS repository ${this.repository}; fix sandbox.production_ref in platform.yaml`, EXIT.failure);
    });
    // Branch from the commit, not the ref's name, so that what we record is exactly what we copied.
    await this.client.createBranch(this.repository, name, source.id);
    return { sandbox: { name, sourceRef: this.productionRef, sourceCommit: source.id, headCommit: source.id }, created: true };
  }

  async get(name: string): Promise<DataSandbox | undefined> {
    const branch = await this.client.getBranch(this.repository, name);
    if (!branch) return undefined;
    return { name, sourceRef: this.productionRef, sourceCommit: null, headCommit: branch.commit_id };
  }

  async list(prefix: string): Promise<string[]> {
    await this.checkRepository();
    return (await this.client.listBranches(this.repository, prefix)).map((b) => b.id);
  }

  async diff(sandbox: DataSandbox): Promise<DataChange[]> {
    const base = sandbox.sourceCommit ?? this.productionRef;
    const committed = await this.client.diffRefs(this.repository, base, sandbox.name);
    const uncommitted = await this.client.uncommitted(this.repository, sandbox.name);
    return [...committed.map((e) => toChange(e, true)), ...uncommitted.map((e) => toChange(e, false))].sort((a, b) => a.path.localeCompare(b.path));
  }

  async uncommittedWrites(name: string): Promise<DataChange[]> {
    return (await this.client.uncommitted(this.repository, name)).map((e) => toChange(e, false));
  }

  async destroy(name: string): Promise<void> {
    if (await this.client.getBranch(this.repository, name)) await this.client.deleteBranch(this.repository, name);
  }
}
