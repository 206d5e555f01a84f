// Which of a mode's starting threads can take the first word of a line. Global config starts
// dozens of them, and stepping them all for every line was much of the cost of loading a long
// config. A thread whose first token is a keyword can only take a word that abbreviates it, so
// threads are grouped by that keyword (lowercase, as IOS matches case-insensitively) and a
// word finds its groups by binary search: the keywords it abbreviates sit together in sorted
// order. Threads starting with anything else (an argument, an interface) are always tried.
// The result is a superset of the threads the word matches, in their original order, so the
// engine's choice between them — and every error it reports — is what a full scan gives.

export class FirstWordIndex<T> {
  /** Distinct first keywords, lowercase, sorted by UTF-16 code unit (as `<` compares). */
  private readonly keywords: string[];
  /** Per keyword, the positions of its threads, ascending. */
  private readonly positions = new Map<string, number[]>();
  /** The answer for each range of `keywords` a word has abbreviated, with `others` merged in. */
  private readonly merged = new Map<number, readonly T[]>();
  /** Positions of the threads not starting with a keyword. */
  private readonly others: number[] = [];

  constructor(
    private readonly items: readonly T[],
    keywordOf: (item: T) => string | undefined,
  ) {
    items.forEach((item, i) => {
      const k = keywordOf(item)?.toLowerCase();
      if (k === undefined) {
        this.others.push(i);
        return;
      }
      const list = this.positions.get(k);
      if (list) list.push(i);
      else this.positions.set(k, [i]);
    });
    this.keywords = [...this.positions.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The threads that may take `word`: every one whose keyword it abbreviates (or equals),
   * and every one that does not start with a keyword, in the order they were given. */
  candidates(word: string): readonly T[] {
    const w = word.toLowerCase();
    let lo = 0;
    let hi = this.keywords.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keywords[mid] < w) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.keywords.length && this.keywords[end].startsWith(w)) end++;
    // Few distinct ranges ever occur ("ip" abbreviates ip and ipv6), so each is merged once.
    const range = lo * (this.keywords.length + 1) + end;
    let picked = this.merged.get(range);
    if (picked === undefined) {
      const positions = [...this.others];
      for (let i = lo; i < end; i++) positions.push(...(this.positions.get(this.keywords[i]) as number[]));
      positions.sort((a, b) => a - b);
      picked = positions.map((i) => this.items[i]);
      this.merged.set(range, picked);
    }
    return picked;
  }
}
