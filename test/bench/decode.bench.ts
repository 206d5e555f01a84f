// `flexlab decode`'s speed over a mixed capture (ARP, ICMP, 802.1Q, GRE/MPLS, UDP, TCP, ESP,
// ICMP errors, fragments: one of every frame FlexLab emits, repeated), in packets per second:
// each packet walked layer by layer with its fields built, and its one-line summary made.
// decode.capture also counts reading the pcapng file from memory.
import { decodeCapture } from "../../core/lab/decode";
import { decodePacket, summarizePacket } from "../../core/router/wire/decode";
import { concatBytes } from "../../core/router/wire/bytes";
import { isWireError } from "../../core/router/wire/errors";
import { readCapture } from "../../core/router/wire/pcap";
import { LINKTYPE_ETHERNET, PcapngWriter } from "../../core/router/wire/pcapng";
import { SAMPLE_FRAMES } from "../../core/router/wire/testdata/frames";
import { opsPerSecond, type Benchmark } from "./bench";

const PACKETS = 12_000;

function mixedCapture(): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new PcapngWriter((c) => chunks.push(c));
  const id = writer.addInterface("Ethernet0/0", LINKTYPE_ETHERNET, { tsresol: 9 });
  for (let i = 0; i < PACKETS; i++) writer.writePacket(id, 1_764_300_000_000_000_000n + BigInt(i) * 1000n, SAMPLE_FRAMES[i % SAMPLE_FRAMES.length].frame);
  return concatBytes(chunks);
}

const benchmarks: Benchmark[] = [
  {
    name: "decode.packets",
    run() {
      const file = mixedCapture();
      const records = readCapture(file);
      if (isWireError(records)) throw new Error(records.toString());
      let chars = 0;
      const packets = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) {
          const r = records[i % records.length];
          chars += summarizePacket(decodePacket(r.data, r.linkType)).length;
        }
      });
      // A whole file per run: best of five, as opsPerSecond would report it.
      let best = Infinity;
      for (let t = 0; t < 6; t++) {
        const start = process.hrtime.bigint();
        const decoded = decodeCapture(file);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (!decoded.ok) throw new Error(decoded.message);
        chars += decoded.records.length;
        if (t > 0) best = Math.min(best, ms); // the first run warms the JIT
      }
      const capture = (PACKETS / best) * 1000;
      if (chars === 0) throw new Error("nothing decoded");
      return [
        { name: "decode.packets", value: packets, unit: "packets/s" },
        { name: "decode.capture", value: capture, unit: "packets/s" },
      ];
    },
  },
];

export default benchmarks;
