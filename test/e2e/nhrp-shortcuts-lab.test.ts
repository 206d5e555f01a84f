// labs/mpls-over-flexvpn-shortcuts with `flexlab up`, as an engineer runs it, on the process
// runtime and on the docker runtime (when an engine answers): the first cust1 ping from
// R3-Spoke1 to R4-Spoke's LAN goes via the hub, the hub redirects, within 2 s the spokes
// hold an IKEv2 SA with each other, R3's `show ip nhrp` has R4's prefix with R4's label,
// traceroute goes direct and the hub's cust1 label stops counting; with the hold time made
// short (an engineer cannot wait IOS's 2 hours), the shortcut, the SA, the Virtual-Accesses
// and NHRP's label holds go. The sim runtime's run is nhrp-shortcuts-sim.test.ts.
import { describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/nhrp-shortcuts-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const labCopy = exampleLabCopies("mpls-over-flexvpn-shortcuts");
const HOLD_SEC = 30;
const spokeToSpoke = /^\d+ +172\.16\.1\.103\/500 +172\.16\.1\.104\/500 +none\/none +READY$/m;

async function exec(dir: string, node: string, command: string): Promise<string> {
  const r = await flexlab(dir, ["exec", node, command]);
  expect(r.code, `${node}: ${command}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Bytes the hub switched under its cust1 aggregate label (what the spokes send each other via the hub). */
function hubCust1Bytes(table: string): number {
  const m = /^\d+ +No Label +0\.0\.0\.0\/0\[V\] +\\?\n? *(\d+) +aggregate\/cust1/m.exec(table);
  return m ? Number(m[1]) : Number.NaN;
}

async function checkShortcuts(dir: string): Promise<void> {
  // BGP up: each spoke has the hub's cust1 default.
  await execUntil(dir, "R3-Spoke1", "show ip route vrf cust1", /^B\* +0\.0\.0\.0\/0 /m);
  await execUntil(dir, "R4-Spoke", "show ip route vrf cust1", /^B\* +0\.0\.0\.0\/0 /m);
  for (const node of ["R3-Spoke1", "R4-Spoke"]) await exec(dir, node, `configure terminal\ninterface Tunnel0\nip nhrp holdtime ${HOLD_SEC}\ninterface Virtual-Template1\nip nhrp holdtime ${HOLD_SEC}\nend`);
  const lfibBefore = await exec(dir, "R4-Spoke", "show mpls forwarding-table");
  const hubBefore = hubCust1Bytes(await exec(dir, "R1-HUB", "show mpls forwarding-table vrf cust1"));
  expect(hubBefore).not.toBeNaN();
  const ping = await exec(dir, "R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1");
  expect(ping).toMatch(/Success rate is [1-9]\d* percent/);
  const pinged = Date.now();
  let sas = "";
  while (Date.now() - pinged < 2000 && !spokeToSpoke.test(sas)) sas = await exec(dir, "R3-Spoke1", "show crypto ikev2 sa");
  expect(sas).toMatch(spokeToSpoke);
  expect(await exec(dir, "R1-HUB", "show logging")).toContain("%NHRP-5-REDIRECT: Sent redirect to 192.168.113.1 for 192.168.114.1");
  const r4Label = /^(\d+) +No Label +192\.168\.114\.0\/24\[V\]/m.exec(lfibBefore)?.[1];
  const nhrp = await execUntil(dir, "R3-Spoke1", "show ip nhrp", /^192\.168\.114\.0\/24 via /m);
  expect(nhrp).toMatch(new RegExp(`^192\\.168\\.114\\.0/24 via 10\\.1\\.1\\.\\d+\\n   Virtual-Access\\d+ created .*\\n   Type: dynamic, Flags: router rib\\n   NBMA address: 172\\.16\\.1\\.104\\n   Label: ${r4Label}$`, "m"));
  // The replies were redirected too: R4 holds the way back to R3's LAN.
  expect(await execUntil(dir, "R4-Spoke", "show ip nhrp", /^192\.168\.113\.0\/24 via /m)).toMatch(/^192\.168\.113\.0\/24 via 10\.1\.1\.\d+\n.*\n   Type: dynamic, Flags: router rib\n   NBMA address: 172\.16\.1\.103\n   Label: \d+$/m);
  // Direct from now on: one hop, and the hub's cust1 label counts nothing more.
  const hubMid = hubCust1Bytes(await exec(dir, "R1-HUB", "show mpls forwarding-table vrf cust1"));
  expect(hubMid).toBeGreaterThan(hubBefore);
  expect(await exec(dir, "R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1 repeat 20")).toContain("Success rate is 100 percent (20/20)");
  const trace = await exec(dir, "R3-Spoke1", "traceroute vrf cust1 192.168.114.1 source 192.168.113.1 timeout 1");
  expect(trace).toMatch(/^ {2}1 10\.1\.1\.\d+ /m);
  expect(hubCust1Bytes(await exec(dir, "R1-HUB", "show mpls forwarding-table vrf cust1"))).toBe(hubMid);
  // Idle past the hold time (and its last-two-minutes check): it all goes.
  const gone = await execUntil(dir, "R3-Spoke1", "show crypto ikev2 sa", /IPv4 Crypto IKEv2 {2}SA\n\nTunnel-id.*\n1 .*172\.16\.0\.1\/500.*\n.*\n.*\n\n IPv6/);
  expect(gone).not.toMatch(spokeToSpoke);
  expect(await exec(dir, "R3-Spoke1", "show ip route vrf cust1")).not.toMatch(/^H /m);
  expect(await execUntil(dir, "R4-Spoke", "show ip interface brief", /^Tunnel0 /m)).not.toContain("Virtual-Access");
  expect(await exec(dir, "R3-Spoke1", "show ip interface brief")).not.toContain("Virtual-Access");
  const labels = (table: string) => [...table.matchAll(/^(\d+) +\S+(?: \S+)? +(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  expect(labels(await exec(dir, "R4-Spoke", "show mpls forwarding-table"))).toEqual(labels(lfibBefore));
}

describe("labs/mpls-over-flexvpn-shortcuts with flexlab up", () => {
  it("shortcuts spoke to spoke on the process runtime", async () => {
    const dir = await labCopy(`nhrp-process-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
    expect(up.code, up.stderr).toBe(0);
    await checkShortcuts(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 300_000);

  it.skipIf(!engine)(engine ? "shortcuts spoke to spoke on the docker runtime" : `shortcuts spoke to spoke on the docker runtime (skipped: ${NO_ENGINE_HINT})`, async () => {
    const dir = await labCopy(`nhrp-docker-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "docker"], 300_000);
    expect(up.code, up.stderr).toBe(0);
    await checkShortcuts(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 480_000);
});
