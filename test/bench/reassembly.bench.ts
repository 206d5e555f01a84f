// IPv4 reassembly (issue 9, defect 4) and the receive-path fuzzer's speed.
// - 40k 8-byte fragments of one datagram, the attack that cost 31 s of router CPU when every
//   arrival re-sorted all fragments held: now bounded at 64 per datagram, linear in total.
// - Whole 64 KiB datagrams in 45 fragments arriving in a scrambled order: the normal case.
// - The fuzzer's frames per second through a whole Router, which sets how many frames the
//   suite can afford in CI.
import { VirtualClock } from "../../core/router/clock/virtual";
import { Reassembly } from "../../core/router/net/reassembly";
import { ipv4Fragment } from "../../core/router/net/testdata/ipv4-fragments";
import { fuzzReceivePath, seedFor } from "../fuzz/receive-path";
import { opsPerSecond, type Benchmark } from "./bench";

const benchmarks: Benchmark[] = [
  {
    name: "net.ipv4.reassembly.40k-fragments",
    run() {
      const clock = new VirtualClock();
      const r = new Reassembly<undefined>(clock, () => {});
      const eight = new Uint8Array(8);
      const frames = Array.from({ length: 40_000 }, (_, i) => ipv4Fragment(1, ((i % 8188) + 1) * 8, eight, true));
      let best = Infinity;
      for (let trial = 0; trial < 5; trial++) {
        const start = process.hrtime.bigint();
        for (const f of frames) r.add(0, f, 0, f.length, undefined);
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
        clock.advance(60_000);
      }
      return { name: "net.ipv4.reassembly.40k-fragments", value: best, unit: "ms" };
    },
  },
  {
    name: "net.ipv4.reassembly.64KiB-datagrams",
    run() {
      const clock = new VirtualClock();
      const r = new Reassembly<undefined>(clock, () => {});
      const payload = new Uint8Array(65_000);
      const pieces: { offset: number; data: Uint8Array; more: boolean }[] = [];
      for (let offset = 0; offset < payload.length; offset += 1480) {
        pieces.push({ offset, data: payload.subarray(offset, Math.min(offset + 1480, payload.length)), more: offset + 1480 < payload.length });
      }
      // A fixed scramble: every 7th piece first, then the rest.
      const order = [...pieces.filter((_, i) => i % 7 === 0), ...pieces.filter((_, i) => i % 7 !== 0)].reverse();
      const frames = order.map((p) => ipv4Fragment(9, p.offset, p.data, p.more));
      let complete = 0;
      const rate = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) {
          for (const f of frames) if (r.add(0, f, 0, f.length, undefined).kind === "complete") complete++;
        }
      });
      if (r.inProgress !== 0 || complete === 0) throw new Error("datagrams did not complete");
      return { name: "net.ipv4.reassembly.64KiB-datagrams", value: rate, unit: "datagrams/s" };
    },
  },
  {
    name: "fuzz.receive-path",
    run() {
      const frames = 200_000;
      return (["icmp", "fragments", "gre"] as const).map((protocol) => {
        const r = fuzzReceivePath({ protocol, frames, seed: seedFor(1, protocol) });
        if (r.bugCount !== 0) throw new Error(`${r.bugCount} bugs fuzzing ${protocol}`);
        return { name: `fuzz.receive-path.${protocol}`, value: (frames / r.elapsedMs) * 1000, unit: "frames/s" };
      });
    },
  },
];
export default benchmarks;
