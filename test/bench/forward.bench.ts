// IPv4 forwarding rate through one router (issue: IPv4 data plane). A traffic generator on a
// memory link sends 64-byte Ethernet frames (14-byte header + 50-byte IPv4/UDP packet) to the
// router's Ethernet0/0; the router looks the destination up in its FIB, decrements the TTL
// and sends each packet out of Ethernet0/1 to a sink on a second memory link. Deliveries run
// from the virtual clock's deferred queue, as in the simulation harness.
import { VirtualClock } from "../../core/router/clock/virtual";
import { memoryPair } from "../../core/router/io/memory";
import type { Nic } from "../../core/router/io/nic";
import { NetStack } from "../../core/router/net/stack";
import { IpRouting } from "../../core/router/routing/ip-routing";
import { writeMac, type Mac } from "../../core/router/wire/addr";
import type { Benchmark } from "./bench";
import { BATCH, addr, countIpv4, sendRate, writeUdpPacket } from "./forwarding";

const ROUTER_IN_MAC = 0xaabbcc000100 as Mac;
const ROUTER_OUT_MAC = 0xaabbcc000110 as Mac;
const GENERATOR_MAC = 0x020000000001 as Mac;
const SINK_MAC = 0x020000000002 as Mac;
const FRAME_BYTES = 64;

/** A 64-byte frame: Ethernet to the router, IPv4 from 10.1.0.2 to 10.2.0.2 (TTL 64), UDP. */
function testFrame(): Uint8Array {
  const f = new Uint8Array(FRAME_BYTES);
  writeMac(f, 0, ROUTER_IN_MAC);
  writeMac(f, 6, GENERATOR_MAC);
  f[12] = 0x08;
  writeUdpPacket(f, 14, addr("10.1.0.2"), addr("10.2.0.2"));
  return f;
}

function setup(): { clock: VirtualClock; generator: Nic; delivered: () => number } {
  const clock = new VirtualClock();
  const [generator, routerIn] = memoryPair({ clock, queueFrames: 4 * BATCH });
  const [routerOut, sink] = memoryPair({ clock, queueFrames: 4 * BATCH });
  const delivered = countIpv4(sink);
  generator.onReceive(() => {});
  const stack = new NetStack({ clock });
  const routing = new IpRouting(stack);
  const e0 = stack.addEthernet("Ethernet0/0", routerIn, { mac: ROUTER_IN_MAC, adminUp: true });
  const e1 = stack.addEthernet("Ethernet0/1", routerOut, { mac: ROUTER_OUT_MAC, adminUp: true });
  e0.setAddress(addr("10.1.0.1"), 24);
  e1.setAddress(addr("10.2.0.1"), 24);
  e1.arp.addStatic(addr("10.2.0.2"), SINK_MAC);
  clock.settle(1000);
  if (routing.rib.routes(undefined).length !== 4) throw new Error("connected routes missing");
  return { clock, generator, delivered };
}

const benchmarks: Benchmark[] = [
  {
    name: "net.ipv4.forward-64B",
    run() {
      const { clock, generator, delivered } = setup();
      const frame = testFrame();
      const { rate, sent } = sendRate(clock, generator, frame);
      if (delivered() !== sent) throw new Error(`sent ${sent} frames, ${delivered()} came out`);
      return { name: "net.ipv4.forward-64B", value: rate, unit: "packets/s" };
    },
  },
];
export default benchmarks;
