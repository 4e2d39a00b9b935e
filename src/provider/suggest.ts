import fuzzysort from 'fuzzysort';

/**
 * Up to three ids close to `query`, for "did you mean" hints: ids that contain its characters in
 * order (`gpt5` → `gpt-5`), then ids a few typos away (`claude-sonet-4-5`, `fake-modle`).
 */
export function suggestIds(query: string, candidates: readonly string[], limit = 3): string[] {
  if (!query) return candidates.slice(0, limit);
  const ordered = fuzzysort.go(query, candidates, { limit }).map((result) => result.target);
  const needle = query.toLowerCase();
  const allowed = Math.max(2, Math.floor(needle.length / 3));
  const typos = candidates
    .map((candidate) => ({ candidate, distance: editDistance(needle, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= allowed)
    .sort((a, b) => a.distance - b.distance)
    .map(({ candidate }) => candidate);
  return [...new Set([...ordered, ...typos])].slice(0, limit);
}

/** Levenshtein distance (insertions, deletions, substitutions), two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
