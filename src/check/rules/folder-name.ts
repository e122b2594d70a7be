// A pipeline folder renamed by hand: its answers, its package (src/<name>) and its code location
// keep the old name, which every command and dg take from the folder. It still loads alone; a new
// pipeline of the old name is then a second code location of one name, and `dg check defs` at the
// root fails for every pipeline ("Cannot have multiple locations with the same name").
import { ANSWERS_FILE } from '../../../generators/pipeline/files.ts';
import { yamlLine } from '../model.ts';
import type { PipelineRule } from '../types.ts';

export const folderName: PipelineRule = {
  id: 'folder-name',
  scope: 'pipeline',
  severity: 'error',
  title: "A pipeline's folder is not named after the pipeline",
  why: "A pipeline's name is its folder, its package and its code location at once. A folder renamed by hand keeps the old name everywhere else: a new pipeline of that name makes two code locations of one name, and dg refuses the whole workspace.",
  fix: 'name the folder after the pipeline again (git mv), or make a pipeline of the new name and move the code into it',
  check(pipeline) {
    const named = pipeline.answers?.name;
    if (typeof named !== 'string' || named === pipeline.name) return [];
    return [
      {
        file: `${pipeline.rel}/${ANSWERS_FILE}`,
        line: yamlLine(pipeline.read(ANSWERS_FILE) ?? '', ['name']),
        message: `${pipeline.rel} holds the pipeline ${named} (its answers, and its package and code location with them): a pipeline named ${named} made later would be a second code location of that name, which dg refuses for the whole workspace`,
        fix: `git mv ${pipeline.rel} pipelines/${named}, then npx pipeline sync; for a pipeline named ${pipeline.name}, make it with npm init pipeline -- ${pipeline.name} and move the code into it`,
      },
    ];
  },
};
