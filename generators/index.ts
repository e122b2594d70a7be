// The generators this package ships, by name. Each is a folder: its Yeoman generator, its
// questions (options.ts), and the functions that compute its files.
export const GENERATORS = {
  platform: () => import('./platform/generator.ts'),
  pipeline: () => import('./pipeline/generator.ts'),
} as const;

export type GeneratorName = keyof typeof GENERATORS;
