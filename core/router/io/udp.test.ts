import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { UdpNic } from "./udp";

function frame(tag: number, len = 64): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  f[14] = tag;
  return f;
}

function nextFrame(nic: UdpNic): Promise<Uint8Array> {
  return new Promise((resolve) => nic.onReceive(resolve));
}

const opened: UdpNic[] = [];
afterEach(() => {
  for (const nic of opened.splice(0)) nic.close();
});

/** Two UdpNics pointed at each other, as a bridge would be. */
async function pair(): Promise<[UdpNic, UdpNic]> {
  // Reserve b's port first so a can point at it.
  const b0 = new UdpNic({ name: "b", remote: { host: "127.0.0.1", port: 9 } });
  opened.push(b0);
  const bPort = await b0.open();
  const a = new UdpNic({ name: "a", remote: { host: "127.0.0.1", port: bPort } });
  opened.push(a);
  const aPort = await a.open();
  b0.close();
  const b = new UdpNic({ name: "b", localPort: bPort, remote: { host: "127.0.0.1", port: aPort } });
  opened.push(b);
  await b.open();
  return [a, b];
}

describe("UdpNic", () => {
  it("exchanges whole frames both ways over 127.0.0.1, one datagram each", async () => {
    const [a, b] = await pair();
    expect(a.isUp && b.isUp).toBe(true);
    const atB = nextFrame(b);
    expect(a.send(frame(1))).toBe(true);
    expect(Array.from((await atB).subarray(0, 15))).toEqual(Array.from(frame(1).subarray(0, 15)));
    const atA = nextFrame(a);
    expect(b.send(frame(2, 1514))).toBe(true);
    const back = await atA;
    expect(back.length).toBe(1514);
    expect(back[14]).toBe(2);
    expect(a.counters).toMatchObject({ txFrames: 1, txBytes: 64, rxFrames: 1, rxBytes: 1514 });
  });

  it("lets the sender reuse its buffer at once", async () => {
    const [a, b] = await pair();
    const got: number[] = [];
    const done = new Promise<void>((resolve) =>
      b.onReceive((f) => {
        got.push(f[14]);
        if (got.length === 3) resolve();
      }),
    );
    const buf = frame(0);
    for (let i = 1; i <= 3; i++) {
      buf[14] = i;
      a.send(buf);
    }
    await done;
    expect(got).toEqual([1, 2, 3]);
  });

  it("counts runt and oversized datagrams as rx drops without throwing", async () => {
    const bridge = createSocket("udp4");
    await new Promise<void>((resolve) => bridge.bind(0, "127.0.0.1", () => resolve()));
    const nic = new UdpNic({ name: "r", remote: { host: "127.0.0.1", port: bridge.address().port }, maxFrameBytes: 1518 });
    opened.push(nic);
    const port = await nic.open();
    const arrived = nextFrame(nic);
    for (const size of [0, 13, 1519]) bridge.send(new Uint8Array(size), port, "127.0.0.1");
    bridge.send(frame(9), port, "127.0.0.1");
    expect((await arrived)[14]).toBe(9);
    bridge.close();
    expect(nic.counters).toMatchObject({ rxFrames: 1, rxDrops: 3 });
  });

  it("drops sends while admin down or before open, and reports the link change", async () => {
    const nic = new UdpNic({ name: "x", remote: { host: "127.0.0.1", port: 9 } });
    opened.push(nic);
    expect(nic.isUp).toBe(false);
    expect(nic.send(frame(1))).toBe(false);
    const changes: boolean[] = [];
    nic.onLinkChange((up) => changes.push(up));
    await nic.open();
    await Promise.resolve();
    nic.setUp(false);
    expect(nic.send(frame(1))).toBe(false);
    await Promise.resolve();
    expect(changes).toEqual([true, false]);
    expect(nic.counters.txDrops).toBe(2);
  });

  it("refuses any remote or local address outside 127.0.0.0/8, names included", () => {
    for (const host of ["10.0.0.1", "0.0.0.0", "localhost", "::1", "192.168.1.1"]) {
      expect(() => new UdpNic({ name: "x", remote: { host, port: 4000 } })).toThrow(/only 127\.0\.0\.0\/8 addresses are allowed/);
    }
    expect(() => new UdpNic({ name: "x", localHost: "0.0.0.0", remote: { host: "127.0.0.1", port: 4000 } })).toThrow(/local host/);
    expect(() => new UdpNic({ name: "x", remote: { host: "127.0.0.1", port: 0 } })).toThrow(/remote port/);
  });

  it("says which port could not be bound", async () => {
    const a = new UdpNic({ name: "a", remote: { host: "127.0.0.1", port: 9 } });
    opened.push(a);
    const port = await a.open();
    const b = new UdpNic({ name: "b", localPort: port, remote: { host: "127.0.0.1", port: 9 } });
    await expect(b.open()).rejects.toThrow(new RegExp(`UdpNic b: cannot bind 127\\.0\\.0\\.1:${port}`));
  });
});
