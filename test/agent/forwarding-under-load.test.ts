// Issue 9, defect 1: no single command may stall forwarding. A router agent (its own process,
// as the process runtime starts it) sits between two routers in this process, linked over UDP
// on 127.0.0.1; while its mgmt API pastes 20,000 lines of config into it and runs the slowest
// filters we know, this process pings through it at a steady pace. The paste and the filters
// work in slices and let the agent's event loop forward between them, so the pings keep
// getting answered.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MgmtClient } from "../../core/api/mgmt-client";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { RealClock } from "../../core/router/clock/real";
import { UdpNic } from "../../core/router/io/udp";
import { ping } from "../../core/router/net/ping";
import { Router } from "../../core/router/node/router";
import { parseIpv4 } from "../../core/router/wire/addr";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "load-test-token-0123456789";

const MIDDLE = [
  "hostname MID",
  "no ip domain lookup",
  "interface Ethernet0/0",
  " ip address 10.0.1.2 255.255.255.0",
  "interface Ethernet0/1",
  " ip address 10.0.2.1 255.255.255.0",
  "interface Ethernet0/2",
  ` description ${"a".repeat(32)}!`,
  "end",
  "",
].join("\n");

const host = (name: string, address: string, gateway: string): string =>
  [`hostname ${name}`, "interface Ethernet0/0", ` ip address ${address} 255.255.255.0`, `ip route 0.0.0.0 0.0.0.0 ${gateway}`, "end", ""].join("\n");

/** 20,000 lines that leave the two transit interfaces alone: loopbacks and static routes. */
function paste(lines: number): string {
  const out = ["configure terminal"];
  for (let i = 1; i <= 2000; i++) out.push(`interface Loopback${i}`, ` description loopback number ${i}`, ` ip address 10.${100 + (i >> 8)}.${i & 255}.1 255.255.255.255`, "!");
  for (let s = 1; out.length < lines - 1; s++) out.push(`ip route 172.${16 + (s >> 16)}.${(s >> 8) & 255}.${s & 255} 255.255.255.255 Null0 tag ${(s % 1000) + 1} name route${s}`);
  out.push("end");
  return out.join("\n");
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

let base = "";
let child: ChildProcess | undefined;
let mgmt: MgmtClient | undefined;
const hosts: Router[] = [];

/** A router in this process with Ethernet0/0 on UDP `local` → `remote`. */
async function hostRouter(name: string, config: string, local: number, remote: number): Promise<Router> {
  const clock = new RealClock();
  const nic = new UdpNic({ name: `${name}:Ethernet0/0`, localPort: local, remote: { host: "127.0.0.1", port: remote }, clock });
  await nic.open();
  const router = new Router({ clock, ports: { "Ethernet0/0": nic }, builtinPorts: 1 });
  router.boot(config);
  hosts.push(router);
  return router;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "flexlab-load-"));
  const [aSide, midA, bSide, midB] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  const dir = join(base, "MID");
  await mkdir(dir);
  await writeFile(join(dir, "MID.cfg"), MIDDLE);
  const args = ["--import", "tsx", "core/router/agent/main.ts", "--name", "MID", "--dir", dir, "--config", "MID.cfg", "--console-port", "0", "--mgmt-port", "0"];
  args.push("--port", `Ethernet0/0=udp:${midA}:${aSide}`, "--port", `Ethernet0/1=udp:${midB}:${bSide}`);
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, FLEXLAB_TOKEN: TOKEN }, stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const mgmtPort = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    proc.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /^flexlab-agent ready name=MID console=\d+ mgmt=(\d+)\n$/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    proc.once("exit", (code) => reject(new Error(`MID exited with ${code} before ready: ${stderr}`)));
  });
  const connected = await connectMgmt({ port: mgmtPort, token: TOKEN });
  if (!connected.ok) throw new Error(connected.message);
  mgmt = connected.client;
  await hostRouter("A", host("A", "10.0.1.1", "10.0.1.2"), aSide, midA);
  await hostRouter("B", host("B", "10.0.2.2", "10.0.2.1"), bSide, midB);
}, 20_000);

afterAll(async () => {
  mgmt?.close();
  for (const h of hosts) h.close();
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (base) await rm(base, { recursive: true, force: true });
});

describe("forwarding while the router runs its heaviest commands", () => {
  it("keeps at least 80% of pings through it answered during a 20,000-line paste and the slowest filters", async () => {
    const a = hosts[0];
    const target = parseIpv4("10.0.2.2")!;
    // ARP on all three hops first: the figure is about load, not about the first probe.
    for (let i = 0; i < 10; i++) {
      const warm = await ping(a.stack, { dst: target, repeat: 1, timeoutMs: 1000 });
      if (warm.probes[0] === "!") break;
    }

    let loading = true;
    const start = Date.now();
    /** Per probe: when it left (ms into the run) and its round trip, or "lost". */
    const timeline: string[] = [];
    const probes: Promise<boolean>[] = [];
    const pacer = (async () => {
      // One probe every 50 ms, each given IOS's default two seconds, whatever the others do.
      while (loading) {
        const sent = Date.now() - start;
        const probe = ping(a.stack, { dst: target, repeat: 1, timeoutMs: 2000 }).then((r) => {
          timeline.push(`${sent}:${r.probes[0] === "!" ? Math.round(r.rttsMs[0]) : "lost"}`);
          return r.probes[0] === "!";
        });
        probes.push(probe);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const client = mgmt!;
    const pasted = await client.exec(paste(20_000), 120_000);
    const filtered = await client.exec(["show running-config | include (a+)+$", "show running-config | count (a|.)*zq", "show running-config | section (a|.)*zq"].join("\n"), 120_000);
    loading = false;
    await pacer;
    const answered = (await Promise.all(probes)).filter(Boolean).length;

    expect(pasted.ok, pasted.ok ? "" : pasted.error.message).toBe(true);
    expect(filtered.ok && filtered.result.output).toMatch(/^Number of lines which match regexp = 0$/m);
    expect(probes.length).toBeGreaterThan(10);
    expect(answered / probes.length, `sent at ms:round trip ms\n${timeline.join(" ")}`).toBeGreaterThanOrEqual(0.8);
  }, 180_000);
});
