// Two agents linked by a UDP tunnel whose peers the lab sets through the mgmt API
// (`link.peers`), as the kubernetes runtime does once its Pods have addresses.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMgmt } from "../../core/lab/mgmt-client";
import type { MgmtClient } from "../../core/api/mgmt-client";
import { startAgent, type Agent } from "../../core/router/agent/agent";
import { parsePortSpec, type PortSpec } from "../../core/router/agent/ports";

const TOKEN = "tunnel-test-token-0123456789";
let base = "";
const agents: Agent[] = [];
const clients: MgmtClient[] = [];

function spec(text: string): PortSpec {
  const s = parsePortSpec(text);
  if (typeof s === "string") throw new Error(s);
  return s;
}

async function node(name: string, address: string, tunnelPort: number): Promise<MgmtClient> {
  await writeFile(join(base, `${name}.cfg`), `hostname ${name}\n!\ninterface Ethernet0/0\n ip address ${address} 255.255.255.0\n no shutdown\n!\nend\n`);
  const agent = await startAgent({
    name,
    dir: base,
    config: `${name}.cfg`,
    consolePort: 0,
    mgmtPort: 0,
    token: TOKEN,
    bind: "127.0.0.1",
    ports: [spec(`Ethernet0/0=tunnel:127.0.0.1:${tunnelPort}`)],
    pkiDir: join(base, "pki"),
    version: "test",
    stderr: () => {},
  });
  agents.push(agent);
  const connected = await connectMgmt({ port: agent.mgmtPort, token: TOKEN });
  if (!connected.ok) throw new Error(connected.message);
  clients.push(connected.client);
  return connected.client;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "flexlab-tunnel-"));
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(agents.map((a) => a.close()));
  await rm(base, { recursive: true, force: true });
});

describe("link.peers", () => {
  it("links two routers' tunnel ports once each is told the other's address: ping goes through", async () => {
    const r1 = await node("R1", "10.0.12.1", 47811);
    const r2 = await node("R2", "10.0.12.2", 47812);
    expect(await r1.call("link.peers", { iface: "Ethernet0/0", peers: [{ host: "127.0.0.1", port: 47812 }] })).toEqual({
      ok: true,
      result: { iface: "Ethernet0/0", peers: [{ host: "127.0.0.1", port: 47812 }] },
    });
    await r2.call("link.peers", { iface: "Ethernet0/0", peers: [{ host: "127.0.0.1", port: 47811 }] });
    const reply = await r1.exec("ping 10.0.12.2 repeat 3");
    expect(reply.ok && reply.result.output).toContain("Success rate is 100 percent (3/3)");
    expect(await r1.call("link.peers", { iface: "Ethernet0/1", peers: [] })).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await r1.call("link.peers", { iface: "Ethernet0/0", peers: [{ host: "pod-2", port: 1 }] })).toMatchObject({ ok: false, error: { code: "bad-request" } });
  }, 20_000);
});
