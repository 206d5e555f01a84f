import { describe, expect, it } from "vitest";
import type { RouteMapEntry } from "../config/model/routing";
import { parsePrefix } from "../wire/addr";
import { RoutePolicy, type RouteMapSubject } from "./route-map";
import type { PrefixListEntry } from "../config/model/routing";

function evaluateRouteMap(routeMaps: Record<string, RouteMapEntry[]>, name: string, s: RouteMapSubject, prefixLists: Record<string, PrefixListEntry[]> = {}) {
  return new RoutePolicy({ routeMaps, prefixLists }).evaluate(name, s);
}

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

describe("route-map match lists", () => {
  const permit = (match: RouteMapEntry["match"]): Record<string, RouteMapEntry[]> => ({ m: [{ name: "m", action: "permit", seq: 10, match, set: {} }] });
  const bgp = (asPath: string, communities: number[] = [], extCommunities: string[] = []) => ({ asPath, communities, extCommunities });
  const C = (hi: number, lo: number) => hi * 65536 + lo;

  it("matches a standard access list on the network, an extended one on network and mask", () => {
    const accessLists = {
      "10": { name: "10", kind: "standard" as const, named: false, entries: [{ seq: 10, args: { action: "permit", srcAddr: 0x0a000000, srcWild: 0x00ffffff } }] },
      "100": { name: "100", kind: "extended" as const, named: false, entries: [{ seq: 10, args: { action: "permit", protocol: "ip", srcAddr: 0x0a000000, srcWild: 0x00ffffff, dstAddr: 0xffffff00, dstWild: 0 } }] },
    };
    const std = new RoutePolicy({ routeMaps: permit({ ipAddressAcls: ["10"] }), accessLists });
    expect(std.evaluate("m", { prefix: parsePrefix("10.9.0.0/16")! }).permit).toBe(true);
    expect(std.evaluate("m", { prefix: parsePrefix("11.0.0.0/8")! }).permit).toBe(false);
    const ext = new RoutePolicy({ routeMaps: permit({ ipAddressAcls: ["100"] }), accessLists });
    expect(ext.evaluate("m", { prefix: parsePrefix("10.9.1.0/24")! }).permit).toBe(true);
    expect(ext.evaluate("m", { prefix: parsePrefix("10.9.0.0/16")! }).permit).toBe(false); // the mask is not /24
  });

  it("matches communities: every listed one present, exact-match, expanded regex, first line decides", () => {
    const communityLists = {
      STD: { kind: "standard" as const, named: true, entries: [{ action: "deny" as const, communities: [C(1, 9)] }, { action: "permit" as const, communities: [C(1, 1), C(1, 2)] }] },
      EXP: { kind: "expanded" as const, named: true, entries: [{ action: "permit" as const, regexp: "_2:[0-9]+$" }] },
    };
    const p = parsePrefix("10.0.0.0/8")!;
    const std = new RoutePolicy({ routeMaps: permit({ community: { lists: ["STD"], exactMatch: false } }), communityLists });
    expect(std.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1), C(1, 2), C(1, 3)]) }).permit).toBe(true);
    expect(std.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1)]) }).permit).toBe(false); // 1:2 missing
    expect(std.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1), C(1, 2), C(1, 9)]) }).permit).toBe(false); // the deny line
    expect(std.evaluate("m", { prefix: p }).permit).toBe(false); // not a BGP path
    const exact = new RoutePolicy({ routeMaps: permit({ community: { lists: ["STD"], exactMatch: true } }), communityLists });
    expect(exact.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1), C(1, 2), C(1, 3)]) }).permit).toBe(false);
    expect(exact.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 2), C(1, 1)]) }).permit).toBe(true);
    const exp = new RoutePolicy({ routeMaps: permit({ community: { lists: ["EXP"], exactMatch: false } }), communityLists });
    expect(exp.evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1), C(2, 40)]) }).permit).toBe(true);
    expect(exp.evaluate("m", { prefix: p, bgp: bgp("", [C(12, 40)]) }).permit).toBe(false);
    expect(new RoutePolicy({ routeMaps: permit({ community: { lists: ["NONE"], exactMatch: false } }) }).evaluate("m", { prefix: p, bgp: bgp("", [C(1, 1)]) }).permit).toBe(false);
  });

  it("matches AS paths, extended communities, metric and source protocol", () => {
    const p = parsePrefix("10.0.0.0/8")!;
    const policy = new RoutePolicy({
      routeMaps: {
        as: [{ name: "as", action: "permit", seq: 10, match: { asPath: [1] }, set: {} }],
        ext: [{ name: "ext", action: "permit", seq: 10, match: { extcommunity: ["5"] }, set: {} }],
        med: [{ name: "med", action: "permit", seq: 10, match: { metric: 20, sourceProtocols: ["static"] }, set: {} }],
      },
      asPathLists: { "1": [{ action: "deny", regexp: "_666_" }, { action: "permit", regexp: "^65001_" }] },
      extcommunityLists: { "5": { kind: "standard", named: false, entries: [{ action: "permit", rts: ["65000:1"] }] } },
    });
    expect(policy.evaluate("as", { prefix: p, bgp: bgp("65001 65002") }).permit).toBe(true);
    expect(policy.evaluate("as", { prefix: p, bgp: bgp("65001 666 65002") }).permit).toBe(false);
    expect(policy.evaluate("as", { prefix: p, bgp: bgp("65002 65001") }).permit).toBe(false);
    expect(policy.evaluate("ext", { prefix: p, bgp: bgp("", [], ["RT:65000:1", "RT:65000:2"]) }).permit).toBe(true);
    expect(policy.evaluate("ext", { prefix: p, bgp: bgp("", [], ["RT:65000:2"]) }).permit).toBe(false);
    expect(policy.evaluate("med", { prefix: p, metric: 20, protocol: "static" }).permit).toBe(true);
    expect(policy.evaluate("med", { prefix: p, metric: 20, protocol: "connected" }).permit).toBe(false);
    expect(policy.evaluate("med", { prefix: p, metric: 21, protocol: "static" }).permit).toBe(false);
  });
});
