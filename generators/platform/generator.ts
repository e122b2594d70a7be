// The platform generator (Yeoman): writes a new platform repo's files into Yeoman's in-memory
// file system; the caller writes them to disk once everything is ready.
import Generator from 'yeoman-generator';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { platformFiles } from './files.ts';

export interface PlatformGeneratorOptions {
  platform: PlatformConfig;
}

export default class PlatformGenerator extends Generator {
  declare options: Generator['options'] & PlatformGeneratorOptions;

  constructor(args: string[], options: Generator['options'] & PlatformGeneratorOptions) {
    super(args, options, { customCommitTask: true, customInstallTask: true, skipParseOptions: true });
  }

  writing(): void {
    for (const file of platformFiles(this.options.platform)) {
      this.fs.write(this.destinationPath(file.path), file.content);
    }
  }
}
