// The Snowflake backend in the sandbox loop: commit is a no-op (statements commit as they run),
// promote and refresh are a clear "not supported" naming what to do instead, and none of them
// sends SQL that could touch production.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.ts';
import { SnowflakeBackend, type SqlExecutor } from '../../src/sandbox/snowflake.ts';

function recorder() {
  const statements: string[] = [];
  const sql: SqlExecutor = {
    async query(text) {
      statements.push(text);
      return [];
    },
  };
  return { sql, statements };
}

describe('snowflake backend, after up', () => {
  it('commit is a no-op and sends no SQL; nothing is ever unpromoted', async () => {
    const { sql, statements } = recorder();
    const backend = new SnowflakeBackend(sql, 'PROD');
    expect(await backend.commit()).toBeNull();
    expect(await backend.unpromoted()).toEqual([]);
    expect(statements).toEqual([]);
  });

  it('promote is not supported: exit 2, naming the SWAP a person would run, and no SQL sent', async () => {
    const { sql, statements } = recorder();
    const promote = new SnowflakeBackend(sql, 'PROD').promote('SBX_FEATURE_X_ABC123');
    await expect(promote).rejects.toBeInstanceOf(CliError);
    await expect(promote).rejects.toMatchObject({
      exitCode: 2,
      message:
        'promote is not supported by the snowflake backend: a clone cannot be merged into PROD; to replace production with the sandbox whole, run ALTER DATABASE "PROD" SWAP WITH "SBX_FEATURE_X_ABC123" yourself',
    });
    expect(statements).toEqual([]);
  });

  it('refresh is not supported: down and up make a fresh clone', async () => {
    const { sql, statements } = recorder();
    await expect(new SnowflakeBackend(sql, 'PROD').refresh('SBX_X')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^refresh is not supported by the snowflake backend: make a fresh clone with pipeline sandbox down and up/,
      ),
    });
    expect(statements).toEqual([]);
  });
});
