// When the seed lab (MPLS over FlexVPN) has converged, as an engineer would check it: each
// spoke's IKEv2 SA to the hub is READY, the hub has both spokes as established dynamic BGP
// neighbors with prefixes received, and R4-Spoke's customer traffic reaches the hub's LAN
// through the labelled VPN. Shared by the process and docker benchmarks.
import { connectMgmt } from "../../core/lab/mgmt-client";

export interface SeedNode {
  readonly name: string;
  readonly mgmtPort: number;
}

const POLL_MS = 20;

/** Resolves once the seed lab has converged; rejects after `timeoutMs` saying what is missing. */
export async function waitSeedConverged(nodes: readonly SeedNode[], token: string, timeoutMs: number): Promise<void> {
  const clients = new Map<string, Awaited<ReturnType<typeof connect>>>();
  async function connect(node: SeedNode) {
    const conn = await connectMgmt({ port: node.mgmtPort, token });
    if (!conn.ok) throw new Error(`${node.name}: ${conn.message}`);
    return conn.client;
  }
  for (const name of ["R1-HUB", "R3-Spoke1", "R4-Spoke"]) {
    const node = nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`the seed lab has no ${name}`);
    clients.set(name, await connect(node));
  }
  const exec = async (node: string, command: string): Promise<string> => {
    const reply = await clients.get(node)!.exec(command);
    return reply.ok ? reply.result.output : "";
  };
  const deadline = performance.now() + timeoutMs;
  let missing = "";
  try {
    for (;;) {
      missing = await whatIsMissing(exec);
      if (missing === "") return;
      if (performance.now() > deadline) throw new Error(`the seed lab did not converge within ${timeoutMs} ms: ${missing}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    for (const client of clients.values()) client.close();
  }
}

async function whatIsMissing(exec: (node: string, command: string) => Promise<string>): Promise<string> {
  for (const spoke of ["R3-Spoke1", "R4-Spoke"]) {
    if (!/\bREADY\b/.test(await exec(spoke, "show crypto ikev2 sa"))) return `${spoke} has no READY IKEv2 SA`;
  }
  // A dynamic neighbor line ends in its prefix count once established (a state name before).
  const established = (await exec("R1-HUB", "show ip bgp vpnv4 all summary")).split("\n").filter((l) => /^\*10\.1\.1\.\d+\s.*\s\d+$/.test(l));
  if (established.length < 2) return `the hub has ${established.length} of 2 spokes established in BGP`;
  if (!(await exec("R4-Spoke", "ping vrf cust1 192.168.110.1 source Loopback100 repeat 1")).includes("!")) return "R4-Spoke cannot reach 192.168.110.1 in cust1";
  return "";
}
