// TCP bulk throughput between two harness routers (issue 10, item 1): R1 connects to R2's
// listener over one memory link and sends 64 MB as fast as the window and backpressure
// allow; R2's onData counts it. The figure is payload Mbit/s in real (CPU) time: the virtual
// clock only runs deferred deliveries and the delayed-ACK tasks, so the cost measured is the
// stack's own — segmenting, checksums, forwarding, ARP-resolved Ethernet, demux, ACKs.
import { Simulation } from "../../core/router/sim/harness";
import { ipv4 } from "../../core/router/wire/addr";
import type { Benchmark } from "./bench";

const config = (n: number) => `hostname R${n}
interface Ethernet0/0
 ip address 10.0.0.${n} 255.255.255.0
`;

const CHUNK_BYTES = 64 * 1024;

function transfer(totalBytes: number): number {
  const sim = new Simulation({ nodes: { R1: config(1), R2: config(2) }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  try {
    sim.settle();
    const r1 = sim.node("R1").router.stack;
    const r2 = sim.node("R2").router.stack;
    let received = 0;
    const listener = r2.tcp.listen({ vrf: r2.globalVrf, port: 5001 }, (c) => c.onData((b) => (received += b.length)));
    if (typeof listener === "string") throw new Error(listener);
    const client = r1.tcp.connect({ vrf: r1.globalVrf, remote: ipv4(10, 0, 0, 2), port: 5001 });
    if (typeof client === "string") throw new Error(client);
    sim.advance(2000);
    if (client.state !== "ESTABLISHED") throw new Error(`connection is ${client.state}`);
    const chunk = new Uint8Array(CHUNK_BYTES).fill(0x5a);
    let written = 0;
    const fill = () => {
      while (written < totalBytes) {
        written += CHUNK_BYTES;
        if (!client.write(chunk)) return;
      }
    };
    client.onDrain(fill);
    const start = process.hrtime.bigint();
    fill();
    while (received < totalBytes) sim.advance(1);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    client.close();
    return (totalBytes * 8) / seconds / 1e6;
  } finally {
    sim.close();
  }
}

const benchmarks: Benchmark[] = [
  {
    name: "net.tcp.bulk",
    run() {
      transfer(8 * 1024 * 1024); // warm up the JIT
      let best = 0;
      for (let i = 0; i < 3; i++) best = Math.max(best, transfer(64 * 1024 * 1024));
      return { name: "net.tcp.bulk", value: Math.round(best), unit: "Mbit/s" };
    },
  },
];

export default benchmarks;
