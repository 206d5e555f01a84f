// NHRP spoke-to-spoke shortcuts at scale: one FlexVPN hub with 1,000 spokes in the harness
// (virtual clock, one shared WAN segment), IKEv2 with pre-shared keys. Each spoke pushes its
// LAN address (Loopback1, 10.2.x.y/32) to the hub with `route set interface Loopback1` and
// reaches the other spokes through a static 10.2.0.0/16 via Tunnel0; the spoke-to-spoke
// sessions use a second IKEv2 profile without authorization, so they push nothing and the
// NHRP routes stand alone. Once every spoke is up, each pings two other spokes picked by a
// seeded PRNG: the first packets go via the hub, which redirects; the spokes resolve, bring
// up IKEv2/IPsec to each other and install H routes.
//   nhrp.hub-1000.shortcuts-up: wall time from the first pings until every pair's H route is
//     installed at the sender;
//   nhrp.hub-1000.mem-per-router: heap used with everything up, divided by the 1,001 routers.
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
 ip address 172.16.0.1 255.255.0.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 ip nhrp network-id 1
 ip nhrp redirect
 tunnel protection ipsec profile default
ip local pool spokes 10.1.0.1 10.1.15.254
end
`;

const wan = (i: number) => `172.16.${1 + (i >> 8)}.${i & 255}`;
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
 ip address ${wan(i)} 255.255.0.0
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
  const nodes: Record<string, string> = { HUB };
  for (let i = 1; i <= SPOKES; i++) nodes[`S${i}`] = spoke(i);
  const sim = new Simulation({ nodes, links: [[{ node: "HUB", iface: "Ethernet0/0" }, ...Array.from({ length: SPOKES }, (_, k) => ({ node: `S${k + 1}`, iface: "Ethernet0/0" }))]] });
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

    const start = performance.now();
    const pings = pairs.map(({ from, to }) => ping(sim.node(`S${from}`).router.stack, { dst: lanAddr(to), source: lanAddr(from), repeat: 3, timeoutMs: 2000 }));
    const shortcutUp = ({ from, to }: { from: number; to: number }) => sim.node(`S${from}`).router.routing.rib.installed(undefined, prefix(lanAddr(to), 32))?.route.protocol === "nhrp";
    let waiting = pairs;
    const deadline = sim.clock.now() + 600_000;
    while (waiting.length > 0) {
      if (sim.clock.now() > deadline) throw new Error(`${waiting.length} of ${pairs.length} shortcuts not up after 600 s of virtual time, e.g. S${waiting[0]!.from} → S${waiting[0]!.to}`);
      sim.advance(100);
      await turn();
      waiting = waiting.filter((p) => !shortcutUp(p));
    }
    const upS = (performance.now() - start) / 1000;
    // The pings' last probes, on the virtual clock (untimed).
    let pending = pings.length;
    for (const p of pings) void p.finally(() => pending--);
    while (pending > 0) {
      sim.advance(1000);
      await turn();
    }
    const results = await Promise.all(pings);
    const lost = results.filter((r) => r.probes.at(-1) !== "!").length;
    if (lost > 0) throw new Error(`${lost} of ${pings.length} pings lost their last probe, after the shortcuts were up`);
    const perRouterMb = heapUsedAfterGc() / (SPOKES + 1) / 2 ** 20;
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
