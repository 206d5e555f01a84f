// Interop with FRR's bgpd (Debian `frr`, issue 10 item 6): our router runs as its own process
// in one network namespace, its Ethernet0/0 a packet socket on a veth end there; bgpd runs in
// a second namespace on the other end. eBGP, VPNv4 only: FRR originates static VPN routes
// (`network … rd … label …` with a route-map setting the route target, no kernel VRF needed),
// we export VRF cust1's connected routes with our RD, a local label and our route target.
// Routes cross both ways with labels and RTs, a withdrawal on either side is seen, route
// refresh and clear work across, and dumpcap's capture of the whole session decodes with
// `flexlab decode` without an error and the way tshark decodes it. A second pair runs iBGP in
// a 4-octet AS with our side passive. Addresses are from 198.18.0.0/15 (the link) and 10.x
// (the VPN prefixes); nothing leaves the namespaces. The first pair also runs labelled IPv4
// (`send-label` / FRR's `address-family ipv4 labeled-unicast`): our routes reach FRR with
// their labels (FRR without zebra allocates none of its own, so that direction is ours only). Needs root, iproute2, python3, the
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
interface Loopback55
 ip address 10.55.1.1 255.255.255.0
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
ip route 10.55.9.0 255.255.255.0 10.55.1.9
!
router bgp 65000
 bgp router-id ${US}
 bgp log-neighbor-changes
 neighbor ${FRR} remote-as 65001
 !
 address-family ipv4
  network 10.55.1.0 mask 255.255.255.0
  network 10.55.9.0 mask 255.255.255.0
  neighbor ${FRR} send-label
 exit-address-family
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
 address-family ipv4 labeled-unicast
  neighbor ${US} activate
 exit-address-family
 !
 address-family ipv4 vpn
  neighbor ${US} activate
  network 10.77.1.0/24 rd 65001:1 label 2001 route-map RT65001
  network 10.77.2.0/24 rd 65001:1 label 2002 route-map RT65001
 exit-address-family
exit
`;

// iBGP in a 4-octet AS, our side passive (FRR's kernel TCP connects to our listener), an IP
// address RD (type 1) on FRR's route.
const OUR_IBGP_CONFIG = `hostname FLX
vrf definition cust2
 rd 65100:2
 route-target export 65100:2
 route-target import 65101:2
 !
 address-family ipv4
 exit-address-family
!
interface Loopback201
 vrf forwarding cust2
 ip address 10.99.1.1 255.255.255.0
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
router bgp 4200000100
 bgp router-id ${US}
 bgp log-neighbor-changes
 neighbor ${FRR} remote-as 4200000100
 neighbor ${FRR} transport connection-mode passive
 !
 address-family vpnv4
  neighbor ${FRR} activate
  neighbor ${FRR} send-community both
 exit-address-family
 !
 address-family ipv4 vrf cust2
  redistribute connected
 exit-address-family
!
end
`;

const FRR_IBGP_CONFIG = `frr defaults traditional
hostname frr
route-map RT65101 permit 10
 set extcommunity rt 65101:2
exit
router bgp 4200000100
 bgp router-id ${FRR}
 no bgp default ipv4-unicast
 neighbor ${US} remote-as 4200000100
 address-family ipv4 vpn
  neighbor ${US} activate
  network 10.66.1.0/24 rd 198.18.1.2:7 label 3007 route-map RT65101
 exit-address-family
exit
`;

/** Our router and FRR's bgpd, each in its namespace, joined by a veth pair (and dumpcap on FRR's end). */
interface Pair {
  readonly link: VethLink;
  readonly router: NetnsRouter;
  readonly bgpd: Bgpd;
  readonly capture: NetnsCapture | undefined;
  close(): Promise<void>;
}

async function startPair(name: string, ourConfig: string, frrConfig: string, captureFile?: string): Promise<Pair> {
  const link = VethLink.create({ ns: `flx-${name}-us-${tag}`, ifname: `flx${name}u${tag}` }, { ns: `flx-${name}-frr-${tag}`, ifname: `flx${name}f${tag}`, address: `${FRR}/24` });
  let capture: NetnsCapture | undefined;
  let router: NetnsRouter | undefined;
  try {
    if (captureFile && NetnsCapture.hasDumpcap()) capture = await NetnsCapture.start(link.b.ns, link.b.ifname, captureFile);
    router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: ourConfig });
    const bgpd = await Bgpd.start(link.b.ns, frrConfig);
    const started = router;
    return {
      link,
      router,
      bgpd,
      capture,
      async close() {
        await bgpd.stop();
        await started.close();
        await capture?.stop();
        link.close();
      },
    };
  } catch (err) {
    await capture?.stop();
    await router?.close();
    link.close();
    throw err;
  }
}

/** The line of `show ip bgp vpnv4 all labels` for `prefix` under the RD heading `rd`. */
async function ourLabelLine(router: NetnsRouter, rd: string, prefix: string): Promise<string | undefined> {
  const out = await router.exec("show ip bgp vpnv4 all labels");
  const section = out.split(/^Route Distinguisher: /m).find((s) => s.startsWith(`${rd} `) || s.startsWith(`${rd}\n`));
  return section?.split("\n").find((l) => l.trim().startsWith(prefix));
}

/** Waits for both ends to call the session up, with both sides' logs in the error if they do not. */
async function established(pair: Pair): Promise<void> {
  await waitFor(
    "the session Established on both sides",
    () => (pair.bgpd.vpnPeer(US)?.state === "Established" && pair.router.log.some((l) => l.includes(`%BGP-5-ADJCHANGE: neighbor ${FRR} Up`)) ? true : undefined),
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nour log: ${pair.router.log.join("\n")}\nour stderr: ${pair.router.errors}\nFRR log: ${pair.bgpd.logText.slice(-2000)}`);
  });
}

describe.skipIf(skip !== undefined)(`BGP VPNv4 with FRR's bgpd over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "flexlab-bgp-frr-"));
  let pair: Pair;
  let router: NetnsRouter;
  let bgpd: Bgpd;

  beforeAll(async () => {
    pair = await startPair("bgp", OUR_CONFIG, FRR_CONFIG, join(dir, "session.pcapng"));
    ({ router, bgpd } = pair);
  }, 90_000);

  afterAll(async () => {
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000); // bgpd, the router and dumpcap each get a few seconds to stop before SIGKILL

  it("reaches FRR's namespace from its own over the veth on the packet backend", async () => {
    const out = await router.exec(`ping ${FRR} repeat 3`);
    expect(out).toContain("Success rate is 100 percent (3/3)");
  });

  it("brings the session to Established with VPNv4 negotiated on both sides", async () => {
    await established(pair);
    // IOS's summary row ends in the prefix count once the session is up.
    expect(await router.exec("show ip bgp vpnv4 all summary")).toMatch(new RegExp(`^${FRR.replaceAll(".", "\\.")}\\s+4\\s+65001\\s.*\\s\\d+\\s*$`, "m"));
  }, 90_000);

  it("takes FRR's static VPN routes with their labels and route target, and imports them into the VRF", async () => {
    const line = await waitFor("FRR's 10.77.1.0/24 in our VPNv4 table", () => ourLabelLine(router, "65001:1", "10.77.1.0/24"));
    expect(line).toMatch(new RegExp(`10\\.77\\.1\\.0/24\\s+${FRR.replaceAll(".", "\\.")}\\s+nolabel/2001`));
    expect(await ourLabelLine(router, "65001:1", "10.77.2.0/24")).toMatch(/nolabel\/2002/);
    const detail = await router.exec("show ip bgp vpnv4 all 10.77.1.0/24");
    expect(detail).toContain("RT:65001:1");
    // Imported into cust1 (import RT 65001:1), installed as a B route that pushes FRR's label.
    const route = await waitFor("10.77.1.0/24 in VRF cust1's RIB", async () => {
      const out = await router.exec("show ip route vrf cust1 10.77.1.0");
      return out.includes('Known via "bgp 65000"') ? out : undefined;
    });
    expect(route).toContain(FRR);
    expect(await router.exec("show ip route vrf cust1")).toMatch(/^B\s+10\.77\.1\.0\/24 \[20\/0\] via 198\.18\.1\.2/m);
    // VPN routes live in the VRF only: nothing of them in the global table.
    expect(await router.exec("show ip route")).not.toContain("10.77.");
  }, 90_000);

  it("sends VRF cust1's connected routes to FRR with our RD, a local label and our route target", async () => {
    const path = await waitFor("10.88.1.0/24 at FRR", () => bgpd.vpnPath("65000:1", "10.88.1.0/24"));
    expect(path.valid).toBe(true);
    expect(path.remoteLabel).toBeGreaterThanOrEqual(16);
    expect(path.extendedCommunity?.string).toContain("RT:65000:1");
    expect(path.nexthops?.[0]?.ip).toBe(US);
    expect(path.aspath?.string).toBe("65000");
    const other = bgpd.vpnPath("65000:1", "10.88.2.0/24");
    expect(other?.remoteLabel).toBeGreaterThanOrEqual(16);
    // The label FRR got is the one we show as our in label.
    expect(await ourLabelLine(router, "65000:1", "10.88.1.0/24")).toMatch(new RegExp(`\\s${path.remoteLabel}/nolabel`));
  }, 90_000);

  it("sends our global routes to FRR as labelled IPv4 (send-label, SAFI 4): implicit null for a connected one, our label for a static one; withdrawn with it", async () => {
    type LuPath = { valid?: boolean; remoteLabel?: number; nexthops?: { ip?: string }[] };
    const lu = (prefix: string): LuPath | undefined => bgpd.json<{ paths?: LuPath[] }>(`show bgp ipv4 labeled-unicast ${prefix} json`).paths?.[0];
    const ours = await waitFor("10.55.9.0/24 at FRR as labelled unicast", () => lu("10.55.9.0/24"));
    expect(ours.nexthops?.[0]?.ip).toBe(US);
    expect(await router.exec("show ip bgp labels")).toContain(`   10.55.9.0/24     0.0.0.0         ${ours.remoteLabel}/nolabel`);
    expect(lu("10.55.1.0/24")?.remoteLabel).toBe(3);
    await router.exec("configure terminal\nno ip route 10.55.9.0 255.255.255.0 10.55.1.9\nend");
    await waitFor("10.55.9.0/24 withdrawn at FRR", () => (lu("10.55.9.0/24") === undefined ? true : undefined));
  }, 30_000);

  it("sees FRR withdraw a route, and FRR sees ours withdrawn", async () => {
    bgpd.vtysh("configure terminal", "router bgp 65001", "address-family ipv4 vpn", "no network 10.77.2.0/24 rd 65001:1 label 2002");
    await waitFor("10.77.2.0/24 gone from our VPNv4 table", async () => ((await ourLabelLine(router, "65001:1", "10.77.2.0/24")) === undefined ? true : undefined));
    expect(await ourLabelLine(router, "65001:1", "10.77.1.0/24")).toBeDefined();
    expect(await router.exec("show ip route vrf cust1")).not.toContain("10.77.2.0");

    await router.exec("configure terminal\ninterface Loopback102\nshutdown\nend");
    await waitFor("10.88.2.0/24 gone at FRR", () => (bgpd.vpnPath("65000:1", "10.88.2.0/24") === undefined ? true : undefined));
    expect(bgpd.vpnPath("65000:1", "10.88.1.0/24")?.valid).toBe(true);
  }, 90_000);

  it("answers FRR's route refresh with its routes again, sends one on clear ip bgp * soft, and comes back after clear ip bgp *", async () => {
    const before = bgpd.neighbor(US).messageStats ?? {};
    bgpd.vtysh(`clear bgp ipv4 vpn ${US} soft in`);
    expect(bgpd.neighbor(US).messageStats?.routeRefreshSent).toBe((before.routeRefreshSent ?? 0) + 1);
    // RFC 2918 §4: our Adj-RIB-Out again (its UPDATEs and End-of-RIB), the session staying up.
    await waitFor("our UPDATEs again at FRR after its ROUTE-REFRESH", () => ((bgpd.neighbor(US).messageStats?.updatesRecv ?? 0) > (before.updatesRecv ?? 0) ? true : undefined));
    expect(await router.exec(`show ip bgp neighbors ${FRR}`)).toMatch(/^\s+Route Refresh:\s+\d+\s+1\s*$/m);
    expect(bgpd.neighbor(US).bgpState).toBe("Established");
    expect(bgpd.vpnPath("65000:1", "10.88.1.0/24")?.valid).toBe(true);

    // Soft both ways: a ROUTE-REFRESH to FRR (in) and our whole table to it again (out).
    const updatesBefore = bgpd.neighbor(US).messageStats?.updatesRecv ?? 0;
    await router.exec("clear ip bgp * soft");
    await waitFor("FRR to get our ROUTE-REFRESH", () => ((bgpd.neighbor(US).messageStats?.routeRefreshRecv ?? 0) > (before.routeRefreshRecv ?? 0) ? true : undefined));
    await waitFor("our UPDATEs again at FRR after clear ip bgp * soft", () => ((bgpd.neighbor(US).messageStats?.updatesRecv ?? 0) > updatesBefore ? true : undefined));

    // A hard reset: NOTIFICATION Cease to FRR, the session comes back and the routes with it.
    await router.exec("clear ip bgp *");
    await waitFor("FRR to see the session re-established", () => {
      const n = bgpd.neighbor(US);
      return n.bgpState === "Established" && (n.connectionsEstablished ?? 0) >= 2 ? n : undefined;
    }, 60_000);
    expect(router.log.some((l) => l.includes(`%BGP-5-ADJCHANGE: neighbor ${FRR} Down`))).toBe(true);
    await waitFor("10.88.1.0/24 back at FRR", () => bgpd.vpnPath("65000:1", "10.88.1.0/24"));
    await waitFor("10.77.1.0/24 back in our table", () => ourLabelLine(router, "65001:1", "10.77.1.0/24"));
    expect(await ourLabelLine(router, "65001:1", "10.77.2.0/24")).toBeUndefined();
  }, 90_000);

  it.skipIf(!HAS_TSHARK || !NetnsCapture.hasDumpcap())("captures the session, and flexlab decode reads every packet without an error, as tshark does", async () => {
    // FRR's UPDATEs (its routes, then End-of-RIB) follow its first keepalive after a pause.
    await waitFor("FRR to send its routes", () => ((bgpd.vpnPeer(US)?.pfxSnt ?? 0) >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    await pair.capture!.stop();
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

describe.skipIf(skip !== undefined)(`BGP VPNv4 with FRR's bgpd, iBGP in a 4-octet AS, our side passive${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair("ibgp", OUR_IBGP_CONFIG, FRR_IBGP_CONFIG);
  }, 90_000);

  afterAll(async () => {
    await pair?.close();
  }, 30_000);

  it("accepts FRR's connection and reaches Established as AS 4200000100", async () => {
    await established(pair);
    const neighbor = await pair.router.exec(`show ip bgp neighbors ${FRR}`);
    expect(neighbor).toContain("remote AS 4200000100, internal link");
    expect(neighbor).toContain("Four-octets ASN Capability: advertised and received");
    expect(neighbor).toMatch(new RegExp(`^Local host: ${US.replaceAll(".", "\\.")}, Local port: 179$`, "m"));
  }, 90_000);

  it("exchanges VPNv4 routes with labels over iBGP: LOCAL_PREF, no AS_PATH, next hops unchanged, an IP-address RD", async () => {
    const theirs = await waitFor("FRR's 10.66.1.0/24 in our VPNv4 table", () => ourLabelLine(pair.router, "198.18.1.2:7", "10.66.1.0/24"));
    expect(theirs).toMatch(/10\.66\.1\.0\/24\s+198\.18\.1\.2\s+nolabel\/3007/);
    await waitFor("10.66.1.0/24 in VRF cust2 as an iBGP route", async () => ((await pair.router.exec("show ip route vrf cust2")).match(/^B\s+10\.66\.1\.0\/24 \[200\/0\] via 198\.18\.1\.2/m) ? true : undefined));
    const ours = await waitFor("10.99.1.0/24 at FRR", () => pair.bgpd.vpnPath("65100:2", "10.99.1.0/24"));
    expect(ours).toMatchObject({ valid: true, locPrf: 100, aspath: { string: "Local" }, extendedCommunity: { string: "RT:65100:2" } });
    expect(ours.nexthops?.[0]?.ip).toBe(US);
    expect(await ourLabelLine(pair.router, "65100:2", "10.99.1.0/24")).toMatch(new RegExp(`\\s${ours.remoteLabel}/nolabel\\(cust2\\)`));
  }, 90_000);
});
