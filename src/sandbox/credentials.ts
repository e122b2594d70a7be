// lakeFS credentials, one story for the CLI and the pipelines it runs. They come from, in this
// order: the environment (LAKEFS_ENDPOINT, LAKEFS_ACCESS_KEY_ID, LAKEFS_SECRET_ACCESS_KEY, the
// variables the generated pipelines read), else lakectl's config file (~/.lakectl.yaml or
// $LAKECTL_CONFIG_FILE); the endpoint alone may also come from a sandbox's env file. Never from a
// file of ours. The endpoint is checked and normalised here, once: lakectl's `.../api/v1` style
// becomes the server's address, which is what `pipeline sandbox run` passes on to the pipeline.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CliError, EXIT, InputError } from '../errors.ts';
import { type LakeFSCredentials, normaliseEndpoint } from './lakefs-client.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8000';

/** An endpoint with an http(s) scheme and a host, without a trailing slash or /api/v1; else a one-line error. */
export function checkEndpoint(endpoint: string, from: string): string {
  const normal = normaliseEndpoint(endpoint);
  let url: URL | undefined;
  try {
    url = new URL(normal);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.host) {
    throw new InputError(
      `the lakeFS endpoint ${JSON.stringify(endpoint)} (from ${from}) is not an http(s) URL; write it with its scheme, e.g. http://${endpoint.replace(/^\w+:\/\//, '') || '127.0.0.1:8000'}`,
    );
  }
  return normal;
}

interface LakectlConfig {
  credentials?: { access_key_id?: string; secret_access_key?: string };
  server?: { endpoint_url?: string };
}

function readLakectl(file: string): LakectlConfig | undefined {
  if (!existsSync(file)) return undefined;
  let config: unknown;
  try {
    config = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    throw new InputError(`${file} is not valid YAML (${first}); fix it, or run lakectl config to rewrite it`);
  }
  if (config === null || config === undefined) return {};
  if (typeof config !== 'object' || Array.isArray(config))
    throw new InputError(
      `${file} is not a lakectl config (expected credentials: and server: keys); run lakectl config to rewrite it`,
    );
  return config as LakectlConfig;
}

/**
 * The credentials: the environment, else the lakectl config file. `fallbackEndpoint` (a sandbox's
 * env file) is used only when neither names an endpoint.
 */
export function lakefsCredentials(env: NodeJS.ProcessEnv = process.env, fallbackEndpoint?: string): LakeFSCredentials {
  const file = env.LAKECTL_CONFIG_FILE || join(env.HOME || homedir(), '.lakectl.yaml');
  if (env.LAKEFS_ACCESS_KEY_ID && env.LAKEFS_SECRET_ACCESS_KEY) {
    const [endpoint, from] = env.LAKEFS_ENDPOINT
      ? [env.LAKEFS_ENDPOINT, 'LAKEFS_ENDPOINT']
      : fallbackEndpoint
        ? [fallbackEndpoint, "the sandbox's env file"]
        : [DEFAULT_ENDPOINT, 'the default'];
    return {
      endpoint: checkEndpoint(endpoint, from),
      accessKeyId: env.LAKEFS_ACCESS_KEY_ID,
      secretAccessKey: env.LAKEFS_SECRET_ACCESS_KEY,
      source: 'the environment',
    };
  }
  const config = readLakectl(file);
  const { access_key_id: accessKeyId, secret_access_key: secretAccessKey } = config?.credentials ?? {};
  if (accessKeyId && secretAccessKey) {
    const fromFile = config?.server?.endpoint_url;
    const [endpoint, from] = env.LAKEFS_ENDPOINT
      ? [env.LAKEFS_ENDPOINT, 'LAKEFS_ENDPOINT']
      : fromFile
        ? [String(fromFile), `server.endpoint_url in ${file}`]
        : fallbackEndpoint
          ? [fallbackEndpoint, "the sandbox's env file"]
          : [DEFAULT_ENDPOINT, 'the default'];
    return {
      endpoint: checkEndpoint(endpoint, from),
      accessKeyId: String(accessKeyId),
      secretAccessKey: String(secretAccessKey),
      source: file,
    };
  }
  throw new CliError(
    `no lakeFS credentials: set LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY (and LAKEFS_ENDPOINT), or run lakectl config to write ${file}`,
    EXIT.usage,
  );
}

/** The variables a pipeline process reads, from the resolved credentials. */
export const lakefsEnv = (c: LakeFSCredentials): Record<string, string> => ({
  LAKEFS_ENDPOINT: c.endpoint,
  LAKEFS_ACCESS_KEY_ID: c.accessKeyId,
  LAKEFS_SECRET_ACCESS_KEY: c.secretAccessKey,
});
