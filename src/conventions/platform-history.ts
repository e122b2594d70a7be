// The platform.yaml a pipeline's platform-owned files may have been rendered from: each version on
// HEAD's history (newest first), read from git in two calls and kept for the process (per platform.yaml on disk). A file
// that is exactly what one of them renders is stale, not edited: `pipeline upgrade` may render it
// again from today's platform.yaml without losing anyone's work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { gitVersionsOf } from '../git.ts';
import { checkPlatformConfig, PLATFORM_FILE, type PlatformConfig } from './platform-config.ts';

export interface PastPlatform {
  /** The commit that holds this platform.yaml. */
  commit: string;
  config: PlatformConfig;
}

/** How far back to look: a pipeline rendered before the last 50 changes is rare and still reported. */
const MAX_VERSIONS = 50;
const memo = new Map<string, PastPlatform[]>();

/**
 * The platform.yaml versions committed on HEAD's history that differ from the one on disk, newest
 * first; one that today's schema refuses is left out. Empty outside a git repository.
 */
export function pastPlatforms(root: string): PastPlatform[] {
  let current: string | undefined;
  try {
    current = readFileSync(join(root, PLATFORM_FILE), 'utf8');
  } catch {
    current = undefined;
  }
  const key = `${root}\0${current}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const seen = new Set([current]);
  const past: PastPlatform[] = [];
  for (const { commit, text } of gitVersionsOf(root, PLATFORM_FILE, MAX_VERSIONS)) {
    if (seen.has(text)) continue;
    seen.add(text);
    try {
      past.push({ commit, config: checkPlatformConfig(parse(text)) });
    } catch {
      // Not a platform.yaml today's CLI reads: nothing it renders can be compared with it.
    }
  }
  memo.set(key, past);
  return past;
}
