import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Ipv4, Prefix } from "../wire/addr";
import { NextHopIndex, type NextHopPair } from "./next-hop-index";

/** An owner as the RIB is one: each state records its next hops' pairs, then tells the index
 * the difference. */
class State {
  recursive: NextHopPair = [];
  constructor(readonly id: number) {}
}

function prefix(addr: number, len: number): Prefix {
  return { addr: addr as Ipv4, len };
}

function uses(s: State, pair: NextHopPair): boolean {
  for (let i = 0; i < s.recursive.length; i += 2) if (s.recursive[i] === pair[0] && s.recursive[i + 1] === pair[1]) return true;
  return false;
}

function setNextHops(index: NextHopIndex<State>, s: State, addresses: readonly number[]): void {
  const old = s.recursive;
  const now = addresses.flatMap((a) => ["", a]);
  s.recursive = now;
  for (let i = 0; i < old.length; i += 2) if (!uses(s, [old[i], old[i + 1]])) index.delete(old[i + 1] as number);
  const before = new State(-1);
  before.recursive = old;
  for (let i = 0; i < now.length; i += 2) if (!uses(before, [now[i], now[i + 1]])) index.add(now[i + 1] as number, s);
}

describe("NextHopIndex", () => {
  it("finds the states through the next hops a prefix covers, in the order the addresses were first seen", () => {
    const index = new NextHopIndex<State>("", uses);
    const [a, b, c] = [new State(1), new State(2), new State(3)];
    setNextHops(index, a, [0x0a000102]);
    setNextHops(index, b, [0x0a000101]);
    setNextHops(index, c, [0x0b000001]);
    expect(index.within(prefix(0x0a000100, 24))?.map((list) => list.map((s) => s.id))).toEqual([[1], [2]]);
    expect(index.within(prefix(0x0c000000, 8))).toBeUndefined();
    expect(index.pair(0x0a000102)).toEqual(["", 0x0a000102]);
    expect(index.pair(0x0a000102)).toBe(index.pair(0x0a000102));
  });

  it("keeps a full table's states through one next hop in bounded lists, through growth and compaction", () => {
    const index = new NextHopIndex<State>("", uses);
    const states = Array.from({ length: 10_000 }, (_, i) => new State(i));
    for (const s of states) setNextHops(index, s, [0x0a000001]);
    const lists = index.within(prefix(0x0a000000, 24)) ?? [];
    expect(lists.length).toBeGreaterThan(1);
    for (const list of lists) expect(list.length).toBeLessThanOrEqual(2048);
    expect(lists.flat()).toEqual(states);
    // Three in four move to another next hop: the lists are compacted on the way.
    for (const s of states) if (s.id % 4 !== 0) setNextHops(index, s, [0x0a000002]);
    expect(index.statesOf(0x0a000001)).toEqual(states.filter((s) => s.id % 4 === 0));
    expect(index.statesOf(0x0a000002).length).toBe(7_500);
    expect((index.within(prefix(0x0a000001, 32)) ?? []).flat().length).toBeLessThanOrEqual(2_500 + 2_500 + 33);
  });

  it("agrees with a model under any changes of next hops: exactly per address, and never fewer within a prefix", () => {
    const change = fc.record({ state: fc.integer({ min: 0, max: 7 }), addresses: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 300 }), (changes) => {
        const index = new NextHopIndex<State>("", uses);
        const states = Array.from({ length: 8 }, (_, i) => new State(i));
        const model = new Map<number, Set<number>>();
        for (const { state, addresses } of changes) {
          setNextHops(index, states[state], addresses.map((a) => 0x0a000000 + a));
          for (const set of model.values()) set.delete(state);
          for (const a of addresses) {
            if (!model.has(a)) model.set(a, new Set());
            model.get(a)!.add(state);
          }
          // Everything in a prefix covering every address: a superset of the model's, each
          // list no longer than its live states, twice over, plus the slack.
          const all = new Set((index.within(prefix(0x0a000000, 29)) ?? []).flat().map((s) => s.id));
          for (const set of model.values()) for (const id of set) expect(all.has(id)).toBe(true);
          for (const list of index.within(prefix(0x0a000000, 29)) ?? []) expect(list.length).toBeLessThanOrEqual(2 * 8 + 33 + 8);
        }
        for (let a = 0; a <= 5; a++) {
          expect(index.statesOf(0x0a000000 + a).map((s) => s.id).sort()).toEqual([...(model.get(a) ?? [])].sort());
        }
      }),
    );
  });
});
