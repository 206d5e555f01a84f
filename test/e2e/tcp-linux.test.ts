// Interop with the Linux kernel's TCP: our router's Ethernet0/0 is a packet socket on one end
// of a veth pair, the other end lives in a network namespace this test creates, where the
// kernel has 10.99.0.2/24 and node:net servers and clients run. Data goes both ways, opened
// from either side; a Python server with TCP_MD5SIG checks our RFC 2385 signatures. Needs root, iproute2, python3 (to turn off the veth's checksum offload,
// as ethtool -K tx off would: otherwise the kernel leaves TCP checksums for "hardware" that a
// packet socket never sees filled in) and the packet-socket addon (`npm run build:packet-socket`).
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RealClock } from "../../core/router/clock/real";
import { NicDecorator } from "../../core/router/io/nic-decorator";
import { PacketNic, packetSocketStatus } from "../../core/router/io/packet";
import type { TcpConnection } from "../../core/router/net/tcp/connection";
import { Router } from "../../core/router/node/router";
import { ipv4, parseMac, type Mac } from "../../core/router/wire/addr";

const status = packetSocketStatus();
const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync("ip", ["-V"]).status === 0;
const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;
const skip = !status.available ? status.reason : !isRoot ? "needs root for namespaces and AF_PACKET" : !hasIp ? "iproute2's ip is missing" : !hasPython ? "python3 is missing (turns off checksum offload)" : undefined;

/** ETHTOOL_STXCSUM off through SIOCETHTOOL, run inside the namespace. */
const TX_CHECKSUM_OFF = `
import array, fcntl, socket, struct, sys
value = array.array("B", struct.pack("II", 0x17, 0))
request = struct.pack("16sP", sys.argv[1].encode(), value.buffer_info()[0]).ljust(40, b"\\0")
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fcntl.ioctl(sock.fileno(), 0x8946, request)
`;

/** Echoes every connection's bytes back and half-closes when the client does. */
const KERNEL_ECHO_SERVER = `
const net = require("node:net");
net.createServer((c) => c.pipe(c)).listen(5001, "10.99.0.2", () => console.log("listening"));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

/** Connects to our router, sends 256 KB, half-closes, and reports what came back. */
const KERNEL_CLIENT = `
const net = require("node:net");
const data = Buffer.alloc(262144);
for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 255;
const chunks = [];
const c = net.connect(179, "10.99.0.1", () => c.end(data));
c.on("data", (d) => chunks.push(d));
c.on("end", () => {
  const all = Buffer.concat(chunks);
  console.log(all.length + " " + (all.equals(data) ? "same" : "different"));
  process.exit(0);
});
c.on("error", (e) => { console.log("error " + e.message); process.exit(1); });
`;

/** A kernel server whose socket signs and checks with TCP_MD5SIG (RFC 2385) for 10.99.0.1. */
const KERNEL_MD5_ECHO_SERVER = `
import socket, struct
key = b"flexlab"
s = socket.socket()
peer = (struct.pack("=H", socket.AF_INET) + struct.pack("!H", 0) + socket.inet_aton("10.99.0.1")).ljust(128, b"\\0")
s.setsockopt(socket.IPPROTO_TCP, 14, peer + struct.pack("=BBHI", 0, 0, len(key), 0) + key.ljust(80, b"\\0"))
s.bind(("10.99.0.2", 5002))
s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
`;

const OUR_MAC = parseMac("02:00:00:00:99:01") as Mac;

/** The router's port takes a MAC of its own, so the host kernel ignores its frames (other host). */
class OwnMac extends NicDecorator {
  override get bia(): Mac {
    return OUR_MAC;
  }
}

function ip(...args: string[]): string {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 9)) & 255;
  return bytes;
}

describe.skipIf(skip !== undefined)(`TCP against the Linux kernel over a veth pair${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const tag = String(process.pid % 100000);
  const ns = `flx-tcp-${tag}`;
  const vethA = `flxta${tag}`;
  const vethB = `flxtb${tag}`;
  let router: Router;
  const children: ReturnType<typeof spawn>[] = [];

  beforeAll(async () => {
    spawnSync("ip", ["netns", "del", ns]);
    ip("netns", "add", ns);
    ip("link", "add", vethA, "type", "veth", "peer", "name", vethB, "netns", ns);
    ip("link", "set", vethA, "addrgenmode", "none");
    ip("-n", ns, "link", "set", vethB, "addrgenmode", "none");
    const off = spawnSync("ip", ["netns", "exec", ns, "python3", "-c", TX_CHECKSUM_OFF, vethB], { encoding: "utf8" });
    if (off.status !== 0) throw new Error(`checksum offload: ${off.stderr}`);
    ip("-n", ns, "addr", "add", "10.99.0.2/24", "dev", vethB);
    ip("link", "set", vethA, "up");
    ip("-n", ns, "link", "set", vethB, "up");
    ip("-n", ns, "link", "set", "lo", "up");
    const clock = new RealClock();
    const nic = new OwnMac(new PacketNic({ ifname: vethA, name: "Ethernet0/0", clock, promiscuous: true, carrierPollMs: 50 }));
    router = new Router({ clock, ports: { "Ethernet0/0": nic } });
    router.boot("hostname R1\ninterface Ethernet0/0\n ip address 10.99.0.1 255.255.255.0\n");
    await new Promise((r) => setTimeout(r, 300));
  }, 30_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    router?.close();
    spawnSync("ip", ["netns", "del", ns]);
  });

  function inNamespace(script: string) {
    const child = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", script]);
    children.push(child);
    return child;
  }

  it("connects to a kernel server and gets 256 KB echoed back, then both FINs", async () => {
    const server = inNamespace(KERNEL_ECHO_SERVER);
    await new Promise<void>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`kernel server exited with ${code}`)));
      createInterface({ input: server.stdout! }).once("line", () => resolve());
    });
    const stack = router.stack;
    const conn = stack.tcp.connect({ vrf: stack.globalVrf, remote: ipv4(10, 99, 0, 2), port: 5001 });
    if (typeof conn === "string") throw new Error(conn);
    const sent = pattern(256 * 1024);
    const chunks: Uint8Array[] = [];
    conn.onData((b) => chunks.push(b.slice()));
    const ended = new Promise<void>((resolve) => conn.onEnd(resolve));
    const closed = new Promise<string>((resolve) => conn.onClose(resolve));
    conn.onConnect(() => {
      conn.write(sent);
      conn.close();
    });
    await ended;
    expect(Buffer.concat(chunks).equals(Buffer.from(sent))).toBe(true);
    expect(await closed).toBe("closed");
    expect(conn.state).toBe("TIME-WAIT");
    server.stdin!.end();
  }, 20_000);

  it("accepts a kernel client's connection and echoes its 256 KB back", async () => {
    const stack = router.stack;
    const accepted: TcpConnection[] = [];
    const listener = stack.tcp.listen({ vrf: stack.globalVrf, port: 179 }, (c) => {
      accepted.push(c);
      c.onData((b) => c.write(b));
      c.onEnd(() => c.close());
    });
    if (typeof listener === "string") throw new Error(listener);
    const client = inNamespace(KERNEL_CLIENT);
    const line = await new Promise<string>((resolve, reject) => {
      client.once("exit", (code) => reject(new Error(`kernel client exited with ${code}`)));
      createInterface({ input: client.stdout! }).once("line", resolve);
    });
    expect(line).toBe("262144 same");
    expect(accepted).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(accepted[0].state).toBe("CLOSED"); // we closed second: LAST-ACK, then CLOSED on the kernel's ACK
    listener.close();
  }, 20_000);

  it("interoperates with the kernel's TCP MD5 signatures (RFC 2385), and gets nothing with the wrong key", async () => {
    const server = spawn("ip", ["netns", "exec", ns, "python3", "-c", KERNEL_MD5_ECHO_SERVER]);
    children.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`kernel MD5 server exited with ${code}`)));
      createInterface({ input: server.stdout! }).once("line", () => resolve());
    });
    const stack = router.stack;
    const wrong = stack.tcp.connect({ vrf: stack.globalVrf, remote: ipv4(10, 99, 0, 2), port: 5002, md5Key: "other" });
    const conn = stack.tcp.connect({ vrf: stack.globalVrf, remote: ipv4(10, 99, 0, 2), port: 5002, md5Key: "flexlab" });
    if (typeof conn === "string" || typeof wrong === "string") throw new Error("connect failed");
    const sent = pattern(64 * 1024);
    const chunks: Uint8Array[] = [];
    conn.onData((b) => chunks.push(b.slice()));
    const ended = new Promise<void>((resolve) => conn.onEnd(resolve));
    conn.onConnect(() => {
      conn.write(sent);
      conn.close();
    });
    await ended;
    expect(Buffer.concat(chunks).equals(Buffer.from(sent))).toBe(true);
    expect(wrong.state).toBe("SYN-SENT"); // the kernel drops unsigned-by-this-key segments silently
    wrong.abort();
    server.kill("SIGKILL");
  }, 20_000);

  it("answers a kernel connect to a closed port with RST (ECONNREFUSED)", async () => {
    const probe = inNamespace(`require("node:net").connect(2323, "10.99.0.1").on("error", (e) => { console.log(e.code); process.exit(0); }).on("connect", () => { console.log("connected"); process.exit(0); });`);
    const line = await new Promise<string>((resolve) => createInterface({ input: probe.stdout! }).once("line", resolve));
    expect(line).toBe("ECONNREFUSED");
  }, 20_000);
});
