import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { UdpTunnelNic } from "./udp-tunnel";

function frame(tag: number, len = 64): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  f[14] = tag;
  return f;
}

function nextFrame(nic: UdpTunnelNic): Promise<Uint8Array> {
  return new Promise((resolve) => nic.onReceive(resolve));
}

const opened: UdpTunnelNic[] = [];
afterEach(() => {
  for (const nic of opened.splice(0)) nic.close();
});

async function tunnelEnd(name: string): Promise<{ nic: UdpTunnelNic; port: number }> {
  const nic = new UdpTunnelNic({ name, localHost: "127.0.0.1", localPort: 0 });
  opened.push(nic);
  return { nic, port: await nic.open() };
}

describe("UdpTunnelNic", () => {
  it("has no carrier until it knows a peer, then carries whole frames both ways", async () => {
    const a = await tunnelEnd("a");
    const b = await tunnelEnd("b");
    expect(a.nic.isUp).toBe(false);
    expect(a.nic.send(frame(1))).toBe(false);
    a.nic.setPeers([{ host: "127.0.0.1", port: b.port }]);
    b.nic.setPeers([{ host: "127.0.0.1", port: a.port }]);
    expect(a.nic.isUp && b.nic.isUp).toBe(true);
    const atB = nextFrame(b.nic);
    expect(a.nic.send(frame(7, 1514))).toBe(true);
    const got = await atB;
    expect(got.length).toBe(1514);
    expect(got[14]).toBe(7);
    const atA = nextFrame(a.nic);
    b.nic.send(frame(8));
    expect((await atA)[14]).toBe(8);
  });

  it("sends each frame to every peer of a link of three ends, like a hub", async () => {
    const [a, b, c] = [await tunnelEnd("a"), await tunnelEnd("b"), await tunnelEnd("c")];
    a.nic.setPeers([{ host: "127.0.0.1", port: b.port }, { host: "127.0.0.1", port: c.port }]);
    b.nic.setPeers([{ host: "127.0.0.1", port: a.port }, { host: "127.0.0.1", port: c.port }]);
    c.nic.setPeers([{ host: "127.0.0.1", port: a.port }, { host: "127.0.0.1", port: b.port }]);
    const both = Promise.all([nextFrame(b.nic), nextFrame(c.nic)]);
    a.nic.send(frame(3));
    expect((await both).map((f) => f[14])).toEqual([3, 3]);
    expect(a.nic.counters.txFrames).toBe(1);
  });

  it("counts and drops datagrams from anyone but a peer", async () => {
    const a = await tunnelEnd("a");
    const b = await tunnelEnd("b");
    a.nic.setPeers([{ host: "127.0.0.1", port: b.port }]);
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.bind(0, "127.0.0.1", () => resolve()));
    stranger.send(frame(1), a.port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 50));
    stranger.close();
    b.nic.setPeers([{ host: "127.0.0.1", port: a.port }]);
    const arrived = nextFrame(a.nic);
    b.nic.send(frame(9));
    expect((await arrived)[14]).toBe(9);
    expect(a.nic.counters).toMatchObject({ rxFrames: 1, rxDrops: 1 });
  });

  it("takes new peers while it runs (a Pod recreated with a new address) and refuses bad ones", async () => {
    const a = await tunnelEnd("a");
    const b = await tunnelEnd("b");
    const changes: boolean[] = [];
    a.nic.onLinkChange((up) => changes.push(up));
    a.nic.setPeers([{ host: "127.0.0.1", port: b.port }]);
    await Promise.resolve();
    a.nic.setPeers([]);
    await Promise.resolve();
    expect(changes).toEqual([true, false]);
    expect(() => a.nic.setPeers([{ host: "pod-1", port: 4000 }])).toThrow(/not a dotted IPv4/);
    expect(() => a.nic.setPeers([{ host: "10.0.0.1", port: 0 }])).toThrow(/not 1\.\.65535/);
    expect(a.nic.peers).toEqual([]);
  });
});
