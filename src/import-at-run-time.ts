// import() of a module known only at run time: a platform's own codemods (a file), the
// snowflake-sdk package a platform installs itself. The `pipeline` bin runs its command as a
// script compiled with a V8 code cache (src/cli/cached-script.ts), and V8 gives such a script no
// way to import: the bin hands in its own import() (useImporter). From source (tests) it is this
// module's own.
export type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function useImporter(bins: Importer): void {
  importer = bins;
}

/** `specifier`: a package name, or a file's URL (pathToFileURL(path).href). */
export const importAtRunTime = <Module>(specifier: string): Promise<Module> => importer(specifier) as Promise<Module>;
