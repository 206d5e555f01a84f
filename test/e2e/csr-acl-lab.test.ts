// labs/csr-acl as an engineer runs it: three `platform: csr1000v` routers with pasted IOS XE
// configs, the middle one filtering with a named extended, a numbered extended and a
// numbered standard ACL. In virtual time (`flexlab sim`), on the process runtime and on the
// docker runtime (when an engine answers) the GigabitEthernet ports come up, the permitted
// ping crosses, the denied ones come back administratively prohibited, show access-lists
// counts them on the entries that decided them, and show version speaks for a CSR1000V.
import { describe, expect, it } from "vitest";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const engine = await dockerAvailable();
if (!engine) console.warn(`test/e2e/csr-acl-lab: docker part skipped: ${NO_ENGINE_HINT}`);

const labCopy = exampleLabCopies("csr-acl");

/** The `(N matches)` count of the entry of `list` (in show access-lists output) whose text
 * after the sequence number is `entry`; 0 when it has none. */
function matches(output: string, list: string, entry: string): number {
  const block = output.split(/\n(?=\S)/).find((b) => b.startsWith(`${list}\n`));
  expect(block, `${list} in:\n${output}`).toBeDefined();
  const line = block?.split("\n").find((l) => /^ {4}\d+ /.test(l) && l.replace(/^ {4}\d+ /, "").replace(/ \(\d+ matches\)$/, "") === entry);
  expect(line, `${entry} in:\n${block ?? ""}`).toBeDefined();
  return Number(/\((\d+) matches\)$/.exec(line ?? "")?.[1] ?? 0);
}

async function checkRunningLab(dir: string): Promise<void> {
  const brief = await execUntil(dir, "R2-FILTER", "show ip interface brief", /^GigabitEthernet2 +10\.1\.23\.2 +YES NVRAM +up +up/m);
  expect(brief).toMatch(/^GigabitEthernet1 +10\.1\.12\.2 +YES NVRAM +up +up/m);
  expect(brief).toMatch(/^GigabitEthernet3 +unassigned +YES unset +administratively down down/m);
  // Real time: the first probe may go to ARP on either hop.
  await execUntil(dir, "R1-CLIENT", "ping 10.30.0.10 source Loopback1", /Success rate is 100 percent/);
  const before = (await flexlab(dir, ["exec", "R2-FILTER", "show access-lists"])).stdout;
  const staff = await flexlab(dir, ["exec", "R1-CLIENT", "ping 10.30.0.10 source Loopback1"]);
  expect(staff.stdout).toContain("Success rate is 100 percent (5/5)");
  const guest = await flexlab(dir, ["exec", "R1-CLIENT", "ping 10.30.0.10 source Loopback2 timeout 1"]);
  expect(guest.stdout).toMatch(/^A\.A\.A\nSuccess rate is 0 percent \(0\/5\)/m);
  const after = (await flexlab(dir, ["exec", "R2-FILTER", "show access-lists"])).stdout;
  const rise = (list: string, entry: string): number => matches(after, list, entry) - matches(before, list, entry);
  expect(rise("Extended IP access list FROM-CLIENTS", "permit icmp any any")).toBe(5);
  expect(rise("Extended IP access list 110", "permit icmp any 10.10.0.0 0.0.255.255 echo-reply")).toBe(5);
  expect(rise("Extended IP access list FROM-CLIENTS", "deny icmp 10.10.2.0 0.0.0.255 host 10.30.0.10 echo")).toBe(5);
  expect(rise("Standard IP access list 10", "permit any")).toBe(5);
  expect(rise("Standard IP access list 10", "deny   10.10.3.1")).toBe(0);
  const version = await flexlab(dir, ["exec", "R2-FILTER", "show version"]);
  expect(version.stdout).toMatch(/^Cisco IOS XE Software, Version 16\.\d+/);
  expect(version.stdout).toContain("cisco CSR1000V (VXE) processor");
  expect(version.stdout).toContain("3 Gigabit Ethernet interfaces");
}

describe("labs/csr-acl", () => {
  it("works in virtual time with flexlab sim", async () => {
    const r = await flexlab(ROOT, [
      "sim",
      "labs/csr-acl",
      "--exec",
      "R1-CLIENT: show ip interface brief",
      "--exec",
      "R1-CLIENT: ping 10.30.0.10 source Loopback1",
      "--exec",
      "R1-CLIENT: ping 10.30.0.10 source Loopback2",
      "--exec",
      "R1-CLIENT: ping 10.30.0.10 source Loopback3",
      "--exec",
      "R3-SERVER: ping 10.10.1.1 source Loopback10",
      "--exec",
      "R2-FILTER: show access-lists",
      "--exec",
      "R2-FILTER: show version",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^GigabitEthernet1 {7}10\.1\.12\.1 {7}YES NVRAM {2}up {20}up/m);
    expect(r.stdout).toMatch(/^GigabitEthernet2 {7}unassigned {6}YES unset {2}administratively down down/m);
    // Staff through; guests stopped on the way in; the quarantined host on the way out of
    // Gi2; the server side may only answer. Each denial comes back administratively
    // prohibited, one unreachable per 500 ms as IOS rate-limits them.
    expect(r.stdout).toMatch(/R1-CLIENT#ping 10\.30\.0\.10 source Loopback1\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/R1-CLIENT#ping 10\.30\.0\.10 source Loopback2\n(.*\n){3}A\.A\.A\nSuccess rate is 0 percent/);
    expect(r.stdout).toMatch(/R1-CLIENT#ping 10\.30\.0\.10 source Loopback3\n(.*\n){3}[A.]{5}\nSuccess rate is 0 percent/);
    expect(r.stdout).toMatch(/R3-SERVER#ping 10\.10\.1\.1 source Loopback10\n(.*\n){3}A\.A\.A\nSuccess rate is 0 percent/);
    const acls = r.stdout.slice(r.stdout.indexOf("R2-FILTER#show access-lists\n") + "R2-FILTER#show access-lists\n".length, r.stdout.indexOf("R2-FILTER#show version"));
    expect(matches(acls, "Standard IP access list 10", "deny   10.10.3.1")).toBe(5);
    expect(matches(acls, "Standard IP access list 10", "permit any")).toBe(5);
    expect(matches(acls, "Extended IP access list 110", "permit icmp any 10.10.0.0 0.0.255.255 echo-reply")).toBe(5);
    expect(matches(acls, "Extended IP access list 110", "deny ip any any")).toBe(5);
    expect(matches(acls, "Extended IP access list 110", "permit tcp any 10.10.0.0 0.0.255.255 established")).toBe(0);
    expect(matches(acls, "Extended IP access list FROM-CLIENTS", "deny icmp 10.10.2.0 0.0.0.255 host 10.30.0.10 echo")).toBe(5);
    expect(matches(acls, "Extended IP access list FROM-CLIENTS", "permit icmp any any")).toBe(10);
    expect(matches(acls, "Extended IP access list FROM-CLIENTS", "deny tcp any 10.30.0.0 0.0.0.255 eq telnet")).toBe(0);
    expect(r.stdout).toMatch(/R2-FILTER#show version\nCisco IOS XE Software, Version 16\.09\.05\n/);
    expect(r.stdout).toContain("cisco CSR1000V (VXE) processor (revision VXE)");
    expect(r.stdout).toContain("3 Gigabit Ethernet interfaces");
  }, 120_000);

  it("works with flexlab up on the process runtime", async () => {
    const dir = await labCopy(`csr-acl-process-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 240_000);

  it.skipIf(!engine)(engine ? "works with flexlab up on the docker runtime" : `works with flexlab up on the docker runtime (skipped: ${NO_ENGINE_HINT})`, async () => {
    const dir = await labCopy(`csr-acl-docker-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "docker"], 300_000);
    expect(up.code, up.stderr).toBe(0);
    await checkRunningLab(dir);
    const down = await flexlab(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
  }, 480_000);
});
