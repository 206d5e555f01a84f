// What the forwarding benchmarks (forward.bench.ts, mpls.bench.ts) share: addresses from
// text, the 64-byte test packet's IPv4/UDP headers, a sink that counts the IPv4 frames it
// gets, and the send loop that pushes one frame in batches through the virtual clock's
// deferred queue.
import type { VirtualClock } from "../../core/router/clock/virtual";
import type { Nic } from "../../core/router/io/nic";
import { parseIpv4, writeIpv4, type Ipv4 } from "../../core/router/wire/addr";
import { internetChecksum } from "../../core/router/wire/checksum";
import { opsPerSecond } from "./bench";

/** Frames sent between two runs of the deferred queue. */
export const BATCH = 256;

export function addr(text: string): Ipv4 {
  const a = parseIpv4(text);
  if (a === undefined) throw new Error(text);
  return a;
}

/** Writes an IPv4 header (TTL 64, checksummed) at `ip` and a UDP header (12345 → 33434, no
 * checksum) after it, the packet running to the end of `f`. */
export function writeUdpPacket(f: Uint8Array, ip: number, src: Ipv4, dst: Ipv4): void {
  const total = f.length - ip;
  f[ip] = 0x45;
  f[ip + 2] = total >>> 8;
  f[ip + 3] = total & 0xff;
  f[ip + 8] = 64;
  f[ip + 9] = 17;
  writeIpv4(f, ip + 12, src);
  writeIpv4(f, ip + 16, dst);
  const checksum = internetChecksum(f, ip, ip + 20);
  f[ip + 10] = checksum >>> 8;
  f[ip + 11] = checksum & 0xff;
  f[ip + 20] = 0x30; // UDP 12345 → 33434, no checksum
  f[ip + 21] = 0x39;
  f[ip + 22] = 0x82;
  f[ip + 23] = 0x9a;
  f[ip + 24] = 0;
  f[ip + 25] = total - 20;
}

/** Counts the IPv4 frames `sink` receives (not the gratuitous ARP). */
export function countIpv4(sink: Nic): () => number {
  let count = 0;
  sink.onReceive((f) => {
    if (f[12] === 0x08 && f[13] === 0x00) count++;
  });
  return () => count;
}

/** Sends `frame` from `source` as fast as it goes, running the deferred queue every BATCH
 * frames: the rate in frames per second, and how many were sent. */
export function sendRate(clock: VirtualClock, source: Nic, frame: Uint8Array): { rate: number; sent: number } {
  let sent = 0;
  const rate = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      source.send(frame);
      sent++;
      if ((i & (BATCH - 1)) === BATCH - 1) clock.runDeferred();
    }
    clock.runDeferred();
  });
  return { rate, sent };
}
