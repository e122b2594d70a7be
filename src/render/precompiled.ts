// Every template below templates/, precompiled by Handlebars: the build (scripts/build.mjs)
// replaces this module with one that holds them, so that the bundle ships only the Handlebars
// runtime and compiles nothing at run time. From source (tests, tsx) there are none, and
// templates.ts compiles each template the first time it renders it.
export interface Precompiled {
  /** templateKey(source text) -> its precompiled specification. */
  templates: Map<string, TemplateSpecification>;
  /** Partial name (path below templates/partials, without .hbs) -> its precompiled specification. */
  partials: Record<string, TemplateSpecification>;
}

export const PRECOMPILED: Precompiled | undefined = undefined;

/**
 * A template's key: its length and two 32-bit hashes of its text (FNV-1a and djb2), so that the
 * bundle does not carry every template's text a second time. The build replaces this module with
 * one that exports scripts/build.mjs's own copy of this function, the one that made the keys.
 */
export function templateKey(source: string): string {
  let fnv = 0x811c9dc5;
  let djb = 5381;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    djb = (Math.imul(djb, 33) + c) | 0;
  }
  return `${source.length}:${(fnv >>> 0).toString(36)}:${(djb >>> 0).toString(36)}`;
}
