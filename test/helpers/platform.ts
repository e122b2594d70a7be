// The platform config most unit tests start from (as create-pipeline --platform makes it for the
// acme platform), with what a test needs otherwise given as overrides.
import { defaultPlatformConfig } from '../../src/conventions/defaults.ts';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';

export const acmePlatform = (overrides: Partial<Parameters<typeof defaultPlatformConfig>[0]> = {}): PlatformConfig =>
  defaultPlatformConfig({
    name: 'acme',
    timezone: 'UTC',
    owners: ['analytics'],
    lakefsRepository: 'data',
    productionRef: 'main',
    ...overrides,
  });
