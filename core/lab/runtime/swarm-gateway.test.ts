import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freeTcpPort } from "../ports";
import { parseCidr } from "./docker-subnets";
import { planGateway, RELAY_BIND_ENV, RELAY_ENV, RELAY_PROGRAM, RELAY_READY, relayRoutes } from "./swarm-gateway";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

/** The relay's program as the gateway container runs it: `node -e`. */
async function startRelay(routes: unknown): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", RELAY_PROGRAM], { env: { ...process.env, [RELAY_ENV]: JSON.stringify(routes), [RELAY_BIND_ENV]: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(RELAY_READY)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`relay exited ${code}`)));
  });
  return child;
}

function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let got = "";
    socket.on("data", (d) => (got += d.toString()));
    socket.on("end", () => resolve(got));
    socket.on("close", () => resolve(got));
    socket.on("error", reject);
    socket.end(text);
  });
}

describe("the swarm gateway's relay", () => {
  it("relays each port to its router, both ways, and closes when the client is done", async () => {
    const echo = createServer((c) => c.on("data", (d) => c.write(`R1 got ${d.toString()}`)).on("end", () => c.end()));
    cleanups.push(() => echo.close());
    const target = await listen(echo);
    const port = await freeTcpPort();
    await startRelay([{ listen: port, host: "127.0.0.1", port: target }]);
    expect(await exchange(port, "show version")).toBe("R1 got show version");
  });

  it("closes a client at once when its router does not answer, and keeps relaying the others", async () => {
    const gone = await freeTcpPort();
    const port = await freeTcpPort();
    const child = await startRelay([{ listen: port, host: "127.0.0.1", port: gone }]);
    expect(await exchange(port, "hello")).toBe("");
    expect(child.exitCode).toBeNull();
  });

  it("publishes two ports per router on 127.0.0.1 only, from a bridge of its own, with no capability", () => {
    const plan = planGateway({
      lab: { name: "seed", dir: "/labs/seed" },
      name: "flexlab-seed-gateway",
      image: "flexlab/router:0.1.0",
      bridgeSubnet: parseCidr("10.255.0.8/29")!,
      routers: [{ alias: "router1", consolePort: 41001, mgmtPort: 41002 }],
      consoleTarget: 2323,
      mgmtTarget: 2324,
    });
    expect(relayRoutes({ routers: [{ alias: "router1", consolePort: 41001, mgmtPort: 41002 }], consoleTarget: 2323, mgmtTarget: 2324 })).toEqual([
      { listen: 41001, host: "router1", port: 2323 },
      { listen: 41002, host: "router1", port: 2324 },
    ]);
    expect(plan.create.HostConfig?.PortBindings).toEqual({ "41001/tcp": [{ HostIp: "127.0.0.1", HostPort: "41001" }], "41002/tcp": [{ HostIp: "127.0.0.1", HostPort: "41002" }] });
    expect(plan.bridge.create.Options?.["com.docker.network.bridge.host_binding_ipv4"]).toBe("127.0.0.1");
    expect(plan.bridge.create.Options?.["com.docker.network.bridge.enable_ip_masquerade"]).toBe("false");
    expect(plan.create.HostConfig?.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(plan.create.Env).toContain(`${RELAY_BIND_ENV}=10.255.0.10`);
    expect(plan.create.Labels).toMatchObject({ "flexlab.lab": "seed", "flexlab.role": "gateway" });
  });
});
