// A short key for a text: its length and two 32-bit hashes of it (FNV-1a and djb2). Keys the
// precompiled templates (the build keeps its own copy, scripts/build.mjs) and the cached values of
// parsed files (src/yaml/value-cache.ts); two texts of one key would need both hashes to collide at
// one length.

export function textKey(text: string): string {
  let fnv = 0x811c9dc5;
  let djb = 5381;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    djb = (Math.imul(djb, 33) + c) | 0;
  }
  return `${text.length}:${(fnv >>> 0).toString(36)}:${(djb >>> 0).toString(36)}`;
}
