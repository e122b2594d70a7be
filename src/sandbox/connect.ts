// Which data backend a platform's sandboxes use, connected with the credentials the CLI resolves
// (environment, then the sandbox's env file for the endpoint).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformConfig } from '../conventions/platform-config.ts';
import type { SandboxBackend } from './backend.ts';
import { lakefsCredentials } from './credentials.ts';
import { LakeFSBackend } from './lakefs.ts';
import { LakeFSClient, type LakeFSCredentials } from './lakefs-client.ts';
import { SANDBOXES_DIR } from './sandbox.ts';

/** LAKEFS_ENDPOINT from a sandbox's env file: the last place the endpoint is looked for. */
export function envFileEndpoint(root: string, name: string | undefined): string | undefined {
  const file = name ? join(root, SANDBOXES_DIR, name, 'sandbox.env') : undefined;
  if (!file || !existsSync(file)) return undefined;
  return /^LAKEFS_ENDPOINT=(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
}

export async function backendFor(
  platform: PlatformConfig,
  fallbackEndpoint?: string,
): Promise<{ backend: SandboxBackend; credentials: LakeFSCredentials | null }> {
  if (platform.sandbox.backend === 'snowflake') {
    const { connectSnowflake } = await import('./snowflake-connect.ts');
    const { SnowflakeBackend } = await import('./snowflake.ts');
    return {
      backend: new SnowflakeBackend(
        await connectSnowflake(),
        platform.sandbox.productionRef,
        platform.sandbox.protectedBranches,
      ),
      credentials: null,
    };
  }
  const credentials = lakefsCredentials(process.env, fallbackEndpoint);
  const { repository, productionRef, productionBranch } = platform.sandbox;
  return {
    backend: new LakeFSBackend(new LakeFSClient(credentials), repository, productionRef, productionBranch),
    credentials,
  };
}
