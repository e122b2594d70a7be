// The Snowflake backend: a sandbox's data is a zero-copy clone of the production database
// (CREATE DATABASE ... CLONE), dropped on down. It cannot run on a machine without a Snowflake
// account, so its SQL and names are unit-tested against a recording executor; the connector is
// loaded only when a platform actually selects this backend.
import { CliError, EXIT } from '../errors.ts';
import type { DataChange, DataSandbox, SandboxBackend } from './backend.ts';

export interface SqlExecutor {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** A Snowflake identifier, always quoted (names are upper case already). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Where a Snowflake production lives, for messages. */
export const snowflakeProduction = (database: string): string => `snowflake database ${database}`;

export class SnowflakeBackend implements SandboxBackend {
  readonly kind = 'snowflake';

  constructor(
    private readonly sql: SqlExecutor,
    private readonly productionDatabase: string,
    private readonly protectedDatabases: string[] = [],
  ) {}

  describeProduction(): string {
    return snowflakeProduction(this.productionDatabase);
  }

  private guard(name: string): void {
    const protectedNames = [this.productionDatabase, ...this.protectedDatabases].map((n) => n.toUpperCase());
    if (protectedNames.includes(name.toUpperCase()))
      throw new CliError(`refusing to touch ${name}: it is the production database or a protected one`, EXIT.usage);
  }

  private async show(pattern: string): Promise<Record<string, unknown>[]> {
    // SHOW ... LIKE treats _ as a wildcard; the rows are filtered exactly below.
    return this.sql.query(`SHOW DATABASES LIKE ${quoteString(pattern)}`);
  }

  async get(name: string): Promise<DataSandbox | undefined> {
    const row = (await this.show(name)).find((r) => r.name === name);
    if (!row) return undefined;
    return { name, sourceRef: this.productionDatabase, sourceCommit: null, headCommit: null };
  }

  async checkSource(): Promise<void> {
    if (!(await this.show(this.productionDatabase)).some((r) => r.name === this.productionDatabase))
      throw new CliError(
        `Snowflake has no database ${this.productionDatabase} to clone; fix sandbox.production_ref in platform.yaml`,
        EXIT.failure,
      );
  }

  async create(name: string): Promise<{ sandbox: DataSandbox; created: boolean }> {
    this.guard(name);
    const existing = await this.get(name);
    if (existing) return { sandbox: existing, created: false };
    await this.sql.query(
      `CREATE DATABASE ${quoteIdent(name)} CLONE ${quoteIdent(this.productionDatabase)} COMMENT = ${quoteString(`pipeline sandbox of ${this.productionDatabase}`)}`,
    );
    return {
      sandbox: { name, sourceRef: this.productionDatabase, sourceCommit: null, headCommit: null },
      created: true,
    };
  }

  async list(prefix: string): Promise<string[]> {
    const upper = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    return (await this.show(`${upper}%`)).map((r) => String(r.name)).filter((n) => n.startsWith(upper));
  }

  /** Tables changed since the clone was made (Snowflake keeps no object-level diff). */
  async diff(sandbox: DataSandbox): Promise<DataChange[]> {
    const db = quoteIdent(sandbox.name);
    const rows = await this.sql.query(
      `SELECT t.table_schema, t.table_name, t.bytes FROM ${db}.INFORMATION_SCHEMA.TABLES t ` +
        `WHERE t.table_schema <> 'INFORMATION_SCHEMA' AND t.last_altered > (SELECT created FROM SNOWFLAKE.INFORMATION_SCHEMA.DATABASES WHERE database_name = ${quoteString(sandbox.name)}) ORDER BY 1, 2`,
    );
    return rows.map((r) => ({
      path: `${r.TABLE_SCHEMA}.${r.TABLE_NAME}`,
      change: 'changed',
      sizeBytes: r.BYTES === null || r.BYTES === undefined ? null : Number(r.BYTES),
      committed: true,
    }));
  }

  async uncommittedWrites(): Promise<DataChange[]> {
    return []; // Snowflake statements commit as they run.
  }

  async destroy(name: string): Promise<void> {
    this.guard(name);
    await this.sql.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }

  /** Snowflake statements commit as they run: nothing to do. */
  async commit(): Promise<null> {
    return null;
  }

  /** A clone keeps no link to production, so nothing is known to be unpromoted. */
  async unpromoted(): Promise<DataChange[]> {
    return [];
  }

  async productionChanges(): Promise<DataChange[]> {
    return [];
  }

  async baseCommit(): Promise<null> {
    return null;
  }

  async headMetadata(): Promise<Record<string, string>> {
    return {};
  }

  /** A clone cannot be merged: swapping it in replaces all of production, which is a decision for a person. */
  async promote(name: string): Promise<string> {
    throw new CliError(
      `promote is not supported by the snowflake backend: a clone cannot be merged into ${this.productionDatabase}; to replace production with the sandbox whole, run ALTER DATABASE ${quoteIdent(this.productionDatabase)} SWAP WITH ${quoteIdent(name)} yourself`,
      EXIT.usage,
    );
  }

  async refresh(name: string): Promise<string> {
    throw new CliError(
      `refresh is not supported by the snowflake backend: make a fresh clone with pipeline sandbox down and up (${quoteIdent(name)} is cloned from ${quoteIdent(this.productionDatabase)} again)`,
      EXIT.usage,
    );
  }

  async protection(): Promise<{ branch: string; protected: boolean }> {
    return { branch: this.productionDatabase, protected: true };
  }

  async protect(): Promise<boolean> {
    return false;
  }
}
