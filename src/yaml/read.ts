// YAML files people edit by hand and git merges (platform.yaml, a pipeline's
// .pipeline-answers.yaml), read as values: one that does not parse (a typo, a merge's conflict
// markers) is one line naming the file, where, and the fix, exit 2; never an internal error.
import { parse } from 'yaml';
import { ConfigError } from '../errors.ts';
import { cachedValue } from './value-cache.ts';

/** The first line of the yaml package's error message, without the colon that introduces its excerpt. */
export const yamlErrorLine = (message: string): string => message.split('\n')[0]!.replace(/:$/, '');

/** Whether a text holds git's conflict markers (a `<<<<<<<` line): a merge left it unresolved. */
export const hasConflictMarkers = (text: string | undefined): boolean => text !== undefined && /^<{7}( |$)/m.test(text);

/**
 * `text`, the contents of `file` (as the user should find it), parsed; a ConfigError when it is not
 * YAML. `settle`: what resolves a merge conflict in this file, when a command does.
 */
export function parseYamlFile(text: string, file: string, settle?: (file: string) => string): unknown {
  try {
    return cachedValue('yaml', text, parse);
  } catch (error) {
    const why = yamlErrorLine((error as Error).message);
    const fix = hasConflictMarkers(text)
      ? `${settle?.(file) ?? "resolve git's merge conflict in it (the <<<<<<< markers)"}, then run again`
      : 'fix the syntax';
    throw new ConfigError(file, '(file)', `is not valid YAML (${why}); ${fix}`);
  }
}

/** A YAML text's mapping, or undefined when there is no text, it does not parse, or it holds something else. */
export function yamlMapping(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = text === undefined ? undefined : (parse(text) as unknown);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
