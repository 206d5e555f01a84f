// NHRP spoke-to-spoke shortcuts at scale: one FlexVPN hub with 1,000 spokes in the harness
// (virtual clock), IKEv2 with pre-shared keys. The "internet" is a router (INET) with the hub
// on one port and the spokes on WAN segments of 100 each (one flat segment of 1,001 makes
// every ARP request reach every router: that run's top cost, and no ISP's network). Each
// spoke pushes its LAN address (Loopback1, 10.2.x.y/32) to the hub with `route set interface
// Loopback1` and reaches the other spokes through a static 10.2.0.0/16 via Tunnel0; the
// spoke-to-spoke sessions use a second IKEv2 profile without authorization, so they push
// nothing and the NHRP routes stand alone. Once every spoke is up, each sends a ping a second
// to two other spokes picked by a seeded PRNG: the first packets go via the hub, which
// redirects; the spokes resolve, bring up IKEv2/IPsec to each other and install H routes.
//   nhrp.hub-1000.shortcuts-up: wall time from the first pings until every pair's H route is
//     installed at the sender;
//   nhrp.hub-1000.mem-per-router: heap used with everything up, divided by the 1,002 routers
//     (hub, INET and the spokes).
// NHRP_BENCH_SPOKES=50 runs a smaller network (same figure names with the count in them).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Simulation } from "../../core/router/sim/harness";
import { ping } from "../../core/router/net/ping";
import { prefix, type Ipv4 } from "../../core/router/wire/addr";
import type { Benchmark, Figure } from "./bench";

const SPOKES = Number(process.env["NHRP_BENCH_SPOKES"] ?? 1000);
const TARGETS_PER_SPOKE = 2;

const HUB = `hostname HUB
aaa new-model
aaa authorization network default local
crypto ikev2 authorization policy default
 pool spokes
 route set interface
crypto ikev2 keyring KR
 peer any
  address 0.0.0.0 0.0.0.0
  pre-shared-key bench-secret
crypto ikev2 profile default
 match identity remote fqdn domain spokes.lab
 identity local fqdn hub.lab
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
 aaa authorization group psk list default default
 virtual-template 1
crypto ipsec profile default
 set ikev2-profile default
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
interface Ethernet0/0
 ip address 172.16.0.1 255.255.255.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 ip nhrp network-id 1
 ip nhrp redirect
 tunnel protection ipsec profile default
ip local pool spokes 10.1.0.1 10.1.15.254
ip route 0.0.0.0 0.0.0.0 172.16.0.254
end
`;

/** Spokes per WAN segment. */
const SEGMENT = 100;
const segmentOf = (i: number) => Math.floor((i - 1) / SEGMENT);
const wan = (i: number) => `172.16.${1 + segmentOf(i)}.${1 + ((i - 1) % SEGMENT)}`;
const portName = (p: number) => `Ethernet${p >> 2}/${p & 3}`;

/** INET: port 0 toward the hub (172.16.0.0/24), port k+1 to segment k (172.16.k+1.0/24). */
function inet(segments: number): string {
  let text = "hostname INET\n";
  for (let p = 0; p <= segments; p++) text += `interface ${portName(p)}\n ip address 172.16.${p}.254 255.255.255.0\n`;
  return text + "end\n";
}
const lan = (i: number) => `10.2.${i >> 8}.${i & 255}`;
const lanAddr = (i: number) => (((10 << 24) | (2 << 16) | i) >>> 0) as Ipv4;

function spoke(i: number): string {
  return `hostname S${i}
aaa new-model
aaa authorization network default local
crypto ikev2 authorization policy default
 route set interface Loopback1
crypto ikev2 keyring KR
 peer any
  address 0.0.0.0 0.0.0.0
  pre-shared-key bench-secret
crypto ikev2 profile hub
 match identity remote fqdn hub.lab
 identity local fqdn s${i}.spokes.lab
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
 aaa authorization group psk list default default
crypto ikev2 profile s2s
 match identity remote fqdn domain spokes.lab
 identity local fqdn s${i}.spokes.lab
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
 virtual-template 1
crypto ipsec profile hub
 set ikev2-profile hub
crypto ipsec profile s2s
 set ikev2-profile s2s
interface Loopback1
 ip address ${lan(i)} 255.255.255.255
interface Tunnel0
 ip address negotiated
 ip nhrp network-id 1
 ip nhrp shortcut virtual-template 1
 tunnel source Ethernet0/0
 tunnel destination 172.16.0.1
 tunnel protection ipsec profile hub
interface Virtual-Template1 type tunnel
 ip unnumbered Tunnel0
 ip nhrp network-id 1
 ip nhrp shortcut virtual-template 1
 tunnel protection ipsec profile s2s
interface Ethernet0/0
 ip address ${wan(i)} 255.255.255.0
ip route 0.0.0.0 0.0.0.0 172.16.${1 + segmentOf(i)}.254
ip route 10.2.0.0 255.255.0.0 Tunnel0
end
`;
}

/** A small seeded PRNG (mulberry32): the same pairs every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function heapUsedAfterGc(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(): Promise<Figure[]> {
  const segments = Math.ceil(SPOKES / SEGMENT);
  const nodes: Record<string, string> = { HUB, INET: inet(segments) };
  const links: { node: string; iface: string }[][] = [[{ node: "HUB", iface: "Ethernet0/0" }, { node: "INET", iface: portName(0) }]];
  for (let k = 0; k < segments; k++) links.push([{ node: "INET", iface: portName(k + 1) }]);
  for (let i = 1; i <= SPOKES; i++) {
    nodes[`S${i}`] = spoke(i);
    links[1 + segmentOf(i)]!.push({ node: `S${i}`, iface: "Ethernet0/0" });
  }
  const sim = new Simulation({ nodes, links, hardware: (node) => (node === "INET" ? { ports: segments + 1 } : {}) });
  try {
    const bootStart = performance.now();
    sim.settle(120_000);
    const hubSessions = sim.node("HUB").router.stack.interfaces().filter((i) => i.name.startsWith("Virtual-Access")).length;
    if (hubSessions !== SPOKES) throw new Error(`only ${hubSessions} of ${SPOKES} spokes came up to the hub`);
    const bootS = (performance.now() - bootStart) / 1000;

    const random = mulberry32(12);
    const pairs: { from: number; to: number }[] = [];
    for (let i = 1; i <= SPOKES; i++) {
      const picked = new Set<number>();
      while (picked.size < TARGETS_PER_SPOKE) {
        const j = 1 + Math.floor(random() * SPOKES);
        if (j !== i) picked.add(j);
      }
      for (const j of picked) pairs.push({ from: i, to: j });
    }

    // Each pair is a flow of one ping a second, starting at a seeded offset within the first
    // 10 s (all 2,000 in one instant would overflow the hub's 40-packet output queue, as on
    // IOS), until its shortcut is up; a lost resolution is retried by the flow's later packets.
    const flows = pairs.map((p) => ({ ...p, next: sim.clock.now() + Math.floor(random() * 10_000) }));
    const shortcutUp = ({ from, to }: { from: number; to: number }) => sim.node(`S${from}`).router.routing.rib.installed(undefined, prefix(lanAddr(to), 32))?.route.protocol === "nhrp";
    const pings: Promise<unknown>[] = [];
    let waiting = flows;
    const deadline = sim.clock.now() + 600_000;
    const start = performance.now();
    while (waiting.length > 0) {
      if (sim.clock.now() > deadline) throw new Error(`${waiting.length} of ${pairs.length} shortcuts not up after 600 s of virtual time, e.g. S${waiting[0]!.from} → S${waiting[0]!.to}`);
      const now = sim.clock.now();
      for (const f of waiting) {
        if (f.next > now) continue;
        f.next = now + 1000;
        pings.push(ping(sim.node(`S${f.from}`).router.stack, { dst: lanAddr(f.to), source: lanAddr(f.from), repeat: 1, timeoutMs: 1000 }));
      }
      sim.advance(100);
      await turn();
      waiting = waiting.filter((f) => !shortcutUp(f));
    }
    const upS = (performance.now() - start) / 1000;
    // The last pings' timeouts, on the virtual clock (untimed).
    let pending = pings.length;
    for (const p of pings) void p.finally(() => pending--);
    while (pending > 0) {
      sim.advance(1000);
      await turn();
    }
    const perRouterMb = heapUsedAfterGc() / (SPOKES + 2) / 2 ** 20;
    const name = `nhrp.hub-${SPOKES}`;
    if (process.env["NHRP_BENCH_VERBOSE"]) console.error(`${name}: ${SPOKES} spokes up in ${bootS.toFixed(1)} s wall, ${pairs.length} shortcuts`);
    return [
      { name: `${name}.shortcuts-up`, value: upS, unit: "s" },
      { name: `${name}.mem-per-router`, value: perRouterMb, unit: "MB" },
    ];
  } finally {
    sim.close();
  }
}

const benchmarks: Benchmark[] = [{ name: `nhrp.hub-${SPOKES}.shortcuts-up`, run }];
export default benchmarks;
