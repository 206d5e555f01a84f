// Interop with FRR's bgpd (Debian `frr`, issue 10 item 6): our router runs as its own process
// in one network namespace, its Ethernet0/0 a packet socket on a veth end there; bgpd runs in
// a second namespace on the other end. eBGP, VPNv4 only: FRR originates static VPN routes
// (`network … rd … label …` with a route-map setting the route target, no kernel VRF needed),
// we export VRF cust1's connected routes with our RD, a local label and our route target.
// Routes cross both ways with labels and RTs, a withdrawal on either side is seen, and
// dumpcap's capture of the whole session decodes with `flexlab decode` without an error and
// the way tshark decodes it. Addresses are from 198.18.0.0/15 (the link) and 10.x (the VPN
// prefixes); nothing leaves the two namespaces. Needs root, iproute2, python3, the
// packet-socket addon and FRR (`.ci/run` installs frr); the capture part also tshark.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCaptureFile, summarizePacket } from "../../core/lab/decode";
import { HAS_TSHARK, tsharkFields } from "../../core/router/wire/testdata/tshark";
import { ourChain, theirChain } from "../support/decode-chains";
import { Bgpd, frrSkipReason } from "../support/frr";
import { NetnsCapture, VethLink, netnsSkipReason } from "../support/netns";
import { NetnsRouter, waitFor } from "../support/netns-router";

const skip = netnsSkipReason() ?? frrSkipReason();
const tag = String(process.pid % 10000);

const US = "198.18.1.1";
const FRR = "198.18.1.2";

const OUR_CONFIG = `hostname FLX
vrf definition cust1
 rd 65000:1
 route-target export 65000:1
 route-target import 65001:1
 !
 address-family ipv4
 exit-address-family
!
interface Loopback101
 vrf forwarding cust1
 ip address 10.88.1.1 255.255.255.0
!
interface Loopback102
 vrf forwarding cust1
 ip address 10.88.2.1 255.255.255.0
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
router bgp 65000
 bgp router-id ${US}
 bgp log-neighbor-changes
 neighbor ${FRR} remote-as 65001
 !
 address-family vpnv4
  neighbor ${FRR} activate
  neighbor ${FRR} send-community extended
 exit-address-family
 !
 address-family ipv4 vrf cust1
  redistribute connected
 exit-address-family
!
end
`;

const FRR_CONFIG = `frr defaults traditional
hostname frr
log timestamp precision 3
!
route-map RT65001 permit 10
 set extcommunity rt 65001:1
exit
!
router bgp 65001
 bgp router-id ${FRR}
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor ${US} remote-as 65000
 !
 address-family ipv4 vpn
  neighbor ${US} activate
  network 10.77.1.0/24 rd 65001:1 label 2001 route-map RT65001
  network 10.77.2.0/24 rd 65001:1 label 2002 route-map RT65001
 exit-address-family
exit
`;

interface FrrVpnPath {
  readonly valid?: boolean;
  readonly remoteLabel?: number;
  readonly extendedCommunity?: { readonly string?: string };
  readonly nexthops?: readonly { readonly ip?: string }[];
  readonly aspath?: { readonly string?: string };
}

describe.skipIf(skip !== undefined)(`BGP VPNv4 with FRR's bgpd over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let link: VethLink;
  let router: NetnsRouter;
  let bgpd: Bgpd;
  let capture: NetnsCapture | undefined;
  const dir = mkdtempSync(join(tmpdir(), "flexlab-bgp-frr-"));

  beforeAll(async () => {
    link = VethLink.create({ ns: `flx-bgp-us-${tag}`, ifname: `flxbgpu${tag}` }, { ns: `flx-bgp-frr-${tag}`, ifname: `flxbgpf${tag}`, address: `${FRR}/24` });
    try {
      if (NetnsCapture.hasDumpcap()) capture = await NetnsCapture.start(link.b.ns, link.b.ifname, join(dir, "session.pcapng"));
      router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: OUR_CONFIG });
      bgpd = await Bgpd.start(link.b.ns, FRR_CONFIG);
    } catch (err) {
      await capture?.stop();
      await router?.close();
      link.close();
      throw err;
    }
  }, 90_000);

  afterAll(async () => {
    await bgpd?.stop();
    await router?.close();
    await capture?.stop();
    link?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** FRR's row for our session in its VPNv4 summary. */
  function frrPeer(): { state?: string; pfxRcd?: number; pfxSnt?: number } | undefined {
    type Summary = { peers?: Record<string, { state?: string; pfxRcd?: number; pfxSnt?: number }> };
    // FRR wraps the summary in its family's name when the command names none
    const summary = bgpd.json<Summary & { ipv4Vpn?: Summary }>("show bgp ipv4 vpn summary json");
    return (summary.ipv4Vpn ?? summary).peers?.[US];
  }

  /** FRR's neighbor record for us: message counts and connection counts. */
  function frrNeighbor(): { bgpState?: string; connectionsEstablished?: number; messageStats?: Record<string, number> } {
    return bgpd.json<Record<string, { bgpState?: string; connectionsEstablished?: number; messageStats?: Record<string, number> }>>(`show bgp neighbors ${US} json`)[US] ?? {};
  }

  /** FRR's view of one VPN prefix under `rd`, or undefined while it has none. */
  function frrPath(rd: string, prefix: string): FrrVpnPath | undefined {
    const out = bgpd.json<Record<string, { paths?: FrrVpnPath[] }>>(`show bgp ipv4 vpn rd ${rd} ${prefix} json`);
    return out[rd]?.paths?.[0];
  }

  /** The line of `show ip bgp vpnv4 all labels` for `prefix` under the RD heading `rd`. */
  async function ourLabelLine(rd: string, prefix: string): Promise<string | undefined> {
    const out = await router.exec("show ip bgp vpnv4 all labels");
    const section = out.split(/^Route Distinguisher: /m).find((s) => s.startsWith(`${rd} `) || s.startsWith(`${rd}\n`));
    return section?.split("\n").find((l) => l.trim().startsWith(prefix));
  }

  it("reaches FRR's namespace from its own over the veth on the packet backend", async () => {
    const out = await router.exec(`ping ${FRR} repeat 3`);
    expect(out).toContain("Success rate is 100 percent (3/3)");
  });

  it("brings the session to Established with VPNv4 negotiated on both sides", async () => {
    const peer = await waitFor(
      "FRR to see the session Established",
      () => {
        const p = frrPeer();
        return p?.state === "Established" && router.log.some((l) => l.includes(`%BGP-5-ADJCHANGE: neighbor ${FRR} Up`)) ? p : undefined;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nour log: ${router.log.join("\n")}\nour stderr: ${router.errors}\nFRR log: ${bgpd.logText.slice(-2000)}`);
    });
    expect(peer.state).toBe("Established");
    // IOS's summary row ends in the prefix count once the session is up.
    expect(await router.exec("show ip bgp vpnv4 all summary")).toMatch(new RegExp(`^${FRR.replaceAll(".", "\\.")}\\s+4\\s+65001\\s.*\\s\\d+\\s*$`, "m"));
  }, 90_000);

  it("takes FRR's static VPN routes with their labels and route target, and imports them into the VRF", async () => {
    const line = await waitFor("FRR's 10.77.1.0/24 in our VPNv4 table", () => ourLabelLine("65001:1", "10.77.1.0/24"));
    expect(line).toMatch(new RegExp(`10\\.77\\.1\\.0/24\\s+${FRR.replaceAll(".", "\\.")}\\s+nolabel/2001`));
    expect(await ourLabelLine("65001:1", "10.77.2.0/24")).toMatch(/nolabel\/2002/);
    const detail = await router.exec("show ip bgp vpnv4 all 10.77.1.0/24");
    expect(detail).toContain("RT:65001:1");
    // Imported into cust1 (import RT 65001:1), installed as a B route that pushes FRR's label.
    const route = await waitFor("10.77.1.0/24 in VRF cust1's RIB", async () => {
      const out = await router.exec("show ip route vrf cust1 10.77.1.0");
      return out.includes('Known via "bgp 65000"') ? out : undefined;
    });
    expect(route).toContain(FRR);
    expect(await router.exec("show ip route vrf cust1")).toMatch(/^B\s+10\.77\.1\.0\/24 \[20\/0\] via 198\.18\.1\.2/m);
  }, 90_000);

  it("sends VRF cust1's connected routes to FRR with our RD, a local label and our route target", async () => {
    const path = await waitFor("10.88.1.0/24 at FRR", () => frrPath("65000:1", "10.88.1.0/24"));
    expect(path.valid).toBe(true);
    expect(path.remoteLabel).toBeGreaterThanOrEqual(16);
    expect(path.extendedCommunity?.string).toContain("RT:65000:1");
    expect(path.nexthops?.[0]?.ip).toBe(US);
    expect(path.aspath?.string).toBe("65000");
    const other = frrPath("65000:1", "10.88.2.0/24");
    expect(other?.remoteLabel).toBeGreaterThanOrEqual(16);
    // The label FRR got is the one we show as our in label.
    expect(await ourLabelLine("65000:1", "10.88.1.0/24")).toMatch(new RegExp(`\\s${path.remoteLabel}/nolabel`));
  }, 90_000);

  it("sees FRR withdraw a route, and FRR sees ours withdrawn", async () => {
    bgpd.vtysh("configure terminal", "router bgp 65001", "address-family ipv4 vpn", "no network 10.77.2.0/24 rd 65001:1 label 2002");
    await waitFor("10.77.2.0/24 gone from our VPNv4 table", async () => ((await ourLabelLine("65001:1", "10.77.2.0/24")) === undefined ? true : undefined));
    expect(await ourLabelLine("65001:1", "10.77.1.0/24")).toBeDefined();
    expect(await router.exec("show ip route vrf cust1")).not.toContain("10.77.2.0");

    await router.exec("configure terminal\ninterface Loopback102\nshutdown\nend");
    await waitFor("10.88.2.0/24 gone at FRR", () => (frrPath("65000:1", "10.88.2.0/24") === undefined ? true : undefined));
    expect(frrPath("65000:1", "10.88.1.0/24")?.valid).toBe(true);
  }, 90_000);

  it("takes FRR's route refresh, sends one on clear ip bgp * soft, and comes back after clear ip bgp *", async () => {
    const before = frrNeighbor().messageStats ?? {};
    bgpd.vtysh(`clear bgp ipv4 vpn ${US} soft in`);
    expect(frrNeighbor().messageStats?.routeRefreshSent).toBe((before.routeRefreshSent ?? 0) + 1);
    // Counted in the Rcvd column of the message statistics, the session staying up.
    await waitFor("FRR's ROUTE-REFRESH in our neighbor statistics", async () => (/^\s+Route Refresh:\s+\d+\s+1\s*$/m.test(await router.exec(`show ip bgp neighbors ${FRR}`)) ? true : undefined));
    expect(frrNeighbor().bgpState).toBe("Established");

    await router.exec("clear ip bgp * soft");
    await waitFor("FRR to get our ROUTE-REFRESH", () => ((frrNeighbor().messageStats?.routeRefreshRecv ?? 0) > (before.routeRefreshRecv ?? 0) ? true : undefined));

    // A hard reset: NOTIFICATION Cease to FRR, the session comes back and the routes with it.
    await router.exec("clear ip bgp *");
    await waitFor("FRR to see the session re-established", () => {
      const n = frrNeighbor();
      return n.bgpState === "Established" && (n.connectionsEstablished ?? 0) >= 2 ? n : undefined;
    }, 60_000);
    expect(router.log.some((l) => l.includes(`%BGP-5-ADJCHANGE: neighbor ${FRR} Down`))).toBe(true);
    await waitFor("10.88.1.0/24 back at FRR", () => frrPath("65000:1", "10.88.1.0/24"));
    await waitFor("10.77.1.0/24 back in our table", () => ourLabelLine("65001:1", "10.77.1.0/24"));
    expect(await ourLabelLine("65001:1", "10.77.2.0/24")).toBeUndefined();
  }, 90_000);

  it.skipIf(!HAS_TSHARK)("captures the session, and flexlab decode reads every packet without an error, as tshark does", async () => {
    // FRR's UPDATEs (its routes, then End-of-RIB) follow its first keepalive after a pause.
    await waitFor("FRR to send its routes", () => ((frrPeer()?.pfxSnt ?? 0) >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    await capture!.stop();
    const file = join(dir, "session.pcapng");
    const decoded = await decodeCaptureFile(file);
    if (!decoded.ok) throw new Error(decoded.message);
    const records = decoded.records;
    expect(records.filter((r) => r.packet.error !== undefined).map((r) => summarizePacket(r.packet))).toEqual([]);
    const summaries = records.map((r) => summarizePacket(r.packet));
    for (const kind of ["BGP OPEN", "KEEPALIVE", "VPNv4 NLRI", "VPNv4 withdrawn", "ROUTE-REFRESH", "NOTIFICATION"]) expect(summaries.some((s) => s.includes(kind))).toBe(true);
    // tshark reassembles BGP messages split across segments; the session's messages fit one
    // segment each here, so both decoders see the same messages in the same packets.
    const theirs = tsharkFields(file, ["frame.protocols", "bgp.type", "_ws.malformed"]);
    expect(theirs.filter((row) => row[2] !== "")).toEqual([]);
    expect(records.map(ourChain)).toEqual(theirs.map(([protocols]) => theirChain(protocols)));
    const bgpTypes: Record<string, number> = { open: 1, update: 2, notification: 3, keepalive: 4, "route-refresh": 5 };
    const ourTypes = records.map((r) => ((r.packet.layers.find((l) => l.protocol === "BGP")?.fields?.messages ?? []) as { type: string }[]).map((m) => bgpTypes[m.type]).join(","));
    expect(ourTypes).toEqual(theirs.map((row) => row[1]));
  }, 30_000);
});
