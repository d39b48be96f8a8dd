/** Comparisons of word lists, position by position, that the matcher's tiers are built from. */

export function equal(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

/** Whether `needle` occurs as consecutive whole words in `hay`. */
export function containsRun(hay: string[], needle: string[]): boolean {
  return runs(hay, needle, (h, n) => h === n);
}

/** Whether each word of `needle` starts consecutive words of `hay`. */
export function prefixRun(hay: string[], needle: string[]): boolean {
  return runs(hay, needle, (h, n) => h.startsWith(n));
}

function runs(hay: string[], needle: string[], same: (h: string, n: string) => boolean): boolean {
  if (!needle.length || needle.length > hay.length) return false;
  for (let start = 0; start + needle.length <= hay.length; start++) {
    if (needle.every((n, i) => same(hay[start + i]!, n))) return true;
  }
  return false;
}

/** "exchangeadmin" starts "exchange administrator"; also from a later word ("helpdeskadmins" in "rag ..."). */
export function compactPrefix(hay: string[], compact: string): boolean {
  for (let start = 0; start < hay.length; start++) {
    if (hay.slice(start).join('').startsWith(compact)) return true;
  }
  return false;
}
