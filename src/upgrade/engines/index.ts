// The editing engines a codemod gets in its context, so a platform's own codemods need no
// runtime import of this package: ctx.engines.python.edit(tree, path, root => edits), ...
import { editPython, parsePython } from './python.ts';
import { editYamlSource, insertLineAfter, replaceScalar, topLevelPair } from './yaml.ts';

export const ENGINES = {
  python: { edit: editPython, parse: parsePython },
  yaml: { edit: editYamlSource, insertLineAfter, replaceScalar, topLevelPair },
};
export type Engines = typeof ENGINES;
