// Every template below templates/, precompiled by Handlebars: the build (scripts/build.mjs)
// replaces this module with one that holds them, so that the bundle ships only the Handlebars
// runtime and compiles nothing at run time. From source (tests, tsx) there are none, and
// templates.ts compiles each template the first time it renders it.
export interface Precompiled {
  /** templateKey(source text) -> its precompiled specification. */
  templates: Map<string, TemplateSpecification>;
  /** Partial name (path below templates/partials, without .hbs) -> its precompiled specification. */
  partials: Record<string, TemplateSpecification>;
  /**
   * Every file below templates/ at the build (POSIX paths, in the order `walk` lists them), and for
   * each template (`.hbs`) its key in `templates`: a generation neither lists the folders nor reads
   * and hashes its templates.
   */
  files: Record<string, string | null>;
}

export const PRECOMPILED: Precompiled | undefined = undefined;

/**
 * A template's key (textKey: its length and two hashes), so that the bundle does not carry every
 * template's text a second time. The build replaces this module with one that exports
 * scripts/build.mjs's own copy of the function, the one that made the keys.
 */
export { textKey as templateKey } from '../text-key.ts';
