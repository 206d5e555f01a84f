import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { emitCarrierMessage, parseCarrierMessage } from "../router/wire/udp-carrier";
import { UdpBridge } from "./bridge";

const A = [0x02, 0, 0, 0, 0, 0x0a];
const B = [0x02, 0, 0, 0, 0, 0x0b];
const C = [0x02, 0, 0, 0, 0, 0x0c];
const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

function frame(dst: number[], src: number[], payload = 0): Uint8Array {
  const f = new Uint8Array(60);
  f.set(dst, 0);
  f.set(src, 6);
  f.set([0x08, 0x00, payload], 12);
  return f;
}

describe("UdpBridge", () => {
  const open: (Socket | UdpBridge)[] = [];
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
  });

  async function node(): Promise<{ socket: Socket; port: number; got: Uint8Array[] }> {
    const socket = createSocket("udp4");
    open.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const got: Uint8Array[] = [];
    socket.on("message", (m) => got.push(new Uint8Array(m)));
    return { socket, port: socket.address().port, got };
  }

  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

  it("relays frames between three endpoints over UDP, flooding then learning", async () => {
    const nodes = [await node(), await node(), await node()];
    const bridge = await UdpBridge.open("link0", nodes.map((n) => ({ nodePort: n.port })));
    open.push(bridge);
    const ports = bridge.ports;
    expect(new Set(ports).size).toBe(3);
    nodes[0].socket.send(frame(BROADCAST, A, 1), ports[0], "127.0.0.1");
    await settle();
    expect(nodes.map((n) => n.got.length)).toEqual([0, 1, 1]);
    nodes[1].socket.send(frame(A, B, 2), ports[1], "127.0.0.1");
    await settle();
    expect(nodes.map((n) => n.got.length)).toEqual([1, 1, 1]);
    expect(nodes[0].got[0][14]).toBe(2);
    expect(bridge.counters).toMatchObject({ framesIn: 2, framesOut: 3, dropped: 0 });
  });

  it("ignores datagrams that do not come from the endpoint's node", async () => {
    const [a, b, stranger] = [await node(), await node(), await node()];
    const bridge = await UdpBridge.open("link1", [{ nodePort: a.port }, { nodePort: b.port }]);
    open.push(bridge);
    stranger.socket.send(frame(BROADCAST, C), bridge.ports[0], "127.0.0.1");
    await settle();
    expect(b.got.length).toBe(0);
    expect(bridge.counters.dropped).toBe(1);
  });

  it("keeps relaying when one endpoint's node is down", async () => {
    const [a, b] = [await node(), await node()];
    const bridge = await UdpBridge.open("link2", [{ nodePort: a.port }, { nodePort: b.port }, { nodePort: 1 }]);
    open.push(bridge);
    for (let i = 0; i < 3; i++) a.socket.send(frame(BROADCAST, A, i), bridge.ports[0], "127.0.0.1");
    await settle();
    expect(b.got.length).toBe(3);
  });

  it("holds frames for the impairment's delay, and relays at once again when it is cleared", async () => {
    const [a, b] = [await node(), await node()];
    const bridge = await UdpBridge.open("link3", [{ nodePort: a.port }, { nodePort: b.port }]);
    open.push(bridge);
    bridge.setImpairment({ delayMs: 150 });
    a.socket.send(frame(BROADCAST, A, 1), bridge.ports[0], "127.0.0.1");
    await settle();
    expect(b.got.length).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.got.length).toBe(1);
    bridge.setImpairment(undefined);
    a.socket.send(frame(BROADCAST, A, 2), bridge.ports[0], "127.0.0.1");
    await settle();
    expect(b.got.map((f) => f[14])).toEqual([1, 2]);
  });

  it("with its cable pulled relays nothing, tells every node, and answers a node that speaks with carrier down", async () => {
    const [a, b] = [await node(), await node()];
    const bridge = await UdpBridge.open("link4", [{ nodePort: a.port }, { nodePort: b.port }]);
    open.push(bridge);
    bridge.setCarrier(false);
    await settle();
    const down = emitCarrierMessage(false);
    expect([a.got, b.got]).toEqual([[down], [down]]);
    a.socket.send(frame(BROADCAST, A, 1), bridge.ports[0], "127.0.0.1");
    await settle();
    expect([a.got.length, b.got.length]).toEqual([2, 1]);
    bridge.setCarrier(true);
    a.socket.send(frame(BROADCAST, A, 2), bridge.ports[0], "127.0.0.1");
    await settle();
    expect(b.got.map((f) => (parseCarrierMessage(f) ?? f[14]))).toEqual([false, true, 2]);
  });
});
