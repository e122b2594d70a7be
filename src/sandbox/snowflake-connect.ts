// A Snowflake SQL executor from the snowflake-sdk package, which a platform that picks the
// snowflake backend installs itself. Credentials come from the environment only. Not exercised
// here: this machine has no Snowflake account (the backend's SQL is unit-tested instead).
import { CliError, EXIT } from '../errors.ts';
import { importAtRunTime } from '../import-at-run-time.ts';
import type { SqlExecutor } from './snowflake.ts';

export async function connectSnowflake(env: NodeJS.ProcessEnv = process.env): Promise<SqlExecutor> {
  const missing = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_PASSWORD'].filter((k) => !env[k]);
  if (missing.length)
    throw new CliError(`the snowflake sandbox backend needs ${missing.join(', ')} in the environment`, EXIT.usage);
  let sdk: {
    createConnection: (o: object) => {
      connect: (cb: (e?: Error) => void) => void;
      execute: (o: {
        sqlText: string;
        complete: (e: Error | undefined, s: unknown, rows?: Record<string, unknown>[]) => void;
      }) => void;
    };
  };
  try {
    sdk = (await importAtRunTime<{ default: typeof sdk }>('snowflake-sdk')).default;
  } catch {
    throw new CliError(
      'the snowflake sandbox backend needs the snowflake-sdk package; run npm install snowflake-sdk in the platform repo',
      EXIT.usage,
    );
  }
  const connection = sdk.createConnection({
    account: env.SNOWFLAKE_ACCOUNT,
    username: env.SNOWFLAKE_USER,
    password: env.SNOWFLAKE_PASSWORD,
    role: env.SNOWFLAKE_ROLE,
    warehouse: env.SNOWFLAKE_WAREHOUSE,
  });
  await new Promise<void>((resolve, reject) =>
    connection.connect((error) =>
      error ? reject(new CliError(`cannot connect to Snowflake: ${error.message}`, EXIT.failure)) : resolve(),
    ),
  );
  return {
    query: (sqlText) =>
      new Promise((resolve, reject) =>
        connection.execute({
          sqlText,
          complete: (error, _stmt, rows) =>
            error ? reject(new CliError(`Snowflake: ${error.message}`, EXIT.failure)) : resolve(rows ?? []),
        }),
      ),
  };
}
