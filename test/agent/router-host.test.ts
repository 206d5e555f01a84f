// A router host as the lab daemon runs it (`flexlab-agent --router-host=K`, core/router/agent/
// host.ts): one process, three routers R1–R2–R3 wired over UDP on 127.0.0.1, each with its
// own console and mgmt API. A fault thrown in R3's own code path (test/support/host-fault.mjs,
// loaded into this host only, trips on a ping of one size) crashes R3 alone: the host reports it with its error, R1 and R2
// keep forwarding, and R3 starts again in the same process on the same ports.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostEventSchema, type HostCommand, type HostEvent, type HostedRouter } from "../../core/api/router-host";
import { connectMgmt } from "../../core/lab/mgmt-client";
import { freeTcpPort, freeUdpPort } from "../../core/lab/ports";
import { HOST_FAULT_PING_SIZE } from "../support/host-fault.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "test-token-0123456789abcdef";

let dir = "";
let host: ChildProcess;
const events: HostEvent[] = [];
const waiters: { match: (e: HostEvent) => boolean; resolve: (e: HostEvent) => void }[] = [];
const routers = new Map<string, HostedRouter>();
let hostStderr = "";

function nextEvent(match: (e: HostEvent) => boolean, timeoutMs = 20_000): Promise<HostEvent> {
  const seen = events.find(match);
  if (seen) {
    events.splice(events.indexOf(seen), 1);
    return Promise.resolve(seen);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching host event within ${timeoutMs} ms; stderr:\n${hostStderr}`)), timeoutMs);
    waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
  });
}

function send(command: HostCommand): void {
  host.send(command);
}

async function start(router: HostedRouter): Promise<HostEvent> {
  send({ type: "start", router });
  return nextEvent((e) => (e.type === "ready" || e.type === "failed" || e.type === "crashed") && e.name === router.name);
}

async function exec(name: string, command: string): Promise<string> {
  const r = routers.get(name)!;
  const conn = await connectMgmt({ port: r.mgmtPort, token: TOKEN });
  if (!conn.ok) throw new Error(`${name}: ${conn.message}`);
  try {
    const reply = await conn.client.exec(command);
    if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
    return reply.result.output;
  } finally {
    conn.client.close();
  }
}

/** Pings until it succeeds (the first ping of a fresh link waits for ARP). */
async function pingWorks(name: string, target: string): Promise<string> {
  let out = "";
  for (let i = 0; i < 5; i++) {
    out = await exec(name, `ping ${target} timeout 1`);
    if (/Success rate is [1-9]/.test(out)) return out;
  }
  return out;
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flexlab-router-host-"));
  const [p12a, p12b, p23a, p23b] = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
  const configs: Record<string, string[]> = {
    R1: ["interface Ethernet0/0", " ip address 10.0.12.1 255.255.255.0"],
    R2: ["interface Ethernet0/0", " ip address 10.0.12.2 255.255.255.0", "interface Ethernet0/1", " ip address 10.0.23.2 255.255.255.0"],
    R3: ["interface Ethernet0/0", " ip address 10.0.23.3 255.255.255.0"],
  };
  const ports: Record<string, string[]> = {
    R1: [`Ethernet0/0=udp:${p12a}:${p12b}`],
    R2: [`Ethernet0/0=udp:${p12b}:${p12a}`, `Ethernet0/1=udp:${p23a}:${p23b}`],
    R3: [`Ethernet0/0=udp:${p23b}:${p23a}`],
  };
  for (const [i, name] of ["R1", "R2", "R3"].entries()) {
    await writeFile(join(dir, `${name}.cfg`), [`hostname ${name}`, ...configs[name], "end", ""].join("\n"));
    routers.set(name, { name, dir, config: `${name}.cfg`, consolePort: await freeTcpPort(), mgmtPort: await freeTcpPort(), ports: ports[name], nodeIndex: i + 1 });
  }
  const hook = new URL("../support/host-fault.mjs", import.meta.url).href;
  host = spawn(process.execPath, ["--import", "tsx", "--import", hook, "core/router/agent/main.ts", "--router-host=0"], {
    cwd: ROOT,
    env: { ...process.env, FLEXLAB_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  host.stderr!.on("data", (d: Buffer) => (hostStderr += d.toString()));
  host.on("message", (raw: unknown) => {
    const event = hostEventSchema.parse(raw);
    const waiter = waiters.find((w) => w.match(event));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    } else events.push(event);
  });
  await nextEvent((e) => e.type === "host-ready", 60_000);
  for (const r of routers.values()) expect(await start(r)).toMatchObject({ type: "ready", name: r.name, consolePort: r.consolePort, mgmtPort: r.mgmtPort });
}, 90_000);

afterAll(async () => {
  if (host && host.exitCode === null) {
    const gone = new Promise((resolve) => host.once("exit", resolve));
    host.kill("SIGTERM");
    await gone;
  }
  await rm(dir, { recursive: true, force: true });
});

describe("a router host", () => {
  it("runs each router with its own console and mgmt API, forwarding between them", async () => {
    expect(await exec("R2", "show running-config | include hostname")).toContain("hostname R2");
    expect(await pingWorks("R1", "10.0.12.2")).toContain("Success rate is 100 percent");
    expect(await pingWorks("R3", "10.0.23.2")).toContain("Success rate is 100 percent");
    for (const r of routers.values()) expect(await tcpAnswers(r.consolePort)).toBe(true);
  }, 60_000);

  it("closes a router whose code throws past its guards, reports it crashed, and keeps the others running", async () => {
    const r3 = routers.get("R3")!;
    // R2's ping of this size throws where R3's port delivers it (host-fault.mjs).
    expect(await exec("R2", `ping 10.0.23.3 size ${HOST_FAULT_PING_SIZE} repeat 1 timeout 1`)).toContain("Success rate is 0 percent");
    const crashed = await nextEvent((e) => e.type === "crashed");
    expect(crashed).toMatchObject({ type: "crashed", name: "R3" });
    expect(crashed.type === "crashed" && crashed.error).toMatch(/injected fault/);
    expect(host.exitCode).toBeNull();
    // R3 is gone, ports and all; R1 and R2 go on as if nothing happened.
    expect(await tcpAnswers(r3.consolePort)).toBe(false);
    expect(await tcpAnswers(r3.mgmtPort)).toBe(false);
    expect(await pingWorks("R1", "10.0.12.2")).toContain("Success rate is 100 percent");
    expect(await exec("R2", "ping 10.0.23.3 timeout 1")).toContain("Success rate is 0 percent");
  }, 60_000);

  it("starts a crashed router again in the same process, on its own ports", async () => {
    const r3 = routers.get("R3")!;
    expect(await start(r3)).toMatchObject({ type: "ready", name: "R3", consolePort: r3.consolePort, mgmtPort: r3.mgmtPort });
    expect(await pingWorks("R3", "10.0.23.2")).toContain("Success rate is 100 percent");
    expect(await pingWorks("R1", "10.0.12.2")).toContain("Success rate is 100 percent");
  }, 60_000);

  it("stops one router on request and frees its ports", async () => {
    const r1 = routers.get("R1")!;
    send({ type: "stop", name: "R1" });
    await nextEvent((e) => e.type === "stopped" && e.name === "R1");
    expect(await tcpAnswers(r1.mgmtPort)).toBe(false);
    expect(await start(r1)).toMatchObject({ type: "ready", name: "R1" });
    expect(await pingWorks("R1", "10.0.12.2")).toContain("Success rate is 100 percent");
  }, 60_000);
});
