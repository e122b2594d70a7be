// The pipeline generator (Yeoman): writes pipelines/<name>/ into Yeoman's in-memory file system,
// and nothing else: the workspace, compose and CI lists are derived from the folder listing by
// `pipeline sync` (generators/platform/derived.ts). Nothing reaches disk here: the caller plans,
// checks, then writes everything at once (src/tree/plan.ts).
import Generator from 'yeoman-generator';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { pipelineFiles } from './files.ts';
import type { PipelineSpec } from './spec.ts';

export interface PipelineGeneratorOptions {
  spec: PipelineSpec;
  platform: PlatformConfig;
}

export default class PipelineGenerator extends Generator {
  declare options: Generator['options'] & PipelineGeneratorOptions;

  constructor(args: string[], options: Generator['options'] & PipelineGeneratorOptions) {
    super(args, options, { customCommitTask: true, customInstallTask: true, skipParseOptions: true });
  }

  writing(): void {
    const { spec, platform } = this.options;
    const name = spec.answers.name;
    for (const file of pipelineFiles(spec, platform)) {
      this.fs.write(this.destinationPath('pipelines', name, file.path), file.content);
    }
  }
}
