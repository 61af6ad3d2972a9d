/** "Did you mean" suggestions for misspelled names, by edit distance. */

/**
 * Optimal string alignment distance: Levenshtein plus adjacent transposition,
 * so "mian" is one edit from "main" the way a typist sees it.
 *
 * With `max`, any distance above it reads as max + 1, and only cells within
 * `max` of the diagonal are computed: O(length × max) time whatever the
 * strings, and memory for three rows either way.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const far = Math.min(max + 1, a.length + b.length + 1);
  const cols = b.length + 1;
  let before = new Array<number>(cols).fill(far);
  let prev = new Array<number>(cols).fill(far);
  let row = new Array<number>(cols).fill(far);
  for (let j = 0; j < cols && j <= max; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    // Cells just outside the band are read by this row and the next two; mark them unreachable.
    row[from - 1] = from === 1 ? Math.min(i, far) : far;
    if (to + 1 < cols) row[to + 1] = far;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] as number) + 1);
      row[j] = Math.min(best, far);
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length] as number;
}

/** The closest candidate to `word` (case-insensitive), or undefined when none is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  // Short words get one edit, longer ones two: "go" must not suggest "tags".
  const limit = lower.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "x"?` for the closest candidate, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closest(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
