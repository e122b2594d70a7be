// YAML files people edit by hand and git merges (platform.yaml, a pipeline's
// .pipeline-answers.yaml), read as values: one that does not parse (a typo, a merge's conflict
// markers) is one line naming the file, where, and the fix, exit 2; never an internal error.
import { parse } from 'yaml';
import { ConfigError } from '../errors.ts';

/**
 * `text`, the contents of `file` (as the user should find it), parsed; a ConfigError when it is not
 * YAML. `settle`: what resolves a merge conflict in this file, when a command does.
 */
export function parseYamlFile(text: string, file: string, settle?: (file: string) => string): unknown {
  try {
    return parse(text);
  } catch (error) {
    const why = (error as Error).message.split('\n')[0]!.replace(/:$/, '');
    const fix = /^<{7}( |$)/m.test(text)
      ? `${settle?.(file) ?? "resolve git's merge conflict in it (the <<<<<<< markers)"}, then run again`
      : 'fix the syntax';
    throw new ConfigError(file, '(file)', `is not valid YAML (${why}); ${fix}`);
  }
}
