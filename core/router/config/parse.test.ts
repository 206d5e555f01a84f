import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../wire/addr";
import { parseConfig } from "./parse";
import { renderRunningConfig } from "./render";
import { PASTED_CONFIGS } from "./testdata/pasted-configs";
import { SEED_CONFIGS } from "./testdata/seed-lab";

describe("parseConfig on the seed lab", () => {
  for (const [name, text] of Object.entries(SEED_CONFIGS)) {
    describe(name, () => {
      it("reads every line without a diagnostic", () => {
        expect(parseConfig(text).diagnostics).toEqual([]);
      });

      it("gives back the same model when its rendering is parsed again", () => {
        const first = parseConfig(text).model;
        const again = parseConfig(renderRunningConfig(first));
        expect(again.diagnostics).toEqual([]);
        expect(again.model).toEqual(first);
        // and the model crosses a JSON boundary (the mgmt API) unchanged
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      });

      it("renders stably: render(parse(render(x))) === render(x)", () => {
        const once = renderRunningConfig(parseConfig(text).model);
        expect(renderRunningConfig(parseConfig(once).model)).toBe(once);
      });

      it("renders the same lines, modulo IOS's empty `!` separators", () => {
        const significant = (t: string) => t.split("\n").filter((l) => l.trim() !== "" && l.trim() !== "!");
        expect(significant(renderRunningConfig(parseConfig(text).model))).toEqual(significant(text));
      });
    });
  }

  it("builds the typed model protocol code reads", () => {
    const hub = parseConfig(SEED_CONFIGS["R1-HUB"]).model;
    expect(hub.hostname).toBe("R1-HUB");
    expect(hub.vrfs.cust1).toEqual({ name: "cust1", style: "ip-vrf", rd: "1:1", routeTargets: { import: ["1:1"], export: ["1:1"] }, addressFamilies: {} });
    const vt = hub.interfaces["Virtual-Template1"];
    expect(vt.templateType).toBe("tunnel");
    expect(vt.ipv4).toEqual({ kind: "unnumbered", interface: "Loopback0" });
    expect(vt.nhrp).toEqual({ networkId: 1, redirect: true, shortcut: false });
    expect(vt.mpls.bgpForwarding).toBe(true);
    expect(vt.tunnel?.protectionProfile).toBe("default");
    expect(hub.interfaces["Ethernet0/2"].vrf).toEqual({ name: "cust1", style: "ip-vrf" });
    const bgp = hub.bgp;
    expect(bgp?.asn).toBe(10);
    expect(bgp?.listenRanges.map((r) => `${formatIpv4(r.prefix.addr)}/${r.prefix.len} ${r.peerGroup}`)).toEqual(["0.0.0.0/0 mpls"]);
    expect(bgp?.neighbors.mpls).toMatchObject({ isPeerGroup: true, remoteAs: 100, transportConnectionMode: "passive", updateSource: "Loopback0" });
    expect(bgp?.addressFamilies.vpnv4.neighbors.mpls).toEqual({ activate: true, sendCommunity: "both", nextHopSelf: false });
    expect(bgp?.addressFamilies["ipv4 vrf cust1"]).toMatchObject({ redistribute: { connected: {}, static: { routeMap: "cust1" } }, defaultInformationOriginate: true });
    expect(hub.staticRoutes[1]).toEqual({ vrf: "cust1", prefix: { addr: 0, len: 0 }, interface: "Null0", tag: 666, name: "default_originate", permanent: false });
    expect(hub.routeMaps.cust1).toEqual([{ name: "cust1", action: "permit", seq: 10, match: { tags: [666] }, set: {} }]);
    expect(hub.crypto.pki.trustpoints.CA).toMatchObject({ enrollment: { kind: "url", url: "http://172.16.0.2:80" }, password: {}, revocationCheck: ["crl", "none"], rsakeypair: { label: "R1-HUB.cisco.com", sizeBits: 2048 }, autoEnroll: { percent: 95, regenerate: false } });
    expect(hub.crypto.pki.certificateChains.CA.certificates).toEqual([{ serial: "02", ca: false, hex: [] }, { serial: "01", ca: true, hex: [] }]);
    expect(hub.crypto.ikev2.authorizationPolicies.default).toEqual({ name: "default", pool: "mypool", banner: " Welcome ", defDomain: "cisco.com", dns: [] });
    expect(hub.crypto.ikev2.profiles.default).toMatchObject({
      matchIdentityRemote: [{ kind: "fqdn-domain", value: "cisco.com" }],
      identityLocal: { kind: "dn" },
      authenticationLocal: "rsa-sig",
      authenticationRemote: ["rsa-sig"],
      pkiTrustpoints: ["CA"],
      dpd: { intervalSec: 60, retrySec: 2, mode: "on-demand" },
      aaaAuthorization: [{ kind: "cert", list: "default", name: "default" }],
      virtualTemplate: 1,
    });
    expect(hub.localPools.mypool.ranges.map((r) => [formatIpv4(r.start), formatIpv4(r.end)])).toEqual([["10.1.1.1", "10.1.1.254"]]);
    expect(hub.aaa).toEqual({ newModel: true, authorization: [{ type: "network", list: "default", methods: ["local"] }] });

    const spoke = parseConfig(SEED_CONFIGS["R3-Spoke1"]).model;
    expect(spoke.interfaces["Ethernet0/1.10"]).toMatchObject({ dot1q: { vlan: 10, native: false }, vrf: { name: "cust1", style: "vrf" } });
    expect(spoke.interfaces["Ethernet0/1"]).toMatchObject({ ipv4: { kind: "none" }, ipUnreachables: false });
    expect(spoke.interfaces.Tunnel0.tunnel).toEqual({ mode: "gre-ip", source: { kind: "interface", interface: "Ethernet0/0" }, destination: (172 * 2 ** 24 + 16 * 2 ** 16 + 1) >>> 0, protectionProfile: "default" });
    expect(spoke.crypto.pki.certificateMaps.mymap).toEqual([{ name: "mymap", seq: 10, rules: [{ field: "subject-name", op: "co", value: "ou = flex" }] }]);
    expect(spoke.vrfs.cust2.addressFamilies).toEqual({ ipv4: { routeTargets: { import: [], export: [] } } });
  });

  it("keeps inert commands, and lists them with the reason", () => {
    const r = parseConfig(SEED_CONFIGS["R1-HUB"]);
    const listed = r.warnings.map((w) => `${w.line} ${w.command}`);
    expect(listed).toEqual([
      "22 ip.cef",
      "23 ipv6.cef",
      "25 multilink.bundle-name",
      "26 mpls.ldp.loop-detection",
      "42 redundancy",
      "132 ip.forward-protocol",
      "136 ip.http.secure-server",
    ]);
    expect(r.warnings[0].message).toMatch(/FIB/);
    expect(renderRunningConfig(r.model)).toContain("clock timezone CET 1 0\n");
  });
});

describe("parseConfig on pasted text", () => {
  it("ignores `!`, blank lines and indentation", () => {
    const r = parseConfig("!\n\n   hostname   R9\n\t!\ninterface Loopback0\n      ip address 1.1.1.1 255.255.255.255\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.model.hostname).toBe("R9");
    expect(r.model.interfaces.Loopback0.ipv4).toEqual({ kind: "static", primary: { address: 0x01010101, prefixLen: 32 }, secondaries: [] });
  });

  it("moves to the parent mode when a line only parses there", () => {
    const r = parseConfig(["interface Ethernet0/0", " ip address 10.0.0.1 255.255.255.0", "router bgp 10", " neighbor 10.0.0.2 remote-as 20", "interface Loopback0", " description back in an interface"].join("\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.modes).toEqual(["config", "config-if", "config-if", "router-bgp", "router-bgp", "config-if"]);
    expect(r.model.bgp?.neighbors["10.0.0.2"].remoteAs).toBe(20);
    expect(r.model.interfaces.Loopback0.description).toBe("back in an interface");
  });

  it("reports IOS's message with a 1-based line and column, indentation included", () => {
    const r = parseConfig("interface Ethernet0/0\n  ip adress 10.0.0.1 255.255.255.0\nrouter bgp\nhostname R1 extra\n");
    expect(r.diagnostics).toEqual([
      { line: 2, column: 8, message: "% Invalid input detected at '^' marker." },
      { line: 3, column: 11, message: "% Incomplete command." },
      { line: 4, column: 13, message: "% Invalid input detected at '^' marker." },
    ]);
  });

  it("stops at `end`, as IOS does reading a startup-config", () => {
    const r = parseConfig("hostname A\nend\nhostname B\n");
    expect(r.model.hostname).toBe("A");
    expect(r.diagnostics).toEqual([]);
  });

  it("reports a refused command with its IOS message", () => {
    const r = parseConfig("interface Ethernet0/0\n vrf forwarding nope\n");
    expect(r.diagnostics).toEqual([{ line: 2, column: 2, message: "% VRF nope not configured." }]);
  });

  it("skips the block of a rejected line and never applies it to the previous interface", () => {
    const text = [
      "interface Ethernet0/0",
      " description uplink",
      " ip address 10.0.0.1 255.255.255.0",
      "interface Tunnnel0",
      " description lost tunnel",
      " vrf forwarding cust1",
      " shutdown",
      " !",
      "  ip mtu 1400",
      "interface Loopback0",
      " ip address 1.1.1.1 255.255.255.255",
    ].join("\n");
    const r = parseConfig(text);
    expect(r.diagnostics).toEqual([
      { line: 4, column: 15, message: "% Invalid input detected at '^' marker." },
      { line: 5, column: 2, message: "skipped: parent line 4 was rejected", parent: 4 },
      { line: 6, column: 2, message: "skipped: parent line 4 was rejected", parent: 4 },
      { line: 7, column: 2, message: "skipped: parent line 4 was rejected", parent: 4 },
      { line: 9, column: 3, message: "skipped: parent line 4 was rejected", parent: 4 },
    ]);
    expect(r.model.interfaces["Ethernet0/0"]).toMatchObject({ description: "uplink", shutdown: false });
    expect(r.model.interfaces["Ethernet0/0"].vrf).toBeUndefined();
    expect(r.model.interfaces.Loopback0.ipv4.kind).toBe("static");
  });

  it("skips the children of a rejected sub-mode line, not its siblings", () => {
    const r = parseConfig(["router bgp 10", " address-family ipv9", "  neighbor 10.0.0.2 activate", " neighbor 10.0.0.2 remote-as 20"].join("\n"));
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["2:20: % Invalid input detected at '^' marker.", "3:3: skipped: parent line 2 was rejected"]);
    expect(r.model.bgp?.neighbors["10.0.0.2"].remoteAs).toBe(20);
  });

  it("skips the block of a line IOS refuses with its own message", () => {
    const r = parseConfig(["interface Ethernet0/0", " vrf forwarding nope", "  ip address 10.0.0.1 255.255.255.0", " description kept"].join("\n"));
    expect(r.diagnostics.map((d) => d.message)).toEqual(["% VRF nope not configured.", "skipped: parent line 2 was rejected"]);
    expect(r.model.interfaces["Ethernet0/0"]).toMatchObject({ description: "kept", ipv4: { kind: "none" } });
  });

  it("reads a saved `show running-config` with its header", () => {
    const text = [
      "Building configuration...",
      "",
      "Current configuration : 1423 bytes",
      "!",
      "! Last configuration change at 10:02:11 UTC Mon Mar 1 2021 by admin",
      "! NVRAM config last updated at 10:02:14 UTC Mon Mar 1 2021 by admin",
      "!",
      "version 15.2",
      "service timestamps debug datetime msec",
      "!",
      "hostname R7",
      "!",
      "interface Loopback0",
      " ip address 7.7.7.7 255.255.255.255",
      "!",
      "end",
      "",
    ].join("\n");
    const r = parseConfig(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.model.hostname).toBe("R7");
  });

  it("still rejects a header line with something else in it", () => {
    const r = parseConfig("Current configuration : lots of bytes\nBuilding configuration\n");
    expect(r.diagnostics.map((d) => d.line)).toEqual([1, 2]);
  });
});

describe("parseConfig on pasted CSR1000v and IOSv configs", () => {
  for (const [name, text] of Object.entries(PASTED_CONFIGS)) {
    it(`reads ${name} without a diagnostic and renders it back stably`, () => {
      const r = parseConfig(text);
      expect(r.diagnostics).toEqual([]);
      const once = renderRunningConfig(r.model);
      const again = parseConfig(once);
      expect(again.diagnostics).toEqual([]);
      expect(again.model).toEqual(r.model);
      expect(renderRunningConfig(again.model)).toBe(once);
    });
  }

  it("keeps the lines a lab ignores, from the CSR's platform lines to its DHCP management port", () => {
    const run = renderRunningConfig(parseConfig(PASTED_CONFIGS["csr1000v-show-run"]).model);
    for (const line of ["platform console serial", "no license smart enable", "license udi pid CSR1000V sn 9T5HZ0YA2QN", " ip address dhcp", " negotiation auto", " no mop enabled", " ip ospf 1 area 0", "router ospf 1", " passive-interface Loopback0", "ip access-list extended EDGE-IN", " deny ip any any log", "ntp server 10.1.12.2"]) {
      expect(run.split("\n"), line).toContain(line);
    }
  });
});
