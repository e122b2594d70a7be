// The order files are listed in (plans, reports, derived files): the order of `localeCompare` in
// ICU's root collation, without asking ICU, whose collator costs a generation about a quarter of
// Node's own start (and 3 MiB) the first time it is used. For the characters paths are made of
// here (ASCII letters, digits, `_ - . /`): letters compare without case first (`_ - . /`, then
// digits, then letters), then the first difference in case decides, lowercase first. Any other
// character: localeCompare itself.
const PRIMARY = '_-./0123456789abcdefghijklmnopqrstuvwxyz';
const SIMPLE = /^[A-Za-z0-9_./-]*$/;

export function comparePaths(a: string, b: string): number {
  if (!SIMPLE.test(a) || !SIMPLE.test(b)) return a.localeCompare(b);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = PRIMARY.indexOf(a[i]!.toLowerCase());
    const y = PRIMARY.indexOf(b[i]!.toLowerCase());
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] === a[i]!.toLowerCase() ? -1 : 1;
  return 0;
}
