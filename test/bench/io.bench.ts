// Frame I/O backends: how fast a memory link forwards in virtual time, and how many frames
// two UdpNics on 127.0.0.1 carry, next to bare dgram sockets doing the same. Both UDP ends
// share this one process and its one thread, so expect about a third of the figure between
// two processes in machine-facts.md.
import { createSocket } from "node:dgram";
import { VirtualClock } from "../../core/router/clock/virtual";
import { MemoryHub, memoryPair } from "../../core/router/io/memory";
import { UdpNic } from "../../core/router/io/udp";
import { opsPerSecond, type Benchmark, type Figure } from "./bench";

/** A 64-byte Ethernet II frame (minimum size, FCS excluded). */
function minimumFrame(): Uint8Array {
  const frame = new Uint8Array(64);
  frame.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  return frame;
}

/**
 * R1 → R2 → R3 over two memory pairs: R2's receive handler sends each frame on, as a router
 * forwarding one hop would. A VirtualClock runs the deferred deliveries after each burst.
 */
function memoryForward(): Figure {
  const burst = 256;
  const clock = new VirtualClock(0);
  const [r1, r2in] = memoryPair({ clock }, ["R1:e0/0", "R2:e0/0"]);
  const [r2out, r3] = memoryPair({ clock }, ["R2:e0/1", "R3:e0/0"]);
  r2in.onReceive((frame) => r2out.send(frame));
  let arrived = 0;
  r3.onReceive(() => arrived++);
  const frame = minimumFrame();
  let sent = 0;
  const rate = opsPerSecond((n) => {
    for (let done = 0; done < n; done += burst) {
      const k = Math.min(burst, n - done);
      for (let i = 0; i < k; i++) r1.send(frame);
      clock.runDeferred();
    }
    sent += n;
  });
  if (arrived !== sent) throw new Error(`io.memory.forward: ${sent} sent, ${arrived} arrived`);
  return { name: "io.memory.forward", value: rate, unit: "frames/s" };
}

/**
 * A learning MemoryHub with four ports (a switch): R1 sends 64-byte frames to R2, whose MAC
 * the hub learnt, so each frame is a MAC table learn and lookup and one delivery, not a flood.
 */
function memoryHubLearning(): Figure {
  const burst = 256;
  const clock = new VirtualClock(0);
  const hub = new MemoryHub({ clock, learning: true });
  const [r1, r2, r3, r4] = ["R1", "R2", "R3", "R4"].map((n) => hub.port(`${n}:e0/0`));
  let arrived = 0;
  let flooded = 0;
  r2.onReceive(() => arrived++);
  for (const other of [r3, r4]) other.onReceive(() => flooded++);
  const toR2 = minimumFrame(); // dst 02:00:00:00:00:02, src 02:00:00:00:00:01
  const fromR2 = minimumFrame();
  fromR2.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2], 0);
  r2.send(fromR2); // the hub learns R2's MAC
  clock.runDeferred();
  arrived = 0;
  flooded = 0;
  let sent = 0;
  const rate = opsPerSecond((n) => {
    for (let done = 0; done < n; done += burst) {
      const k = Math.min(burst, n - done);
      for (let i = 0; i < k; i++) r1.send(toR2);
      clock.runDeferred();
    }
    sent += n;
  });
  if (arrived !== sent || flooded !== 0) throw new Error(`io.memory.hub-learning: ${sent} sent, ${arrived} arrived, ${flooded} flooded`);
  return { name: "io.memory.hub-learning", value: rate, unit: "frames/s" };
}

/**
 * Calls `send` for about a second, keeping at most `window` frames in flight so the kernel's
 * socket buffers never overflow; returns frames received per second. `received` is bumped by
 * the caller's receive handler, which calls the returned `topUp` now and then.
 */
async function pump(send: () => boolean, setup: (onFrame: () => void) => void): Promise<number> {
  const window = 256;
  const durationMs = 1000;
  let sent = 0;
  let received = 0;
  let lost = 0;
  let running = true;
  const topUp = (): void => {
    while (running && sent - received - lost < window && send()) sent++;
  };
  setup(() => {
    received++;
    if ((received & 31) === 0) topUp();
  });
  // A lost datagram would shrink the window for good: every 20 ms without progress, write off what is in flight.
  let lastReceived = -1;
  const watchdog = setInterval(() => {
    if (received === lastReceived) lost = sent - received;
    lastReceived = received;
    topUp();
  }, 20);
  const start = process.hrtime.bigint();
  topUp();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  running = false;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(watchdog);
  return (received / ms) * 1000;
}

/** Two UdpNics in this process, pointed at each other, 64-byte frames one way; plus bare dgram sockets doing the same, for scale. */
async function udpLoopback(): Promise<Figure[]> {
  const probe = new UdpNic({ name: "rx", remote: { host: "127.0.0.1", port: 9 } });
  const rxPort = await probe.open();
  const tx = new UdpNic({ name: "tx", remote: { host: "127.0.0.1", port: rxPort } });
  const txPort = await tx.open();
  probe.close(); // reopen on the same port, now pointed back at the sender
  const rx = new UdpNic({ name: "rx", localPort: rxPort, remote: { host: "127.0.0.1", port: txPort } });
  await rx.open();
  const frame = minimumFrame();
  const ours = await pump(() => tx.send(frame), (onFrame) => rx.onReceive(onFrame));
  tx.close();
  rx.close();

  const a = createSocket("udp4");
  const b = createSocket("udp4");
  await new Promise<void>((resolve) => b.bind(0, "127.0.0.1", () => resolve()));
  await new Promise<void>((resolve) => a.connect(b.address().port, "127.0.0.1", () => resolve()));
  const bare = await pump(
    () => {
      a.send(frame);
      return true;
    },
    (onFrame) => b.on("message", onFrame),
  );
  a.close();
  b.close();
  return [
    { name: "io.udp.loopback", value: ours, unit: "frames/s" },
    { name: "io.udp.loopback.dgram", value: bare, unit: "frames/s" },
  ];
}

const benchmarks: Benchmark[] = [
  { name: "io.memory.forward", run: memoryForward },
  { name: "io.memory.hub-learning", run: memoryHubLearning },
  { name: "io.udp.loopback", run: udpLoopback },
];
export default benchmarks;
