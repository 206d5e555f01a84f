import { afterEach, describe, expect, it } from "vitest";
import { TABLE_NAMES, parseTableRows } from "../../api/tables";
import { VirtualClock } from "../clock/virtual";
import type { EspSaParams } from "../ipsec/sa";
import { ipsecSubsystem } from "../ipsec/subsystem";
import type { TunnelInterface } from "../net/tunnel";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { cdpSubsystem } from "../cdp/subsystem";
import { nhrpSubsystem } from "../nhrp/subsystem";
import { parseIpv4, parsePrefix, type Mac } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { Router } from "./router";
import { TABLES, showTable } from "./tables";

let router: Router | undefined;
afterEach(() => router?.close());

const PE = `hostname PE
vrf definition cust1
 rd 65000:1
 route-target export 65000:1
 address-family ipv4
  route-target import 65000:1
  route-target import 65000:9
 exit-address-family
ip vrf legacy
 rd 65000:2
vrf definition bare
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
interface Ethernet0/0
 ip address 172.16.0.1 255.255.255.252
interface Ethernet0/1
 vrf forwarding cust1
 ip address 192.168.1.1 255.255.255.0
interface Ethernet0/2
 vrf forwarding cust1
 ip address 192.168.2.1 255.255.255.0
interface Ethernet0/3
 ip vrf forwarding legacy
 ip address 192.168.3.1 255.255.255.0
crypto ikev2 profile default
 match identity remote any
crypto ipsec profile default
 set ikev2-profile default
interface Tunnel0
 ip address 172.16.9.1 255.255.255.252
 ip nhrp network-id 1
 tunnel source Ethernet0/0
 tunnel destination 172.16.0.2
 tunnel protection ipsec profile default
router bgp 65000
 address-family ipv4
  network 10.0.0.1 mask 255.255.255.255
 exit-address-family
 address-family ipv4 vrf cust1
  redistribute connected
 exit-address-family
end
`;

function boot(): Router {
  const clock = new VirtualClock();
  router = new Router({ clock, macBase: 0xaabbcc000100 as Mac });
  expect(router.boot(PE).diagnostics).toEqual([]);
  clock.settle(60_000);
  return router;
}

describe("the table registry", () => {
  it("has one entry per table the mgmt API serves, under the table's name", () => {
    expect(Object.keys(TABLES).sort()).toEqual([...TABLE_NAMES].sort());
    for (const name of TABLE_NAMES) expect(TABLES[name].name).toBe(name);
  });

  it("builds rows that match each table's schema, every VRF in one table", () => {
    const router = boot();
    router.subsystem(mplsSubsystem).dispose(16 as Label, "cust1", parsePrefix("192.168.1.0/24"), false);
    const tunnel = router.stack.interface("Tunnel0") as TunnelInterface;
    const sa = (spi: number): EspSaParams => ({ spi, cipher: "aes-gcm-128", integ: "none", encKey: new Uint8Array(20), mode: "transport", local: parseIpv4("172.16.0.1")!, remote: parseIpv4("172.16.0.2")!, replayWindow: 64, lifetimeSeconds: 3600, lifetimeKilobytes: 4608000 });
    router.subsystem(ipsecSubsystem).install(tunnel, { inbound: sa(0x1001), outbound: sa(0x2002) }, { expiring: () => {} });
    router.subsystem(nhrpSubsystem).cache.put({ vrf: "cust1", prefix: parsePrefix("192.168.2.0/24")!, via: parseIpv4("172.16.9.2")!, interface: "Tunnel0", nbma: parseIpv4("172.16.0.2")!, type: "dynamic", flags: ["router", "rib"], createdAt: 0, expiresAt: 7_200_000, label: 17 as Label, noSocket: false, preference: 255, cacheHits: 0, usedMark: 0 });
    router.subsystem(cdpSubsystem).neighbors.heard("Ethernet0/0", { version: 2, ttlSec: 180, deviceId: "R2", addresses: [{ kind: "ipv4", address: parseIpv4("10.0.12.2")! }], portId: "Ethernet0/0", capabilities: 5, platform: "Linux Unix", softwareVersion: "Cisco IOS Software", duplex: "full", unknown: [] }, 0xaabbcc000200);
    for (const name of TABLE_NAMES) {
      const rows = TABLES[name].rows(router);
      expect(rows.length, name).toBeGreaterThan(0);
      expect(parseTableRows(name, JSON.parse(JSON.stringify(rows))), name).toEqual({ ok: true, rows: JSON.parse(JSON.stringify(rows)) });
    }
    const routes = TABLES.routes.rows(router);
    expect([...new Set(routes.map((r) => r.vrf))]).toEqual(["", "cust1", "legacy"]); // "bare" has no interfaces, so no routes
    expect(TABLES.arp.rows(router, { vrf: "cust1" }).map((r) => [r.vrf, r.address, r.mac])).toEqual([
      ["cust1", "192.168.1.1", "aabb.cc00.0110"],
      ["cust1", "192.168.2.1", "aabb.cc00.0120"],
    ]);
  });

  it("lists Virtual-Templates after the forwarding interfaces, with the address they lend and line protocol down", () => {
    const clock = new VirtualClock();
    router = new Router({ clock, macBase: 0xaabbcc000100 as Mac });
    const text = ["hostname HUB", "interface Loopback0", " ip address 10.0.0.1 255.255.255.255", "interface Virtual-Template2 type tunnel", " ip address 10.9.0.1 255.255.255.0", " shutdown", "interface Virtual-Template1 type tunnel", " ip unnumbered Loopback0", "end"].join("\n");
    expect(router.boot(text).diagnostics).toEqual([]);
    const rows = TABLES.interfaces.rows(router);
    expect(rows.slice(-2)).toEqual([
      { interface: "Virtual-Template1", ipAddress: "10.0.0.1", ok: "YES", method: "unset", status: "up", protocol: "down" },
      { interface: "Virtual-Template2", ipAddress: "10.9.0.1", ok: "YES", method: "NVRAM", status: "administratively down", protocol: "down" },
    ]);
    expect(showTable(router, TABLES.interfaces)).toContain("\nVirtual-Template1      10.0.0.1        YES unset  up                    down\n");
  });

  it("builds real VRF rows from the config and the data plane", () => {
    const router = boot();
    expect(TABLES.vrf.rows(router)).toEqual([
      { name: "bare", id: 3, style: "definition", protocols: [], rd: undefined, importTargets: [], exportTargets: [], interfaces: [] },
      { name: "cust1", id: 1, style: "definition", protocols: ["ipv4"], rd: "65000:1", importTargets: ["65000:1", "65000:9"], exportTargets: ["65000:1"], interfaces: ["Ethernet0/1", "Ethernet0/2"] },
      { name: "legacy", id: 2, style: "ip-vrf", protocols: ["ipv4"], rd: "65000:2", importTargets: [], exportTargets: [], interfaces: ["Ethernet0/3"] },
    ]);
    expect(TABLES.vrf.rows(router, { name: "legacy" }).map((r) => r.name)).toEqual(["legacy"]);
  });
});

describe("show vrf from the vrf table's rows", () => {
  it("lists every VRF with its RD, protocols and short interface names", () => {
    expect(showTable(boot(), TABLES.vrf) + "\n").toBe(SHOW_VRF);
  });

  it("shows the detailed view of one VRF or of all, numbering them by their VRF ids in creation order", () => {
    const router = boot();
    expect(showTable(router, TABLES.vrf, { detail: true }) + "\n").toBe(SHOW_VRF_DETAIL);
    expect(showTable(router, TABLES.vrf, { detail: true, name: "legacy" }) + "\n").toBe(SHOW_VRF_DETAIL_LEGACY);
    expect(showTable(router, TABLES.vrf, { name: "nope" })).toBe("");
  });
});

const SHOW_VRF = `  Name                             Default RD            Protocols   Interfaces
  bare                             <not set>             <not set>
  cust1                            65000:1               ipv4        Et0/1
                                                                     Et0/2
  legacy                           65000:2               ipv4        Et0/3
`;

const SHOW_VRF_DETAIL = `VRF bare (VRF Id = 3); default RD <not set>; default VPNID <not set>
  New CLI format, supports multiple address-families
  Flags: 0x180C
  No interfaces
Address family ipv4 unicast (Table ID = 0x3):
  Flags: 0x0
  No Export VPN route-target communities
  No Import VPN route-target communities
  No import route-map
  No global export route-map
  No export route-map
  VRF label distribution protocol: not configured
  VRF label allocation mode: per-prefix
Address family ipv6 unicast not active
Address family ipv4 multicast not active

VRF cust1 (VRF Id = 1); default RD 65000:1; default VPNID <not set>
  New CLI format, supports multiple address-families
  Flags: 0x180C
  Interfaces:
    Et0/1 Et0/2
Address family ipv4 unicast (Table ID = 0x1):
  Flags: 0x0
  Export VPN route-target communities
    RT:65000:1
  Import VPN route-target communities
    RT:65000:1  RT:65000:9
  No import route-map
  No global export route-map
  No export route-map
  VRF label distribution protocol: not configured
  VRF label allocation mode: per-prefix
Address family ipv6 unicast not active
Address family ipv4 multicast not active

VRF legacy (VRF Id = 2); default RD 65000:2; default VPNID <not set>
  Old CLI format, supports IPv4 only
  Flags: 0x180C
  Interfaces:
    Et0/3
Address family ipv4 unicast (Table ID = 0x2):
  Flags: 0x0
  No Export VPN route-target communities
  No Import VPN route-target communities
  No import route-map
  No global export route-map
  No export route-map
  VRF label distribution protocol: not configured
  VRF label allocation mode: per-prefix
Address family ipv6 unicast not active
Address family ipv4 multicast not active
`;

const SHOW_VRF_DETAIL_LEGACY = `VRF legacy (VRF Id = 2); default RD 65000:2; default VPNID <not set>
  Old CLI format, supports IPv4 only
  Flags: 0x180C
  Interfaces:
    Et0/3
Address family ipv4 unicast (Table ID = 0x2):
  Flags: 0x0
  No Export VPN route-target communities
  No Import VPN route-target communities
  No import route-map
  No global export route-map
  No export route-map
  VRF label distribution protocol: not configured
  VRF label allocation mode: per-prefix
Address family ipv6 unicast not active
Address family ipv4 multicast not active
`;
