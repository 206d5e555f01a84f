// Property: the first-word index never hides a command the first word could start. For every
// mode of the configuration grammar, the threads it offers for a word include every starting
// thread whose token matches that word, in declaration order — so matching a line through the
// index chooses, and reports errors, exactly as trying every command of the mode would.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configGrammar } from "../commands/index";
import { KITCHEN_SINK } from "../testdata/kitchen-sink";
import { SEED_CONFIGS } from "../testdata/seed-lab";
import { FirstWordIndex } from "./first-word";
import { closure, type TokNode } from "./nfa";
import { keywordOf, matchToken } from "./tokens";

const grammar = configGrammar();

/** Every mode's starting token nodes, in the order the engine tries them. */
const starts = new Map(
  grammar.modes().map((mode) => {
    const nodes: TokNode[] = [];
    for (const c of grammar.entries(mode)) {
      for (const s of closure(c.nfa, [c.nfa.start], [])) {
        const n = c.nfa.nodes[s.node];
        if (n.kind === "tok") nodes.push(n);
      }
    }
    return [mode, nodes];
  }),
);

const indexes = new Map([...starts].map(([mode, nodes]) => [mode, new FirstWordIndex(nodes, (n) => keywordOf(n.token))]));

function matches(n: TokNode, word: string): boolean {
  return matchToken(n.token, word, word).kind !== "none";
}

/** What the index offers must hold every match, and keep the full list's order. */
function check(mode: string, word: string): void {
  const all = starts.get(mode) ?? [];
  const offered = indexes.get(mode)?.candidates(word) ?? [];
  expect(offered.filter((n) => matches(n, word))).toEqual(all.filter((n) => matches(n, word)));
  const positions = offered.map((n) => all.indexOf(n));
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

const seedWords = [...new Set([...Object.values(SEED_CONFIGS), KITCHEN_SINK].flatMap((text) => text.split("\n").map((line) => line.trim().split(/\s+/)[0]).filter((w) => w !== "")))];

describe("first-word index", () => {
  it("offers every command the first word of a seed-config line can start, in every mode", () => {
    for (const mode of starts.keys()) {
      for (const word of seedWords) {
        check(mode, word);
        check(mode, word.toUpperCase());
        for (let len = 1; len < word.length; len++) check(mode, word.slice(0, len));
      }
    }
  });

  it("offers every command any word can start: abbreviations, other case, interfaces, numbers, noise", () => {
    const word = fc.oneof(
      fc.constantFrom(...seedWords).chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => w.slice(0, n))),
      fc.constantFrom(...seedWords).map((w) => w.toUpperCase()),
      fc.constantFrom("e0/0", "Lo1", "Null0", "tu5", "Virtual-Template1", "v", "10.0.0.1", "65000:1", "42", "0", "-1"),
      fc.string({ minLength: 1, maxLength: 8 }).filter((w) => !/\s/.test(w)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...starts.keys()), word, (mode, w) => {
        check(mode, w);
      }),
      { numRuns: 2000 },
    );
  });
});
