import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../clock/real";
import { parseMac } from "../wire/addr";
import { findInterfaceByMac, linuxInterfaceInfo, packetSocketStatus, PacketNic } from "./packet";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const status = packetSocketStatus();
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync("ip", ["-V"]).status === 0;
const vethSkip = !status.available ? status.reason : !isRoot ? "needs root for namespaces and AF_PACKET" : !hasIp ? "iproute2's ip is missing" : undefined;

const TEST_ETHERTYPE = 0x88b5;
const MAC_A = "02:00:00:00:0a:01";
const MAC_B = "02:00:00:00:0b:01";

function ip(...args: string[]): string {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A test frame A → B, optionally 802.1Q-tagged, with `seq` as its first payload byte. */
function testFrame(seq: number, vlan?: number): Uint8Array {
  const header = vlan === undefined ? 14 : 18;
  const f = new Uint8Array(header + 46);
  f.set([2, 0, 0, 0, 0x0b, 1, 2, 0, 0, 0, 0x0a, 1], 0);
  let at = 12;
  if (vlan !== undefined) {
    f.set([0x81, 0x00, (vlan >> 8) & 0x0f, vlan & 0xff], 12);
    at = 16;
  }
  f[at] = TEST_ETHERTYPE >> 8;
  f[at + 1] = TEST_ETHERTYPE & 0xff;
  f[at + 2] = seq;
  for (let i = at + 3; i < f.length; i++) f[i] = i;
  return f;
}

/** Resolves with the frames the predicate accepts once `count` have arrived. */
function collect(nic: PacketNic, count: number, accept: (f: Uint8Array) => boolean): Promise<Uint8Array[]> {
  return new Promise((resolvePromise, reject) => {
    const got: Uint8Array[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} frames`)), 5000);
    nic.onReceive((f) => {
      if (!accept(f)) return;
      got.push(f);
      if (got.length === count) {
        clearTimeout(timer);
        resolvePromise(got);
      }
    });
  });
}

const isReply = (f: Uint8Array): boolean => {
  const at = f[12] === 0x81 && f[13] === 0 ? 16 : 12;
  return ((f[at] << 8) | f[at + 1]) === TEST_ETHERTYPE && (f[at + 2] & 0x80) !== 0;
};

describe.skipIf(!status.available)(`PacketNic without a namespace${status.available ? "" : ` (skipped: ${status.reason})`}`, () => {
  it("says which interface does not exist", () => {
    expect(() => new PacketNic({ ifname: "flx-nonesuch0" })).toThrow(/flx-nonesuch0.*No such device/);
    expect(() => linuxInterfaceInfo("flx-nonesuch0")).toThrow(/No such device/);
  });

  it("reads interface facts without privilege", () => {
    const lo = linuxInterfaceInfo("lo");
    expect(lo).toMatchObject({ ifindex: 1, up: true, hardwareType: 772 });
  });
});

describe.skipIf(vethSkip !== undefined)(`PacketNic over a veth pair into a network namespace${vethSkip ? ` (skipped: ${vethSkip})` : ""}`, () => {
  const tag = String(process.pid % 100000);
  const ns = `flx-io-${tag}`;
  const vethA = `flxa${tag}`;
  const vethB = `flxb${tag}`;
  let peer: ChildProcessWithoutNullStreams | undefined;
  let peerMac = "";
  let nic: PacketNic;

  beforeAll(async () => {
    spawnSync("ip", ["netns", "del", ns]);
    ip("netns", "add", ns);
    ip("link", "add", vethA, "address", MAC_A, "type", "veth", "peer", "name", vethB, "address", MAC_B, "netns", ns);
    // No IPv6 link-local address: keeps the kernel's own frames (DAD, MLD) off the link.
    ip("link", "set", vethA, "addrgenmode", "none");
    ip("-n", ns, "link", "set", vethB, "addrgenmode", "none");
    ip("link", "set", vethA, "up");
    ip("-n", ns, "link", "set", vethB, "up");

    nic = new PacketNic({ ifname: vethA, name: "Ethernet0/0", clock: new RealClock(), carrierPollMs: 20 });
    // The far end runs in the namespace, in its own process.
    peer = spawn("ip", ["netns", "exec", ns, process.execPath, "--import", "tsx", "core/router/io/packet.peer.ts", vethB], { cwd: repoRoot });
    const child = peer;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    peerMac = await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer did not start: ${stderr}`)), 15_000);
      child.once("exit", (code) => reject(new Error(`peer exited with ${code}: ${stderr}`)));
      createInterface({ input: child.stdout }).once("line", (line) => {
        clearTimeout(timer);
        resolvePromise(line.replace(/^ready /, ""));
      });
    });
  }, 30_000);

  afterAll(async () => {
    nic?.close();
    if (peer && peer.exitCode === null) {
      const exited = new Promise((r) => peer?.once("exit", r));
      peer.stdin.end();
      const timer = setTimeout(() => peer?.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    spawnSync("ip", ["netns", "del", ns]); // takes both veth ends with it
  });

  it("reads the interface MAC as the bia, and finds the interface by it", () => {
    expect(nic.bia).toBe(parseMac(MAC_A));
    expect(peerMac).toBe(MAC_B);
    expect(findInterfaceByMac(parseMac(MAC_A)!)).toBe(vethA);
    expect(nic.name).toBe("Ethernet0/0");
    expect(nic.isUp).toBe(true);
  });

  it("exchanges whole frames both ways with a process in another namespace", async () => {
    const before = { ...nic.counters };
    const replies = collect(nic, 20, isReply);
    for (let i = 0; i < 20; i++) expect(nic.send(testFrame(i))).toBe(true);
    const got = await replies;
    expect(got.map((f) => f[14] & 0x7f)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const expected = testFrame(3);
    expected.set(testFrame(3).subarray(6, 12), 0);
    expected.set(testFrame(3).subarray(0, 6), 6);
    expected[14] |= 0x80;
    expect(Array.from(got[3])).toEqual(Array.from(expected));
    expect(nic.counters.txFrames - before.txFrames).toBe(20);
    expect(nic.counters.rxFrames - before.rxFrames).toBeGreaterThanOrEqual(20);
  });

  it("keeps 802.1Q tags that the kernel strips on receive", async () => {
    const replies = collect(nic, 1, isReply);
    nic.send(testFrame(9, 100));
    const [reply] = await replies;
    expect(Array.from(reply.subarray(12, 19))).toEqual([0x81, 0x00, 0x00, 100, 0x88, 0xb5, 9 | 0x80]);
    expect(reply.length).toBe(testFrame(9, 100).length);
  });

  it("refuses runts and oversized frames as tx drops", () => {
    const drops = nic.counters.txDrops;
    expect(nic.send(new Uint8Array(10))).toBe(false);
    expect(nic.send(new Uint8Array(nic.maxFrameBytes + 1))).toBe(false);
    expect(nic.counters.txDrops - drops).toBe(2);
  });

  it("follows the carrier when the far end goes down and up", async () => {
    const changes: boolean[] = [];
    const waitFor = (up: boolean) =>
      new Promise<void>((resolvePromise) => {
        nic.onLinkChange((u) => {
          changes.push(u);
          if (u === up) resolvePromise();
        });
      });
    const down = waitFor(false);
    ip("-n", ns, "link", "set", vethB, "down");
    await down;
    expect(nic.isUp).toBe(false);
    expect(nic.send(testFrame(1))).toBe(false);
    const up = waitFor(true);
    ip("-n", ns, "link", "set", vethB, "up");
    await up;
    expect(changes).toEqual([false, true]);
  });

  it("holds promiscuous mode only while open", () => {
    const promiscuity = () => Number(/promiscuity (\d+)/.exec(ip("-d", "link", "show", vethA))?.[1]);
    const base = promiscuity();
    const promisc = new PacketNic({ ifname: vethA, promiscuous: true });
    expect(promiscuity()).toBe(base + 1);
    promisc.close();
    expect(promiscuity()).toBe(base);
  });
});
