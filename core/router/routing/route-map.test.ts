import { describe, expect, it } from "vitest";
import type { RouteMapEntry } from "../config/model/routing";
import { parsePrefix } from "../wire/addr";
import { evaluateRouteMap } from "./route-map";

const entry = (seq: number, action: "permit" | "deny", tags?: number[], set = {}): RouteMapEntry => ({ name: "m", action, seq, match: tags ? { tags } : {}, set });
const p = parsePrefix("0.0.0.0/0")!;

describe("route-map evaluation", () => {
  it("permits a route whose tag an entry matches, with that entry's set clauses", () => {
    const maps = { cust1: [entry(10, "permit", [666], { localPreference: 200 })] };
    expect(evaluateRouteMap(maps, "cust1", { prefix: p, tag: 666 })).toEqual({ permit: true, set: { localPreference: 200 }, seq: 10 });
  });

  it("denies a route no entry matches, and everything through a route-map that does not exist", () => {
    const maps = { cust1: [entry(10, "permit", [666])] };
    expect(evaluateRouteMap(maps, "cust1", { prefix: p, tag: 667 }).permit).toBe(false);
    expect(evaluateRouteMap(maps, "cust1", { prefix: p }).permit).toBe(false);
    expect(evaluateRouteMap(maps, "global", { prefix: p, tag: 666 }).permit).toBe(false);
  });

  it("takes the first matching entry in sequence order: a deny before a catch-all permit wins", () => {
    const maps = { m: [entry(5, "deny", [1]), entry(10, "permit")] };
    expect(evaluateRouteMap(maps, "m", { prefix: p, tag: 1 }).permit).toBe(false);
    expect(evaluateRouteMap(maps, "m", { prefix: p, tag: 2 }).permit).toBe(true);
  });
});
