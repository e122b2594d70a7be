// A small client for the lakeFS REST API (/api/v1), on Node's fetch. Errors become CliErrors that
// say what to do: the server is unreachable, the credentials are wrong, a ref does not exist.
import { CliError, EXIT } from '../errors.ts';

export interface LakeFSCredentials {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they came from, for messages ("environment" or the lakectl config path). */
  source: string;
}

export interface Branch {
  id: string;
  commit_id: string;
}

export interface Commit {
  id: string;
  message: string;
  creation_date: number;
  metadata?: Record<string, string>;
}

export interface DiffEntry {
  type: 'added' | 'removed' | 'changed' | 'conflict' | 'prefix_changed';
  path: string;
  path_type: 'object' | 'common_prefix';
  size_bytes?: number;
}

interface Page<T> {
  results: T[];
  pagination: { has_more: boolean; next_offset: string };
}

export class LakeFSError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    exitCode: number = EXIT.failure,
  ) {
    super(message, exitCode);
    this.name = 'LakeFSError';
  }
}

const enc = encodeURIComponent;

/** lakectl writes endpoints as http://host:8000/api/v1; the API base and the pipelines want http://host:8000. */
export const normaliseEndpoint = (endpoint: string): string =>
  endpoint
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/v1$/, '');

export interface MergeBase {
  base_commit_id: string;
}

export type MergeStrategy = 'source-wins' | 'dest-wins';

/** The system error behind a failed fetch (ECONNREFUSED, ENOTFOUND, a timeout), for the message. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[]; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code ?? cause?.message ?? (error as Error).message;
}

export class LakeFSClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(readonly credentials: LakeFSCredentials) {
    this.base = `${normaliseEndpoint(credentials.endpoint)}/api/v1`;
    this.auth = `Basic ${Buffer.from(`${credentials.accessKeyId}:${credentials.secretAccessKey}`).toString('base64')}`;
  }

  private async request(
    method: string,
    path: string,
    init: { query?: Record<string, string>; json?: unknown; body?: Uint8Array | string; contentType?: string } = {},
  ): Promise<Response> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { Authorization: this.auth };
    let body: BodyInit | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.body !== undefined) {
      headers['Content-Type'] = init.contentType ?? 'application/octet-stream';
      body = init.body as BodyInit;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = networkCause(error);
      throw new LakeFSError(
        `cannot reach lakeFS at ${this.credentials.endpoint} (${cause}); start the server, or set LAKEFS_ENDPOINT (or server.endpoint_url in ~/.lakectl.yaml) to its address`,
        0,
      );
    }
    if (response.status === 401) {
      throw new LakeFSError(
        `lakeFS at ${this.credentials.endpoint} rejected the credentials from ${this.credentials.source} (access key ${this.credentials.accessKeyId}); check LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY, or ~/.lakectl.yaml`,
        401,
      );
    }
    if (!response.ok) {
      const text = await response.text();
      if (/^\s*</.test(text)) throw this.notLakeFS(method, path, 'an HTML page');
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // not JSON
      }
      throw new LakeFSError(`lakeFS ${method} ${path}: ${response.status} ${message.trim()}`, response.status);
    }
    return response;
  }

  private async json<T>(method: string, path: string, init?: Parameters<LakeFSClient['request']>[2]): Promise<T> {
    const text = await (await this.request(method, path, init)).text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.notLakeFS(method, path, /^\s*</.test(text) ? 'an HTML page' : 'something that is not JSON');
    }
  }

  private notLakeFS(method: string, path: string, what: string): LakeFSError {
    return new LakeFSError(
      `${this.credentials.endpoint} answered ${method} /api/v1${path} with ${what}, so it is not the lakeFS API; set LAKEFS_ENDPOINT (or server.endpoint_url in ~/.lakectl.yaml) to the lakeFS server's address, e.g. http://127.0.0.1:8000`,
      0,
      EXIT.usage,
    );
  }

  private async all<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    let after = '';
    for (;;) {
      const page = await this.json<Page<T>>('GET', path, { query: { ...query, after, amount: '1000' } });
      out.push(...page.results);
      if (!page.pagination.has_more) return out;
      after = page.pagination.next_offset;
    }
  }

  async healthcheck(): Promise<void> {
    await this.request('GET', '/healthcheck');
  }

  /** Checks the credentials (healthcheck needs none). */
  async whoami(): Promise<{ id: string }> {
    return this.json('GET', '/user');
  }

  async createRepository(name: string, storageNamespace: string, defaultBranch = 'main'): Promise<void> {
    await this.request('POST', '/repositories', {
      json: { name, storage_namespace: storageNamespace, default_branch: defaultBranch },
    });
  }

  getRepository(repo: string): Promise<{ id: string; default_branch: string }> {
    return this.json('GET', `/repositories/${enc(repo)}`);
  }

  async repositoryExists(repo: string): Promise<boolean> {
    try {
      await this.request('GET', `/repositories/${enc(repo)}`);
      return true;
    } catch (error) {
      if (error instanceof LakeFSError && error.status === 404) return false;
      throw error;
    }
  }

  async getBranch(repo: string, branch: string): Promise<Branch | undefined> {
    try {
      return await this.json<Branch>('GET', `/repositories/${enc(repo)}/branches/${enc(branch)}`);
    } catch (error) {
      if (error instanceof LakeFSError && error.status === 404) return undefined;
      throw error;
    }
  }

  listBranches(repo: string, prefix = ''): Promise<Branch[]> {
    return this.all<Branch>(`/repositories/${enc(repo)}/branches`, { prefix });
  }

  async createBranch(repo: string, name: string, source: string): Promise<void> {
    await this.request('POST', `/repositories/${enc(repo)}/branches`, { json: { name, source } });
  }

  async deleteBranch(repo: string, name: string): Promise<void> {
    await this.request('DELETE', `/repositories/${enc(repo)}/branches/${enc(name)}`);
  }

  /** The commit a ref (branch, tag or commit id) points at. */
  getCommit(repo: string, ref: string): Promise<Commit> {
    return this.json<Commit>('GET', `/repositories/${enc(repo)}/commits/${enc(ref)}`);
  }

  /** Uncommitted changes on a branch. */
  uncommitted(repo: string, branch: string): Promise<DiffEntry[]> {
    return this.all<DiffEntry>(`/repositories/${enc(repo)}/branches/${enc(branch)}/diff`);
  }

  /**
   * Committed changes of `right`: since their merge base (three-dot, the default: what `right` did,
   * whatever `left` did meanwhile) or against `left` as it is (two-dot).
   */
  diffRefs(
    repo: string,
    left: string,
    right: string,
    type: 'three_dot' | 'two_dot' = 'three_dot',
  ): Promise<DiffEntry[]> {
    return this.all<DiffEntry>(`/repositories/${enc(repo)}/refs/${enc(left)}/diff/${enc(right)}`, { type });
  }

  /** The newest commit both refs contain. */
  async mergeBase(repo: string, source: string, destinationBranch: string): Promise<string> {
    return (
      await this.json<MergeBase>(
        'GET',
        `/repositories/${enc(repo)}/refs/${enc(source)}/merge/${enc(destinationBranch)}`,
      )
    ).base_commit_id;
  }

  /** Merges `source` into `destinationBranch`; returns the merge commit id. */
  async merge(
    repo: string,
    source: string,
    destinationBranch: string,
    message: string,
    metadata: Record<string, string>,
    strategy?: MergeStrategy,
  ): Promise<string> {
    const json = { message, metadata, ...(strategy ? { strategy } : {}) };
    return (
      await this.json<{ reference: string }>(
        'POST',
        `/repositories/${enc(repo)}/refs/${enc(source)}/merge/${enc(destinationBranch)}`,
        { json },
      )
    ).reference;
  }

  /** Commits of a ref, newest first, at most `amount`. */
  async log(repo: string, ref: string, amount = 100): Promise<Commit[]> {
    return (
      await this.json<Page<Commit>>('GET', `/repositories/${enc(repo)}/refs/${enc(ref)}/commits`, {
        query: { amount: String(amount) },
      })
    ).results;
  }

  /** Branch protection rules: branches matching a pattern take no direct writes or commits, only merges. */
  branchProtection(repo: string): Promise<{ pattern: string }[]> {
    return this.json('GET', `/repositories/${enc(repo)}/settings/branch_protection`);
  }

  async setBranchProtection(repo: string, rules: { pattern: string }[]): Promise<void> {
    await this.request('PUT', `/repositories/${enc(repo)}/settings/branch_protection`, { json: rules });
  }

  async tagExists(repo: string, tag: string): Promise<boolean> {
    try {
      await this.request('GET', `/repositories/${enc(repo)}/tags/${enc(tag)}`);
      return true;
    } catch (error) {
      if (error instanceof LakeFSError && error.status === 404) return false;
      throw error;
    }
  }

  async upload(repo: string, branch: string, path: string, content: Uint8Array | string): Promise<void> {
    await this.request('POST', `/repositories/${enc(repo)}/branches/${enc(branch)}/objects`, {
      query: { path },
      body: content,
    });
  }

  async download(repo: string, ref: string, path: string): Promise<Buffer> {
    return Buffer.from(
      await (
        await this.request('GET', `/repositories/${enc(repo)}/refs/${enc(ref)}/objects`, { query: { path } })
      ).arrayBuffer(),
    );
  }

  async stat(
    repo: string,
    ref: string,
    path: string,
  ): Promise<{ path: string; size_bytes: number; checksum: string } | undefined> {
    try {
      return await this.json('GET', `/repositories/${enc(repo)}/refs/${enc(ref)}/objects/stat`, { query: { path } });
    } catch (error) {
      if (error instanceof LakeFSError && error.status === 404) return undefined;
      throw error;
    }
  }

  listObjects(repo: string, ref: string, prefix = ''): Promise<{ path: string; size_bytes: number }[]> {
    return this.all(`/repositories/${enc(repo)}/refs/${enc(ref)}/objects/ls`, { prefix });
  }

  commit(repo: string, branch: string, message: string, metadata: Record<string, string> = {}): Promise<Commit> {
    return this.json<Commit>('POST', `/repositories/${enc(repo)}/branches/${enc(branch)}/commits`, {
      json: { message, metadata },
    });
  }

  async createTag(repo: string, id: string, ref: string): Promise<void> {
    await this.request('POST', `/repositories/${enc(repo)}/tags`, { json: { id, ref } });
  }
}
