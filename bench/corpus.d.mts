export function makeCorpus(dir: string, pipelines?: number): void;
