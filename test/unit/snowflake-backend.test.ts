// The Snowflake backend cannot run here (no Snowflake account): its SQL and names are checked
// against a recording executor that answers SHOW DATABASES like Snowflake does.
import { describe, expect, it } from 'vitest';
import { SnowflakeBackend, type SqlExecutor } from '../../src/sandbox/snowflake.ts';

function recorder(databases: string[] = ['PROD']) {
  const statements: string[] = [];
  const existing = new Set(databases);
  const sql: SqlExecutor = {
    async query(text) {
      statements.push(text);
      const show = /^SHOW DATABASES LIKE '(.*)'$/.exec(text);
      if (show) {
        const pattern = new RegExp(`^${show[1]!.replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
        return [...existing].filter((d) => pattern.test(d)).map((name) => ({ name }));
      }
      const create = /^CREATE DATABASE "([^"]+)" CLONE/.exec(text);
      if (create) existing.add(create[1]!);
      const drop = /^DROP DATABASE IF EXISTS "([^"]+)"/.exec(text);
      if (drop) existing.delete(drop[1]!);
      return [];
    },
  };
  return { sql, statements, existing };
}

describe('the Snowflake clone backend', () => {
  it('clones the production database zero-copy on up, once', async () => {
    const { sql, statements } = recorder();
    const backend = new SnowflakeBackend(sql, 'PROD');
    expect((await backend.create('SBX_FEATURE_X_1A2B3C')).created).toBe(true);
    expect((await backend.create('SBX_FEATURE_X_1A2B3C')).created).toBe(false);
    expect(statements.filter((s) => s.startsWith('CREATE'))).toEqual([
      `CREATE DATABASE "SBX_FEATURE_X_1A2B3C" CLONE "PROD" COMMENT = 'pipeline sandbox of PROD'`,
    ]);
  });

  it('drops the clone on down, and never the production or a protected database', async () => {
    const { sql, statements, existing } = recorder(['PROD', 'PROD_BACKUP', 'SBX_A_000000']);
    const backend = new SnowflakeBackend(sql, 'PROD', ['PROD_BACKUP']);
    await backend.destroy('SBX_A_000000');
    expect(statements.at(-1)).toBe('DROP DATABASE IF EXISTS "SBX_A_000000"');
    await expect(backend.destroy('PROD')).rejects.toThrow(/refusing to touch PROD: it is the production database/);
    await expect(backend.destroy('prod_backup')).rejects.toThrow(/refusing to touch/);
    await expect(backend.create('PROD')).rejects.toThrow(/refusing to touch/);
    expect(existing).toEqual(new Set(['PROD', 'PROD_BACKUP']));
  });

  it('lists only the sandboxes with the prefix, matching names exactly', async () => {
    const { sql } = recorder(['PROD', 'SBX_A_000000', 'SBXB', 'SBX_B_111111']);
    expect(await new SnowflakeBackend(sql, 'PROD').list('sbx-')).toEqual(['SBX_A_000000', 'SBX_B_111111']);
  });

  it('quotes identifiers, so a name cannot inject SQL', async () => {
    const { sql, statements } = recorder();
    await new SnowflakeBackend(sql, 'PROD').create('SBX_"; DROP DATABASE PROD; --');
    expect(statements.at(-1)).toBe(
      `CREATE DATABASE "SBX_""; DROP DATABASE PROD; --" CLONE "PROD" COMMENT = 'pipeline sandbox of PROD'`,
    );
  });
});
