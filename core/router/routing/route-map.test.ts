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

  it("matches ip address prefix-list: exact length without ge/le, the range with them, first line decides", () => {
    const maps = { m: [{ name: "m", action: "permit" as const, seq: 10, match: { ipAddressPrefixLists: ["PL"] }, set: {} }] };
    const lists = {
      PL: [
        { seq: 5, action: "deny" as const, prefix: parsePrefix("10.1.0.0/16")!, le: 32 },
        { seq: 10, action: "permit" as const, prefix: parsePrefix("10.0.0.0/8")!, ge: 16, le: 24 },
        { seq: 15, action: "permit" as const, prefix: parsePrefix("192.168.0.0/16")! },
      ],
    };
    const v = (text: string) => evaluateRouteMap(maps, "m", { prefix: parsePrefix(text)! }, lists).permit;
    expect(v("10.2.0.0/16")).toBe(true);
    expect(v("10.2.3.0/24")).toBe(true);
    expect(v("10.2.3.4/32")).toBe(false); // longer than le
    expect(v("10.0.0.0/8")).toBe(false); // shorter than ge
    expect(v("10.1.2.0/24")).toBe(false); // the deny line comes first
    expect(v("192.168.0.0/16")).toBe(true);
    expect(v("192.168.1.0/24")).toBe(false); // exact length only
    expect(evaluateRouteMap(maps, "m", { prefix: parsePrefix("1.0.0.0/8")! }, {}).permit).toBe(true); // no such list: any route
  });
});
