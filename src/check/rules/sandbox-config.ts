// platform.yaml's sandbox section missing or invalid: `pipeline sandbox` cannot make a branch, and
// sandbox mode could be pointed at production.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_FILE } from '../../conventions/platform-config.ts';
import { yamlLine } from '../model.ts';
import type { PlatformRule, RawFinding } from '../types.ts';

export const sandboxConfig: PlatformRule = {
  id: 'sandbox-config',
  scope: 'platform',
  severity: 'error',
  title: "platform.yaml's sandbox section is missing or invalid",
  why: 'Sandboxes branch production data from sandbox.production_ref in sandbox.repository; without a valid section `pipeline sandbox up` fails, and a production ref that is not protected could be written by a sandbox.',
  fix: 'fix the sandbox section of platform.yaml (see docs/platform-config.md)',
  check(ctx) {
    const findings: RawFinding[] = ctx.platformProblems.map((p) => ({
      file: PLATFORM_FILE,
      line: p.line,
      message: `sandbox config: ${p.message}`,
    }));
    const { productionRef, protectedBranches } = ctx.platform.sandbox;
    if (findings.length === 0 && !protectedBranches.includes(productionRef)) {
      const text = readFileSync(join(ctx.root, PLATFORM_FILE), 'utf8');
      findings.push({
        file: PLATFORM_FILE,
        line: yamlLine(text, ['sandbox', 'protected_branches']),
        message: `sandbox.production_ref ${JSON.stringify(productionRef)} is not in sandbox.protected_branches: sandbox mode would not refuse it`,
        fix: `add ${productionRef} to sandbox.protected_branches`,
      });
    }
    return findings;
  },
};
