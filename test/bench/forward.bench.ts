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
import { parseIpv4, writeIpv4, writeMac, type Ipv4, type Mac } from "../../core/router/wire/addr";
import { internetChecksum } from "../../core/router/wire/checksum";
import { opsPerSecond, type Benchmark } from "./bench";

const ROUTER_IN_MAC = 0xaabbcc000100 as Mac;
const ROUTER_OUT_MAC = 0xaabbcc000110 as Mac;
const GENERATOR_MAC = 0x020000000001 as Mac;
const SINK_MAC = 0x020000000002 as Mac;
const FRAME_BYTES = 64;
const BATCH = 256;

function addr(text: string): Ipv4 {
  const a = parseIpv4(text);
  if (a === undefined) throw new Error(text);
  return a;
}

/** A 64-byte frame: Ethernet to the router, IPv4 from 10.1.0.2 to 10.2.0.2 (TTL 64), UDP. */
function testFrame(): Uint8Array {
  const f = new Uint8Array(FRAME_BYTES);
  writeMac(f, 0, ROUTER_IN_MAC);
  writeMac(f, 6, GENERATOR_MAC);
  f[12] = 0x08;
  const ip = 14;
  const total = FRAME_BYTES - 14;
  f[ip] = 0x45;
  f[ip + 2] = total >>> 8;
  f[ip + 3] = total & 0xff;
  f[ip + 8] = 64;
  f[ip + 9] = 17;
  writeIpv4(f, ip + 12, addr("10.1.0.2"));
  writeIpv4(f, ip + 16, addr("10.2.0.2"));
  const checksum = internetChecksum(f, ip, ip + 20);
  f[ip + 10] = checksum >>> 8;
  f[ip + 11] = checksum & 0xff;
  f[ip + 20] = 0x30; // UDP 12345 → 33434, no checksum
  f[ip + 21] = 0x39;
  f[ip + 22] = 0x82;
  f[ip + 23] = 0x9a;
  f[ip + 24] = 0;
  f[ip + 25] = total - 20;
  return f;
}

function setup(): { clock: VirtualClock; generator: Nic; delivered: () => number } {
  const clock = new VirtualClock();
  const [generator, routerIn] = memoryPair({ clock, queueFrames: 4 * BATCH });
  const [routerOut, sink] = memoryPair({ clock, queueFrames: 4 * BATCH });
  let count = 0;
  sink.onReceive((f) => {
    if (f[12] === 0x08 && f[13] === 0x00) count++; // IPv4 only: not the gratuitous ARP
  });
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
  return { clock, generator, delivered: () => count };
}

const benchmarks: Benchmark[] = [
  {
    name: "net.ipv4.forward-64B",
    run() {
      const { clock, generator, delivered } = setup();
      const frame = testFrame();
      let sent = 0;
      const rate = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) {
          generator.send(frame);
          sent++;
          if ((i & (BATCH - 1)) === BATCH - 1) clock.runDeferred();
        }
        clock.runDeferred();
      });
      if (delivered() !== sent) throw new Error(`sent ${sent} frames, ${delivered()} came out`);
      return { name: "net.ipv4.forward-64B", value: rate, unit: "packets/s" };
    },
  },
];
export default benchmarks;
