// One fill of the BGP RIB, run in a fresh process by bgp-rib.bench.ts so its RSS is the
// RIB's and not the bench runner's: 100,000 VPNv4 /24s (RD 65000:1, RT 65000:1, one label
// each) in UPDATEs of 268 NLRIs, built with the wire emitters, fed to receiveUpdate from one
// iBGP peer. The VRF imports RT 65000:1 under its own RD 1:1, so every route is selected
// twice (its RD's table and the VRF's), imported and installed once. Prints one JSON line.
// With the argument `install`, bestChanged is the router's own BgpInstaller into a real
// IpRouting: each route goes on into the VRF's IP RIB and FIB, its next hop (the remote PE)
// resolved in the global table through a labelled IGP route, as on a PE. Then the neighbor
// goes down and every route is withdrawn again (timed as peerDownSeconds).
import { ipv4, type Ipv4 } from "../../core/router/wire/addr";
import { buildBgpMessage } from "../../core/router/wire/bgp";
import { parseRouteTarget, type ExtendedCommunity } from "../../core/router/wire/bgp-communities";
import type { Vpnv4Route } from "../../core/router/wire/bgp-nlri";
import type { Label } from "../../core/router/wire/mpls";
import { BgpRib, type BgpBestPath, type BgpPeer } from "../../core/router/bgp/rib";
import type { Prefix } from "../../core/router/wire/addr";
import { BgpInstaller } from "../../core/router/bgp/install";
import { VirtualClock } from "../../core/router/clock/virtual";
import { memoryPair } from "../../core/router/io/memory";
import { NetStack } from "../../core/router/net/stack";
import { IpRouting } from "../../core/router/routing/ip-routing";

const install = process.argv.includes("install");

const ROUTES = 100_000;
const PER_UPDATE = 268;
const rt = parseRouteTarget("65000:1") as ExtendedCommunity;

const messages: Uint8Array[] = [];
for (let first = 0; first < ROUTES; first += PER_UPDATE) {
  const nlri: Vpnv4Route[] = [];
  for (let i = first; i < Math.min(ROUTES, first + PER_UPDATE); i++) {
    nlri.push({ labels: [(16 + (i % 1000)) as Label], rd: { type: 0, asn: 65000, assigned: 1 }, prefix: { addr: ipv4(10 + (i >> 16), (i >> 8) & 255, i & 255, 0), len: 24 } });
  }
  messages.push(
    buildBgpMessage(
      {
        type: "update", withdrawn: [], nlri: [],
        attributes: [
          { type: "origin", origin: 0 },
          { type: "as-path", segments: [] },
          { type: "local-pref", localPref: 100 },
          { type: "mp-reach", family: "vpnv4", nextHop: ipv4(10, 255, 0, 2) as Ipv4, nlri },
          { type: "extended-communities", communities: [rt] },
        ],
      },
      { fourOctetAs: true },
    ),
  );
}

/** The speaker's side in miniature: a next-hop cost lookup, and a table of installed VRF
 * routes with their labels, as the routing RIB would get them. */
const costs = new Map<number, number>([[ipv4(10, 255, 0, 2), 10]]);
const installed = new Map<number, Label | undefined>();
let bestChanged = 0;
let installer: BgpInstaller | undefined;
let routing: IpRouting | undefined;
if (install) {
  const clock = new VirtualClock();
  const stack = new NetStack({ clock });
  routing = new IpRouting(stack);
  const eth = stack.addEthernet("Ethernet0/0", memoryPair({ clock }, ["pe1:e0/0", "p:e0/0"])[0]);
  eth.setAddress(ipv4(10, 0, 12, 1), 24);
  eth.setShutdown(false);
  clock.runDeferred();
  stack.addVrf("cust1");
  // The remote PE's loopback by the IGP, with the LDP label toward it.
  routing.rib.upsert(undefined, { prefix: { addr: ipv4(10, 255, 0, 2), len: 32 }, protocol: "ospf", distance: 110, metric: 10, nextHops: [{ address: ipv4(10, 0, 12, 2), interface: "Ethernet0/0", labels: [100 as Label] }] });
  installer = new BgpInstaller(routing, () => {
    throw new Error("no local labels in this fill");
  }, () => 65000);
}
const rib = new BgpRib(
  { localAs: 65000, routerId: ipv4(10, 255, 0, 1), maximumPaths: 1, vrfs: new Map([["cust1", { rd: { type: 0, asn: 1, assigned: 1 }, importRts: [rt], exportRts: [rt] }]]) },
  {
    nextHopCost: (nh) => (installer !== undefined ? installer.nextHopCost(nh) : costs.get(nh)),
    allocateLabel: () => undefined,
    releaseLabel: () => {},
    bestChanged(vrf: string, prefix: Prefix, best: readonly BgpBestPath[] | undefined) {
      bestChanged++;
      installer?.bestChanged(vrf, prefix, best);
      if (vrf !== "cust1") return;
      if (prefix.len !== 24) throw new Error(`unexpected /${prefix.len}`);
      const key = prefix.addr | 0;
      if (best) installed.set(key, best[0].label);
      else installed.delete(key);
    },
    updatesReady: () => {},
  },
);
const pe: BgpPeer = {
  address: ipv4(10, 255, 0, 2), localAddress: ipv4(10, 255, 0, 1), routerId: ipv4(10, 255, 0, 2), remoteAs: 65000, ebgp: false, vrf: "",
  families: new Set(["vpnv4"]), fourOctetAs: true,
  policy: { nextHopSelf: false, sendCommunity: "both", routeReflectorClient: false, allowAsIn: 0 },
};
rib.peerUp(pe);
rib.takeUpdates(pe);

global.gc?.();
const before = process.memoryUsage();
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
for (const m of messages) {
  const err = rib.receiveUpdate(pe, m, 19, m.length);
  if (err) throw new Error(String(err));
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
let labelled = 0;
for (const label of installed.values()) if (label !== undefined) labelled++;
if (installed.size !== ROUTES || labelled !== ROUTES || bestChanged !== ROUTES) {
  throw new Error(`filled ${installed.size} routes, ${labelled} labelled, ${bestChanged} bestChanged; want ${ROUTES}`);
}
if (routing !== undefined) {
  const inRib = routing.rib.routes("cust1").length;
  const inFib = routing.stack.vrf("cust1")?.fib.size ?? 0;
  const sample = routing.stack.vrf("cust1")?.fib.lookup(ipv4(11, 134, 134, 9));
  const labels = sample?.paths[0]?.labels?.join("/");
  if (inRib !== ROUTES || inFib !== ROUTES || labels !== `100/${16 + (99_974 % 1000)}`) throw new Error(`installed ${inRib} RIB routes, ${inFib} FIB entries, sample labels ${labels}`);
}
const outgoing = rib.takeUpdates(pe).length;
global.gc?.();
const mem = process.memoryUsage();
// Then the neighbor goes down: every route withdrawn, out of the VRF, the RIB and the FIB.
const downStart = process.hrtime.bigint();
rib.peerDown(pe);
const peerDownSeconds = Number(process.hrtime.bigint() - downStart) / 1e9;
const left = installed.size + (routing?.rib.routes("cust1").length ?? 0) + (routing?.stack.vrf("cust1")?.fib.size ?? 0);
if (left !== 0 || rib.counts("vpnv4").networks !== 0) throw new Error(`after the neighbor went down ${left} routes are left, ${rib.counts("vpnv4").networks} networks`);
console.log(JSON.stringify({ seconds, cpuSeconds, rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20, rssBeforeMb: before.rss / 2 ** 20, heapBeforeMb: before.heapUsed / 2 ** 20, messages: messages.length, outgoing, peerDownSeconds }));
