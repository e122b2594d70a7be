// Counting words in messages: "1 pipeline", "3 pipelines".

/** `word`, with an s unless there is exactly one. */
export const plural = (n: number, word: string): string => (n === 1 ? word : `${word}s`);

/** `n word(s)`: "1 file", "0 files", "2 files". */
export const counted = (n: number, word: string): string => `${n} ${plural(n, word)}`;

/** `name`'s, or `name`' for a name ending in s (`orders' deployments`). */
export const possessive = (name: string): string => (name.endsWith('s') ? `${name}'` : `${name}'s`);
