import { describe, expect, it } from "vitest";
import { parseIpv4, parseMac, parsePrefix, type Ipv4, type Mac, type Prefix } from "../../wire/addr";
import type { ArgRecord } from "./args";
import { Grammar, type GrammarEntry } from "./engine";
import { parseSyntax, tokensIn } from "./syntax";
import type { ArgsOf } from "./typed-args";

// Compile-time equality: `same<A, B>(true)` compiles only when A and B are the same type.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function same<A, B>(ok: Same<A, B>): boolean {
  return ok;
}

const ip = (t: string): Ipv4 => parseIpv4(t)!;

/** What the runtime parser binds for `line` under `syntax`, typed as the syntax says. */
function bound<const S extends string>(syntax: S, line: string): ArgsOf<S> {
  const help = tokensIn(parseSyntax(syntax, () => "")).map(() => "help");
  const g = new Grammar<GrammarEntry>([{ mode: "config", syntax, help }]);
  const r = g.match("config", line);
  if (!r.ok) throw new Error(`${line}: ${r.error.kind}`);
  return r.match.args.values as ArgsOf<S>;
}

const PEER = "neighbor (A.B.C.D|WORD)$id";

describe("ArgsOf: argument types from a syntax string, as the parser binds them", () => {
  it("types each token by kind and requires only what every match binds", () => {
    const psk = "pre-shared-key [(local|remote)$side] LINE$key";
    expect(same<ArgsOf<typeof psk>, { readonly key: string; readonly side?: "local" | "remote" | undefined }>(true)).toBe(true);
    expect(bound(psk, "pre-shared-key local cisco 123")).toEqual({ side: "local", key: "cisco 123" });

    const route = "ip route [vrf WORD$vrf] A.B.C.D$prefix NETMASK$mask (A.B.C.D$nexthop|INTERFACE$interface [A.B.C.D$nexthop]) [<1-255>$distance]";
    type Route = {
      readonly prefix: Ipv4;
      readonly mask: Ipv4;
      readonly vrf?: string | undefined;
      readonly nexthop?: Ipv4 | undefined;
      readonly interface?: string | undefined;
      readonly distance?: number | undefined;
    };
    expect(same<ArgsOf<typeof route>, Route>(true)).toBe(true);
    const r: Route = { vrf: "a", prefix: ip("10.0.0.0"), mask: ip("255.0.0.0"), interface: "Ethernet0/1", nexthop: ip("10.1.1.1"), distance: 200 };
    expect(bound(route, "ip route vrf a 10.0.0.0 255.0.0.0 e0/1 10.1.1.1 200")).toEqual(r);

    const typed = "network A.B.C.D/M$p mac H.H.H$mac asn ASN$asn rd RD$rd";
    expect(same<ArgsOf<typeof typed>, { readonly p: Prefix; readonly mac: Mac; readonly asn: number; readonly rd: string }>(true)).toBe(true);
    expect(bound(typed, "network 10.0.0.0/8 mac aabb.cc00.0100 asn 1.10 rd 1:1")).toEqual({ p: parsePrefix("10.0.0.0/8"), mac: parseMac("aabb.cc00.0100"), asn: 65546, rd: "1:1" });
  });

  it("binds a named group to its options and a repeated token to a list", () => {
    const transport = "transport input (all|none|ssh|telnet)$protocols...";
    expect(same<ArgsOf<typeof transport>, { readonly protocols: readonly ("all" | "none" | "ssh" | "telnet")[] }>(true)).toBe(true);
    expect(bound(transport, "transport input ssh telnet")).toEqual({ protocols: ["ssh", "telnet"] });

    const tags = "match tag [<0-4294967295>$tags...]";
    expect(same<ArgsOf<typeof tags>, { readonly tags?: readonly number[] | undefined }>(true)).toBe(true);
    expect(bound(tags, "match tag")).toEqual({});
    expect(bound(tags, "match tag 1 2")).toEqual({ tags: [1, 2] });

    const list = "aaa authorization network (default|WORD)$list local";
    expect(same<ArgsOf<typeof list>, { readonly list: string }>(true)).toBe(true);
    expect(bound(list, "aaa authorization network default local")).toEqual({ list: "default" });

    const af = "address-family (ipv4$afi [unicast] [vrf WORD$vrf]|vpnv4$afi [unicast])";
    expect(same<ArgsOf<typeof af>, { readonly afi: "ipv4" | "vpnv4"; readonly vrf?: string | undefined }>(true)).toBe(true);
    expect(bound(af, "address-family vpnv4")).toEqual({ afi: "vpnv4" });
    const some = "x (a A.B.C.D$p|b <1-9>$n [A.B.C.D$p])";
    expect(same<ArgsOf<typeof some>, { readonly p?: Ipv4 | undefined; readonly n?: number | undefined }>(true)).toBe(true);
    expect(bound(some, "x b 3")).toEqual({ n: 3 });

    const bag = "options {encryption$enc|integrity$int}";
    expect(same<ArgsOf<typeof bag>, { readonly enc?: "encryption" | undefined; readonly int?: "integrity" | undefined }>(true)).toBe(true);
    expect(bound(bag, "options integrity")).toEqual({ int: "integrity" });
  });

  it("reads syntaxes built from constant parts, and gives the plain record for run-time strings", () => {
    const rm = `${PEER} route-map WORD$routeMap (in|out)$dir` as const;
    expect(same<ArgsOf<typeof rm>, { readonly id: Ipv4 | string; readonly routeMap: string; readonly dir: "in" | "out" }>(true)).toBe(true);
    expect(bound(rm, "neighbor 10.0.0.2 route-map RM out")).toEqual({ id: ip("10.0.0.2"), routeMap: "RM", dir: "out" });
    expect(same<keyof ArgsOf<"shutdown">, never>(true)).toBe(true);
    expect(same<ArgsOf<string>, ArgRecord>(true)).toBe(true);
    expect(same<ArgsOf<`set ${string} <1-10>$value`>, ArgRecord>(true)).toBe(true);
  });
});
