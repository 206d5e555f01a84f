import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../../wire/addr";
import { Grammar, type GrammarEntry } from "./engine";
import { formatHelp } from "./help";
import { renderSyntax } from "./render-syntax";

interface Toy extends GrammarEntry {
  readonly id: string;
}

const toy = new Grammar<Toy>([
  { id: "hostname", mode: "config", syntax: "hostname WORD$name", help: ["Set system's network name", "This system's network name"], no: { syntax: "hostname [WORD$name]" } },
  { id: "enable-secret", mode: "config", syntax: "enable secret LINE$secret", help: ["Modify enable password parameters", "Assign the privileged level secret", "The secret"] },
  { id: "end", mode: "config", syntax: "end", help: ["Exit from configure mode"] },
  {
    id: "ip-route",
    mode: "config",
    syntax: "ip route [vrf WORD$vrf] A.B.C.D$prefix NETMASK$mask (A.B.C.D$nexthop|INTERFACE$interface [A.B.C.D$nexthop]) [<1-255>$distance] {tag <1-4294967295>$tag|name WORD$name|permanent$permanent}",
    help: ["Global IP configuration subcommands", "Establish static routes", "Configure static route for a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name", "Destination prefix", "Destination prefix mask", "Forwarding router's address", "Interface", "Forwarding router's address", "Distance metric for this route", "Set tag for this route", "Tag value", "Specify name of the next hop", "Name of the next hop", "permanent route"],
    no: {},
  },
  { id: "ip-domain-name", mode: "config", syntax: "ip domain name WORD$name", help: ["Global IP configuration subcommands", "IP DNS Resolver", "Define the default domain name", "Default domain name"], no: { syntax: "ip domain name [WORD$name]" } },
  { id: "ip-domain-lookup", mode: "config", syntax: "ip domain lookup", help: ["Global IP configuration subcommands", "IP DNS Resolver", "Enable IP Domain Name System hostname translation"], no: {} },
  { id: "interface", mode: "config", syntax: "interface INTERFACE$name", help: ["Select an interface to configure", "Interface"] },
  { id: "neighbor-remote-as", mode: "router", syntax: "neighbor (A.B.C.D|WORD)$peer remote-as ASN$asn", help: ["Specify a neighbor router", "Neighbor address", "Neighbor tag", "Specify a BGP neighbor", "AS of remote neighbor"] },
  {
    id: "show-ip-interface",
    mode: "exec",
    syntax: "show ip interface [(brief$brief [INTERFACE$name]|INTERFACE$name [brief$brief])]",
    help: ["Show", "IP", "IP interface", "Brief", "Interface name", "Interface name", "Brief"],
  },
  { id: "match-tag", mode: "route-map", syntax: "match tag <0-4294967295>$tags...", help: ["Match values from routing table", "Match tag of route", "Tag value"] },
]);

const parse = (line: string, mode = "config") => toy.match(mode, line);

describe("grammar engine", () => {
  it("takes an interface in one word or as type and number, in an optional group before or after a keyword", () => {
    const name = (line: string): [string | undefined, boolean] | undefined => {
      const r = parse(line, "exec");
      return r.ok ? [r.match.args.optStr("name"), r.match.args.has("brief")] : undefined;
    };
    expect(name("show ip interface tunnel 0")).toEqual(["Tunnel0", false]);
    expect(name("show ip interface Tunnel0")).toEqual(["Tunnel0", false]);
    expect(name("show ip interface ethernet 0/1.10 brief")).toEqual(["Ethernet0/1.10", true]);
    expect(name("show ip interface brief loopback 100")).toEqual(["Loopback100", true]);
    expect(name("show ip interface brief")).toEqual([undefined, true]);
    expect(name("show ip interface tunnel")).toBeUndefined();
  });

  it("matches keywords by unique case-insensitive prefix and binds typed arguments", () => {
    const r = parse("IP ROU 10.0.0.0 255.0.0.0 e0/1 10.1.1.1 200 tag 5 name x permanent");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.match.entry.id).toBe("ip-route");
    expect(formatIpv4(r.match.args.ip("prefix"))).toBe("10.0.0.0");
    expect(r.match.args.str("interface")).toBe("Ethernet0/1");
    expect(r.match.args.num("distance")).toBe(200);
    expect(r.match.args.num("tag")).toBe(5);
    expect(r.match.args.str("name")).toBe("x");
    expect(r.match.args.has("permanent")).toBe(true);
  });

  it("accepts the {…} options in any order, each once", () => {
    expect(parse("ip route 0.0.0.0 0.0.0.0 Null0 name a tag 1").ok).toBe(true);
    const twice = parse("ip route 0.0.0.0 0.0.0.0 Null0 tag 1 tag 2");
    expect(twice).toEqual({ ok: false, error: { kind: "invalid", column: 37 } });
  });

  it("accepts an interface as one word or as type and number", () => {
    for (const line of ["interface Ethernet0/1.10", "int eth0/1.10", "int ETHERNET 0/1.10", "in e 0/1.10"]) {
      const r = parse(line);
      expect(r.ok && r.match.args.str("name")).toBe("Ethernet0/1.10");
    }
    const vt = parse("int virtual-t1");
    expect(vt.ok && vt.match.args.str("name")).toBe("Virtual-Template1");
  });

  it("prefers an exact keyword over a longer one it abbreviates", () => {
    const g = new Grammar<Toy>([
      { id: "a", mode: "m", syntax: "ip domain", help: ["x", "y"] },
      { id: "b", mode: "m", syntax: "ip domain-lookup", help: ["x", "z"] },
    ]);
    const r = g.match("m", "ip domain");
    expect(r.ok && r.match.entry.id).toBe("a");
  });

  it("prefers an address over free text where both fit", () => {
    const r = parse("neighbor 10.0.0.1 remote-as 10", "router");
    expect(r.ok && typeof r.match.args.values.peer).toBe("number");
    const w = parse("neighbor mpls remote-as 1.10", "router");
    expect(w.ok && w.match.args.values).toEqual({ peer: "mpls", asn: 65546 });
  });

  it("reports an ambiguous abbreviation with the whole line", () => {
    expect(parse("e secret class")).toEqual({ ok: false, error: { kind: "ambiguous", column: 0 } });
  });

  it("reports an incomplete command", () => {
    expect(parse("ip route 10.0.0.0 255.0.0.0")).toEqual({ ok: false, error: { kind: "incomplete", column: 27 } });
    expect(parse("hostname")).toEqual({ ok: false, error: { kind: "incomplete", column: 8 } });
  });

  it("puts the caret after the longest prefix that still matches a keyword", () => {
    expect(parse("ip routx 1.1.1.1")).toEqual({ ok: false, error: { kind: "invalid", column: 7 } });
    expect(parse("hostnmae R1")).toEqual({ ok: false, error: { kind: "invalid", column: 5 } });
    // an argument that does not parse: the caret goes under its first character
    expect(parse("ip route 10.0.0.300 255.0.0.0 Null0")).toEqual({ ok: false, error: { kind: "invalid", column: 9 } });
    // trailing garbage after a complete command
    expect(parse("hostname R1 extra")).toEqual({ ok: false, error: { kind: "invalid", column: 12 } });
  });

  it("parses the no form with its own, shorter syntax", () => {
    const r = parse("no hostname");
    expect(r.ok && r.match.negated).toBe(true);
    expect(parse("no end")).toEqual({ ok: false, error: { kind: "invalid", column: 3 } });
  });

  it("collects repeated tokens into a list", () => {
    const r = parse("match tag 1 2 3", "route-map");
    expect(r.ok && r.match.args.nums("tags")).toEqual([1, 2, 3]);
  });

  it("keeps the raw rest of the line for LINE", () => {
    const r = parse("enable secret  my  secret ");
    expect(r.ok && r.match.args.str("secret")).toBe("my  secret");
  });

  it("lists what may come next, IOS style", () => {
    const lines = formatHelp(toy.help("config", "ip route 0.0.0.0 0.0.0.0 Null0 "), "");
    expect(lines).toEqual([
      "  <1-255>    Distance metric for this route",
      "  A.B.C.D    Forwarding router's address",
      "  name       Specify name of the next hop",
      "  permanent  permanent route",
      "  tag        Set tag for this route",
      "  <cr>",
    ]);
    expect(formatHelp(toy.help("config", "ip d"), "ip d")).toEqual(["domain"]);
    expect(formatHelp(toy.help("config", ""), "")[0]).toBe("  enable     Modify enable password parameters");
  });

  it("lists interface types after a word that takes an interface", () => {
    const lines = formatHelp(toy.help("config", "interface "), "");
    expect(lines).toContain("  Ethernet          IEEE 802.3");
    expect(lines).toContain("  Virtual-Template  Virtual Template interface");
  });

  it("completes a unique abbreviation with Tab, and interface names to their canonical form", () => {
    expect(toy.complete("config", "ip dom")).toBe("ip domain ");
    expect(toy.complete("config", "e")).toBeUndefined();
    expect(toy.complete("config", "int e0/0")).toBe("int Ethernet0/0 ");
    expect(toy.complete("config", "int Eth")).toBe("int Ethernet ");
  });

  it("renders a line back from the same syntax", () => {
    const ast = toy.entries("config").find((c) => c.entry.id === "ip-route")?.ast;
    if (!ast) throw new Error("missing");
    const r = parse("ip route vrf a 0.0.0.0 0.0.0.0 Null0 name x tag 666");
    if (!r.ok) throw new Error("no parse");
    expect(renderSyntax(ast, r.match.args.values)).toBe("ip route vrf a 0.0.0.0 0.0.0.0 Null0 tag 666 name x");
  });
});
