// What link impairment costs when it is set to nothing: a link that was impaired and then
// cleared keeps its impairment paths in place (passing frames straight on), and must forward
// within 10 % of a link that never had one. Measured on the process runtime's UDP bridge
// (frames from one socket through the bridge to another, all on 127.0.0.1 in this process),
// on the simulation's memory pair, and on the agent's port cable (io/cable-nic.ts, where the
// docker runtime impairs: every linked port has one, so it is compared with no cable at all). Trials alternate between the two setups; the best of
// each counts, since on a shared machine other work only ever slows a run down.
import { createSocket, type Socket } from "node:dgram";
import { UdpBridge } from "../../core/lab/bridge";
import { VirtualClock } from "../../core/router/clock/virtual";
import { CableNic } from "../../core/router/io/cable-nic";
import { memoryCable, memoryPair } from "../../core/router/io/memory";
import { opsPerSecond, type Benchmark, type Figure } from "./bench";

const FRAMES = 20_000;
const BURST = 100;
const TRIALS = 5;

function minimumFrame(): Uint8Array {
  const frame = new Uint8Array(64);
  frame.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  return frame;
}

async function boundSocket(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** Frames per second through a bridge between two sockets; `cleared`: impaired, then cleared. */
async function bridgeRate(cleared: boolean): Promise<number> {
  const [a, b] = [await boundSocket(), await boundSocket()];
  const bridge = await UdpBridge.open("bench", [{ nodePort: a.address().port }, { nodePort: b.address().port }]);
  if (cleared) {
    bridge.setImpairment({ delayMs: 1 });
    bridge.setImpairment({});
  }
  let got = 0;
  let last = 0;
  b.on("message", () => {
    got++;
    last = performance.now();
  });
  const frame = minimumFrame();
  const port = bridge.ports[0];
  const start = performance.now();
  for (let sent = 0; sent < FRAMES; sent += BURST) {
    for (let i = 0; i < BURST; i++) a.send(frame, port, "127.0.0.1");
    // Let the bridge and the receiver keep up, as a router's pacing would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Until the last frame is in, or none has come for 100 ms (UDP may drop some on a busy machine).
  while (got < FRAMES && performance.now() - Math.max(last, start) < 100) await new Promise((resolve) => setImmediate(resolve));
  const rate = got / ((last - start) / 1000);
  bridge.close();
  a.close();
  b.close();
  return rate;
}

function memoryRate(cleared: boolean): number {
  const clock = new VirtualClock(0);
  const cable = memoryCable({ clock, random: Math.random });
  if (cleared) {
    cable.setImpairment({ delayMs: 1 });
    cable.setImpairment({});
  }
  const [a, b] = cable.ends;
  let arrived = 0;
  b.onReceive(() => arrived++);
  const frame = minimumFrame();
  return opsPerSecond((n) => {
    for (let done = 0; done < n; done += 256) {
      const k = Math.min(256, n - done);
      for (let i = 0; i < k; i++) a.send(frame);
      clock.runDeferred();
    }
  }, 200, 3);
}

/** Frames per second into a port over a memory pair: bare, or behind a cable impaired and cleared. */
function portRate(cable: boolean): number {
  const clock = new VirtualClock(0);
  const [a, end] = memoryPair({ clock });
  let b = end;
  if (cable) {
    const wrapped = new CableNic(end, { clock });
    wrapped.setImpairment({ delayMs: 1 });
    wrapped.setImpairment({});
    b = wrapped;
  }
  let arrived = 0;
  b.onReceive(() => arrived++);
  const frame = minimumFrame();
  return opsPerSecond((n) => {
    for (let done = 0; done < n; done += 256) {
      const k = Math.min(256, n - done);
      for (let i = 0; i < k; i++) a.send(frame);
      clock.runDeferred();
    }
  }, 200, 3);
}

function overhead(name: string, plain: number, cleared: number): Figure[] {
  return [
    { name: `${name}.plain`, value: plain, unit: "frames/s" },
    { name: `${name}.cleared`, value: cleared, unit: "frames/s" },
    { name, value: Math.max(0, (100 * (plain - cleared)) / plain), unit: "%" },
  ];
}

const benchmarks: Benchmark[] = [
  {
    name: "lab.link.impair-none-overhead",
    async run() {
      let plain = 0;
      let cleared = 0;
      for (let t = 0; t < TRIALS; t++) {
        plain = Math.max(plain, await bridgeRate(false));
        cleared = Math.max(cleared, await bridgeRate(true));
      }
      let memPlain = 0;
      let memCleared = 0;
      for (let t = 0; t < 3; t++) {
        memPlain = Math.max(memPlain, memoryRate(false));
        memCleared = Math.max(memCleared, memoryRate(true));
      }
      let portPlain = 0;
      let portCleared = 0;
      for (let t = 0; t < 3; t++) {
        portPlain = Math.max(portPlain, portRate(false));
        portCleared = Math.max(portCleared, portRate(true));
      }
      return [
        ...overhead("lab.link.impair-none-overhead", plain, cleared),
        ...overhead("lab.link.impair-none-overhead.memory", memPlain, memCleared),
        ...overhead("lab.link.impair-none-overhead.port", portPlain, portCleared),
      ];
    },
  },
];

export default benchmarks;
