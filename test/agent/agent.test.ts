// The router node agent end to end, as the runtimes use it: two agents started with the CLI
// contract (`node --import tsx core/router/agent/main.ts …`), their Ethernet0/0 wired to each
// other over UDP on 127.0.0.1, then driven through the telnet console and the mgmt API.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MgmtClient, MgmtReply } from "../../core/api/mgmt-client";
import type { CapturedFrame, LogEvent } from "../../core/api/mgmt";
import type { InterfaceRow } from "../../core/api/tables";
import { connectMgmt, mgmtUrl } from "../../core/lab/mgmt-client";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "test-token-0123456789abcdef";
const IAC = 255;

const configOf = (name: string, address: string): string =>
  [`hostname ${name}`, "!", "no ip domain lookup", "!", "interface Ethernet0/0", ` ip address ${address} 255.255.255.0`, " no shutdown", "!", "end", ""].join("\n");

interface Node {
  readonly name: string;
  readonly dir: string;
  readonly child: ChildProcess;
  readonly consolePort: number;
  readonly mgmtPort: number;
  stderr: string;
}

let base = "";
const nodes: Node[] = [];
let mgmt: MgmtClient;

/** A free UDP port on 127.0.0.1 (free when asked; the agent binds it right after). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Starts an agent the way the process runtime does and waits for its ready line. */
async function startNode(name: string, address: string, port: string, tokenEnv = "FLEXLAB_TOKEN"): Promise<Node> {
  const dir = join(base, name);
  await mkdir(dir);
  await writeFile(join(dir, `${name}.cfg`), configOf(name, address));
  const args = ["--import", "tsx", "core/router/agent/main.ts", "--name", name, "--dir", dir, "--config", `${name}.cfg`, "--console-port", "0", "--mgmt-port", "0", "--port", port];
  if (tokenEnv !== "FLEXLAB_TOKEN") args.push("--token-env", tokenEnv);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, [tokenEnv]: TOKEN }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /^flexlab-agent ready name=(\S+) console=(\d+) mgmt=(\d+)\n$/.exec(stdout);
      if (m) resolve(m);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before ready: ${stderr}`)));
  });
  expect(ready[1]).toBe(name);
  const node: Node = { name, dir, child, consolePort: Number(ready[2]), mgmtPort: Number(ready[3]), stderr };
  child.stderr!.on("data", (d: Buffer) => (node.stderr += d.toString()));
  return node;
}

function ok<T>(reply: MgmtReply<T>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

/** Resolves when `predicate` holds, polling; fails the test after `ms`. */
async function until(what: string, predicate: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "flexlab-agent-"));
  const [p1, p2] = [await freeUdpPort(), await freeUdpPort()];
  nodes.push(
    ...(await Promise.all([
      startNode("R1", "10.0.12.1", `Ethernet0/0=udp:${p1}:${p2}`),
      startNode("R2", "10.0.12.2", `Ethernet0/0=udp:${p2}:${p1}`, "R2_SECRET"),
    ])),
  );
  const connected = await connectMgmt({ port: nodes[0].mgmtPort, token: TOKEN });
  if (!connected.ok) throw new Error(connected.message);
  mgmt = connected.client;
}, 15_000);

afterAll(async () => {
  mgmt?.close();
  for (const n of nodes) if (n.child.exitCode === null) n.child.kill("SIGKILL");
  if (base) await rm(base, { recursive: true, force: true });
});

/**
 * A telnet client's view of the console: strips IAC commands and applies backspaces and
 * carriage returns the way a terminal does, so assertions read what the user would see.
 */
class ConsoleClient {
  readonly socket: Socket;
  readonly raw: number[] = [];
  private lines: string[] = [""];
  private col = 0;
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.on("data", (d: Buffer) => this.receive(d));
    this.socket.on("close", () => (this.closed = true));
  }

  get screen(): string {
    return this.lines.join("\n");
  }

  type(text: string): void {
    this.socket.write(text);
  }

  async waitFor(pattern: RegExp | string, ms = 3000): Promise<void> {
    const test = (): boolean => (typeof pattern === "string" ? this.screen.includes(pattern) : pattern.test(this.screen));
    await until(`console to show ${String(pattern)}; screen:\n${this.screen}`, test, ms);
  }

  private receive(d: Buffer): void {
    this.raw.push(...d);
    for (let i = 0; i < d.length; i++) {
      const b = d[i];
      if (b === IAC) {
        i += d[i + 1] === 250 ? d.indexOf(240, i) - i : 2; // skip a subnegotiation or a 3-byte option
        continue;
      }
      const row = this.lines.length - 1;
      if (b === 13) this.col = 0;
      else if (b === 10) {
        this.lines.push("");
        this.col = 0;
      } else if (b === 8) this.col = Math.max(0, this.col - 1);
      else if (b >= 32) {
        const line = this.lines[row].padEnd(this.col);
        this.lines[row] = line.slice(0, this.col) + String.fromCharCode(b) + line.slice(this.col + 1);
        this.col++;
      }
    }
  }
}

describe("the router node agent", () => {
  it("serves an IOS console over telnet", async () => {
    const c = new ConsoleClient(nodes[0].consolePort);
    await c.waitFor("Press RETURN to get started.");
    // The server offers to echo, suppress go-ahead, and asks for the window size.
    expect(c.raw.slice(0, 9)).toEqual([IAC, 251, 1, IAC, 251, 3, IAC, 253, 31]);
    c.socket.write(Uint8Array.of(IAC, 253, 1, IAC, 253, 3, IAC, 251, 31, IAC, 250, 31, 0, 80, 0, 40, IAC, 240));

    c.type("\r\n");
    await c.waitFor(/\nR1>$/);
    c.type("enable\r\n");
    await c.waitFor(/\nR1#$/);

    c.type("show ip interface brief\r\n");
    await c.waitFor("Ethernet0/0            10.0.12.1       YES NVRAM  up                    up");

    c.type("show ?");
    await c.waitFor(/ {2}ip +IP information/);
    await c.waitFor(/\nR1#show $/); // the line comes back after the help
    c.type("\x15"); // Ctrl-U

    c.type("show ip interfase brief\r\n");
    await c.waitFor("% Invalid input detected at '^' marker.");
    const lines = c.screen.split("\n");
    const typed = lines.findIndex((l) => l.startsWith("R1#show ip interfase"));
    expect(lines[typed + 1]).toBe(" ".repeat("R1#show ip interfa".length) + "^");

    c.type("exit\r\n");
    await until("the console to close after exit", () => c.closed);
  });

  it("runs exec commands over the mgmt API: R1 pings R2 across the UDP link", async () => {
    const { output } = ok(await mgmt.exec("ping 10.0.12.2"));
    expect(output).toContain("!!!!!");
    expect(output).toContain("Success rate is 100 percent (5/5)");
  });

  it("serves tables as typed rows", async () => {
    const rows = ok(await mgmt.table("interfaces"));
    expect(rows.find((r) => r.interface === "Ethernet0/0")).toEqual({ interface: "Ethernet0/0", ipAddress: "10.0.12.1", ok: "YES", method: "NVRAM", status: "up", protocol: "up" });
    const routes = ok(await mgmt.table("routes"));
    expect(routes).toContainEqual(expect.objectContaining({ vrf: "", code: "C", prefix: "10.0.12.0/24", paths: [{ interface: "Ethernet0/0" }] }));
    const arp = ok(await mgmt.table("arp"));
    expect(arp).toContainEqual(expect.objectContaining({ vrf: "", address: "10.0.12.2", interface: "Ethernet0/0" }));
  });

  it("pushes table changes and log events after a config change", async () => {
    const pushes: InterfaceRow[][] = [];
    const events: LogEvent[] = [];
    const tables = ok(await mgmt.watchTable("interfaces", (rows) => pushes.push(rows), 200));
    const log = ok(await mgmt.watchEvents((e) => events.push(e)));
    await until("the first table push", () => pushes.length >= 1);
    expect(pushes[0].find((r) => r.interface === "Ethernet0/1")?.status).toBe("up");

    const applied = ok(await mgmt.call("config.apply", { mode: "merge", text: "interface Ethernet0/1\n shutdown\n" }));
    expect(applied.diagnostics).toEqual([]);
    await until("a push with Ethernet0/1 down", () => pushes.at(-1)?.find((r) => r.interface === "Ethernet0/1")?.status === "administratively down");
    await until("%LINK-5-CHANGED", () => events.some((e) => e.text.startsWith("%LINK-5-CHANGED: Interface Ethernet0/1")));
    const changed = events.find((e) => e.text.startsWith("%LINK-5-CHANGED"))!;
    expect(changed.severity).toBe(5);
    expect(changed.formatted.endsWith(changed.text)).toBe(true);

    ok(await tables.stop());
    ok(await log.stop());
    const before = pushes.length;
    ok(await mgmt.call("config.apply", { mode: "merge", text: "interface Ethernet0/1\n no shutdown\n" }));
    await new Promise((r) => setTimeout(r, 300));
    expect(pushes.length).toBe(before); // unwatched: nothing more
  });

  it("refuses a replace whose file has a rejected line, changing nothing, as configure replace does", async () => {
    const before = ok(await mgmt.call("config.get", { which: "running" })).text;
    const text = configOf("R1", "10.0.12.1").replace("!\nend", "interface Loopback0\n ip address 1.1.1.1 255.255.255.255\n bogus words\n!\nend");
    const { diagnostics } = ok(await mgmt.call("config.apply", { mode: "replace", text }));
    expect(diagnostics).toEqual([expect.objectContaining({ line: 10, message: expect.stringContaining("Invalid input") })]);
    expect(ok(await mgmt.call("config.get", { which: "running" })).text).toBe(before);
    // Every line rejected: still nothing changes (no hostname back to Router, no address gone).
    expect(ok(await mgmt.call("config.apply", { mode: "replace", text: "frob\nnonsense here\n" })).diagnostics).toHaveLength(2);
    expect(ok(await mgmt.call("config.get", { which: "running" })).text).toBe(before);
  });

  it("says once, at its line, what IOS prints when a merged line moves an interface into a VRF", async () => {
    const text = "vrf definition NOTE\n rd 9:9\n address-family ipv4\n exit-address-family\ninterface Loopback9\n ip address 9.9.9.9 255.255.255.255\n vrf forwarding NOTE\n";
    const { diagnostics } = ok(await mgmt.call("config.apply", { mode: "merge", text }));
    expect(diagnostics).toEqual([{ line: 7, column: 2, message: "% Interface Loopback9 IPv4 disabled and address(es) removed due to enabling VRF NOTE" }]);
    ok(await mgmt.call("config.apply", { mode: "merge", text: "no interface Loopback9\nno vrf definition NOTE\n" }));
    expect(ok(await mgmt.call("config.get", { which: "running" })).text).not.toContain("NOTE");
  });

  it("replaces the running config as a whole with a file that has no errors", async () => {
    const text = configOf("R1", "10.0.12.1").replace("!\nend", "interface Loopback0\n ip address 1.1.1.1 255.255.255.255\n!\nend");
    const { diagnostics } = ok(await mgmt.call("config.apply", { mode: "replace", text }));
    expect(diagnostics).toEqual([]);
    const running = ok(await mgmt.call("config.get", { which: "running" })).text;
    expect(running).toContain("interface Loopback0\n ip address 1.1.1.1 255.255.255.255");
    const rows = ok(await mgmt.table("interfaces"));
    expect(rows.map((r) => r.interface)).toContain("Loopback0");
  });

  it("writes memory by replacing the startup-config file atomically", async () => {
    const file = join(nodes[0].dir, "R1.cfg");
    const before = await stat(file);
    const { output } = ok(await mgmt.exec("write memory"));
    expect(output).toContain("[OK]");
    const after = await stat(file);
    expect(after.ino).not.toBe(before.ino); // a new file renamed into place, not rewritten in place
    expect(await readdir(nodes[0].dir)).toEqual(["R1.cfg"]); // no temporary file left
    const saved = await readFile(file, "utf8");
    expect(saved).toContain("interface Loopback0");
    expect(ok(await mgmt.call("config.get", { which: "startup" })).text).toBe(saved);
  });

  it("captures whole Ethernet frames sent and received on an interface", async () => {
    const frames: CapturedFrame[] = [];
    const capture = ok(await mgmt.capture("Ethernet0/0", (f) => frames.push(f)));
    ok(await mgmt.exec("ping 10.0.12.2 repeat 2"));
    await until("echo request and reply", () => frames.length >= 4);
    ok(await capture.stop());
    const icmp = frames.map((f) => ({ direction: f.direction, bytes: Buffer.from(f.frame, "base64"), ns: BigInt(f.timestampNs) }));
    for (const f of icmp) {
      // Ethernet II: two MACs and an EtherType (IPv4 or ARP here), the payload whole.
      expect([0x0800, 0x0806]).toContain(f.bytes.readUInt16BE(12));
      if (f.bytes.readUInt16BE(12) === 0x0800) expect(f.bytes.length).toBeGreaterThanOrEqual(14 + f.bytes.readUInt16BE(16));
      expect(f.ns).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    }
    const ipv4 = icmp.filter((f) => f.bytes.readUInt16BE(12) === 0x0800 && f.bytes[14] >> 4 === 4 && f.bytes[23] === 1);
    expect(ipv4.some((f) => f.direction === "tx" && f.bytes[34] === 8)).toBe(true); // echo request out
    expect(ipv4.some((f) => f.direction === "rx" && f.bytes[34] === 0)).toBe(true); // echo reply in
    expect(await mgmt.call("capture.start", { iface: "Serial0/0" })).toMatchObject({ ok: false, error: { code: "not-found" } });
  }, 10_000);

  it("impairs and pulls a port's cable on request (link.set): ping feels the delay, the router sees carrier loss", async () => {
    expect(ok(await mgmt.call("link.set", { iface: "Ethernet0/0", impair: { delayMs: 150 } }))).toEqual({ iface: "Ethernet0/0", impair: { delayMs: 150 }, carrier: "up" });
    const slow = ok(await mgmt.exec("ping 10.0.12.2")).output;
    const rtt = /round-trip min\/avg\/max = (\d+)\/\d+\/(\d+) ms/.exec(slow);
    expect(Number(rtt?.[1])).toBeGreaterThanOrEqual(150); // the replies R1 receives wait
    expect(Number(rtt?.[2])).toBeLessThan(1000);

    expect(ok(await mgmt.call("link.set", { iface: "Ethernet0/0", impair: null, carrier: "down" }))).toEqual({ iface: "Ethernet0/0", carrier: "down" });
    const protocol = async (): Promise<string | undefined> => ok(await mgmt.table("interfaces")).find((r) => r.interface === "Ethernet0/0")?.protocol;
    const deadline = Date.now() + 3000;
    while ((await protocol()) !== "down" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ok(await mgmt.exec("show ip interface brief | include Ethernet0/0")).output).toMatch(/^Ethernet0\/0 +10\.0\.12\.1 +YES NVRAM +down +down/m);
    expect(ok(await mgmt.exec("ping 10.0.12.2 repeat 2 timeout 1")).output).toContain("Success rate is 0 percent");

    ok(await mgmt.call("link.set", { iface: "Ethernet0/0", carrier: "up" }));
    const upAgain = Date.now() + 3000;
    while ((await protocol()) !== "up" && Date.now() < upAgain) await new Promise((r) => setTimeout(r, 50));
    expect(ok(await mgmt.exec("ping 10.0.12.2")).output).toContain("Success rate is 100 percent (5/5)");

    expect(await mgmt.call("link.set", { iface: "Ethernet0/3", carrier: "down" })).toMatchObject({ ok: false, error: { code: "not-found", message: "no linked port Ethernet0/3 (linked: Ethernet0/0)" } });
    expect(await mgmt.call("link.set", { iface: "Ethernet0/0", impair: { lossPercent: 101 } })).toMatchObject({ ok: false, error: { code: "bad-request" } });
  }, 30_000);

  it("answers bad requests with an error naming the problem, and keeps serving", async () => {
    const socket = new WebSocket(mgmtUrl("127.0.0.1", nodes[0].mgmtPort, TOKEN));
    const replies: unknown[] = [];
    socket.on("message", (d) => replies.push(JSON.parse(d.toString())));
    await new Promise((r) => socket.once("open", r));
    socket.send("{not json");
    socket.send(JSON.stringify({ id: 1, method: "config.apply", params: { text: "x", mode: "overwrite" } }));
    socket.send(JSON.stringify({ id: 2, method: "reboot", params: {} }));
    socket.send(JSON.stringify({ id: 3, method: "node.info" }));
    await until("four replies", () => replies.length >= 4);
    socket.close();
    expect(replies).toContainEqual({ id: null, error: { code: "bad-request", message: expect.stringContaining("not JSON") } });
    expect(replies).toContainEqual({ id: 1, error: { code: "bad-request", message: expect.stringMatching(/^config\.apply: params\.mode: /) } });
    expect(replies).toContainEqual({ id: 2, error: { code: "unknown-method", message: expect.stringContaining("reboot") } });
    expect(replies).toContainEqual({ id: 3, result: { name: "R1", hostname: "R1", uptimeMs: expect.any(Number), version: expect.any(String) } });
  });

  it("closes connections with the wrong token with 4001 unauthorized", async () => {
    const refused = await connectMgmt({ port: nodes[0].mgmtPort, token: "wrong" });
    expect(refused).toMatchObject({ ok: false, reason: "unauthorized" });
    const socket = new WebSocket(`ws://127.0.0.1:${nodes[0].mgmtPort}/`);
    const [code, reason] = await new Promise<[number, string]>((resolve) => socket.once("close", (c, r) => resolve([c, r.toString()])));
    expect([code, reason]).toEqual([4001, "unauthorized"]);
  });

  it("reads the token from the variable --token-env names", async () => {
    const r2 = await connectMgmt({ port: nodes[1].mgmtPort, token: TOKEN });
    expect(r2.ok).toBe(true);
    if (r2.ok) r2.client.close();
  });

  it("exits 0 on SIGTERM and leaves nothing on stderr", async () => {
    const exited = Promise.all(nodes.map((n) => new Promise<number | null>((resolve) => n.child.once("exit", (code) => resolve(code)))));
    for (const n of nodes) n.child.kill("SIGTERM");
    expect(await exited).toEqual([0, 0]);
    expect(nodes[0].stderr).toBe("");
  });
});
