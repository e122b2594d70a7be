// lakeFS credentials come only from the environment or the lakectl config file, never from a
// file of ours: LAKEFS_ENDPOINT, LAKEFS_ACCESS_KEY_ID, LAKEFS_SECRET_ACCESS_KEY (the variables the
// generated pipelines read too), else ~/.lakectl.yaml (or $LAKECTL_CONFIG_FILE).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CliError, EXIT } from '../errors.ts';
import type { LakeFSCredentials } from './lakefs-client.ts';

export function lakefsCredentials(env: NodeJS.ProcessEnv = process.env): LakeFSCredentials {
  if (env.LAKEFS_ACCESS_KEY_ID && env.LAKEFS_SECRET_ACCESS_KEY) {
    return { endpoint: env.LAKEFS_ENDPOINT || 'http://127.0.0.1:8000', accessKeyId: env.LAKEFS_ACCESS_KEY_ID, secretAccessKey: env.LAKEFS_SECRET_ACCESS_KEY, source: 'the environment' };
  }
  const file = env.LAKECTL_CONFIG_FILE ?? join(env.HOME ?? homedir(), '.lakectl.yaml');
  if (existsSync(file)) {
    const config = (parse(readFileSync(file, 'utf8')) ?? {}) as { credentials?: { access_key_id?: string; secret_access_key?: string }; server?: { endpoint_url?: string } };
    const { access_key_id: accessKeyId, secret_access_key: secretAccessKey } = config.credentials ?? {};
    if (accessKeyId && secretAccessKey) {
      return { endpoint: env.LAKEFS_ENDPOINT || config.server?.endpoint_url || 'http://127.0.0.1:8000', accessKeyId, secretAccessKey, source: file };
    }
  }
  throw new CliError(`no lakeFS credentials: set LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY (and LAKEFS_ENDPOINT), or run lakectl config to write ${file}`, EXIT.usage);
}
