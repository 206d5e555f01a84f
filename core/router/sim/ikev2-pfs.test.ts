// Child SA settings in the harness: the global `crypto ipsec security-association lifetime`
// and `replay window-size|disable` on new child SAs, and `set pfs groupN` putting a KE payload
// in CREATE_CHILD_SA rekeys (RFC 7296 §1.3.3, keys from g^ir, §2.17).
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";
import type { IkeSa } from "../ikev2/sa";

function site(name: string, me: number, peer: number, global = "", profile = "", responderOnly = false): string {
  return `hostname ${name}
${global}crypto ikev2 keyring KR
 peer SITE
  address 10.0.12.${peer}
  pre-shared-key cisco123
!
crypto ikev2 profile P
 match identity remote address 10.0.12.${peer} 255.255.255.255
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
crypto ipsec profile IP
 set ikev2-profile P
${profile}${responderOnly ? " responder-only\n" : ""}!
interface Ethernet0/0
 ip address 10.0.12.${me} 255.255.255.0
!
interface Tunnel0
 ip address 192.168.0.${me} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.${peer}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
end
`;
}

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function start(r1: string, r2: string): Simulation {
  sim = new Simulation({ nodes: { R1: r1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  return sim;
}

function sa(node: string): IkeSa {
  const list = sim!.node(node).router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established");
  expect(list).toHaveLength(1);
  return list[0];
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** R1's child SA and R2's are the two ends of one: SPIs and keys crossed. */
function expectMirrored(): void {
  const [a] = sa("R1").children;
  const [b] = sa("R2").children;
  expect(sa("R1").children).toHaveLength(1);
  expect(sa("R2").children).toHaveLength(1);
  expect(a.outbound.spi).toBe(b.inbound.spi);
  expect(hex(a.outbound.encKey)).toBe(hex(b.inbound.encKey));
  expect(hex(a.inbound.encKey)).toBe(hex(b.outbound.encKey));
}

describe("crypto ipsec security-association settings on new child SAs", () => {
  it("gives new child SAs the global lifetime and replay window, and rekeys them at 90% of it", async () => {
    const global = "crypto ipsec security-association lifetime seconds 600\ncrypto ipsec security-association lifetime kilobytes 102400\ncrypto ipsec security-association replay window-size 1024\n";
    const s = start(site("R1", 1, 2, global), site("R2", 2, 1, global, "", true));
    s.advance(5_000);
    const child = sa("R1").children[0];
    expect([child.lifetimeSec, child.lifetimeKb]).toEqual([600, 102400]);
    const [row] = s.table("R1", "ipsec-sa");
    expect(row.inbound[0]).toMatchObject({ replayWindow: 1024 });
    expect(row.inbound[0].remainingSeconds).toBeLessThanOrEqual(600);
    expect(row.inbound[0].remainingKilobytes).toBeLessThanOrEqual(102400);
    expect(await s.exec("R1", "show crypto ipsec sa")).toMatch(/sa timing: remaining key lifetime \(k\/sec\): \(1024\d\d\/59\d\)/);
    s.advance(550_000);
    expect(sa("R1").children[0]).not.toBe(child);
    expectMirrored();
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("turns replay checking off with replay disable, and the profile's own lifetime wins over the global one", async () => {
    const s = start(site("R1", 1, 2, "crypto ipsec security-association replay disable\ncrypto ipsec security-association lifetime seconds 1800\n", " set security-association lifetime seconds 900\n"), site("R2", 2, 1, "", "", true));
    s.advance(5_000);
    expect(s.table("R1", "ipsec-sa")[0].inbound[0]).toMatchObject({ replayWindow: 0 });
    expect(await s.exec("R1", "show crypto ipsec sa")).toContain("replay detection support: N");
    expect(sa("R1").children[0].lifetimeSec).toBe(900);
    expect(sa("R2").children[0].lifetimeSec).toBe(3600);
  });
});

describe("PFS in CREATE_CHILD_SA rekeys", () => {
  it("sends a KE payload with set pfs group14 and derives the new keys from g^ir on both ends", async () => {
    const pfs = " set pfs group14\n set security-association lifetime seconds 300\n";
    const s = start(site("R1", 1, 2, "", pfs), site("R2", 2, 1, "", pfs, true));
    expect(await s.exec("R1", "debug crypto ikev2 packet")).toContain("on");
    s.advance(5_000);
    // The first child SA comes with IKE_AUTH, where there is no KE (RFC 7296 §1.2).
    expect(sa("R1").children[0].pfsGroup).toBeUndefined();
    s.advance(280_000);
    expect(sa("R1").children[0].pfsGroup).toBe(14);
    expect(sa("R2").children[0].pfsGroup).toBe(14);
    expectMirrored();
    const log = s.node("R1").log.map((l) => l.text).join("\n");
    expect(log).toMatch(/IKEv2 CREATE_CHILD_SA Exchange REQUEST \nPayload contents: \n N\(REKEY_SA\) SA NONCE KE TSi TSr/);
    expect(log).toContain("DH group: 14, Reserved: 0x0, length: 256");
    expect(await s.exec("R2", "show crypto ipsec sa")).toContain("PFS (Y/N): Y, DH group: group14");
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("retries with the responder's group after INVALID_KE_PAYLOAD, and a responder without set pfs follows the initiator's", () => {
    const s = start(site("R1", 1, 2, "", " set pfs group14\n set security-association lifetime seconds 300\n"), site("R2", 2, 1, "", " set pfs group19\n", true));
    s.advance(285_000);
    expect(sa("R1").children[0].pfsGroup).toBe(19);
    expectMirrored();
    sim!.close();
    const t = start(site("R1", 1, 2, "", " set pfs group20\n set security-association lifetime seconds 300\n"), site("R2", 2, 1, "", "", true));
    t.advance(285_000);
    expect(sa("R2").children[0].pfsGroup).toBe(20);
    expectMirrored();
  });

  it("refuses a rekey without PFS when its own profile sets pfs; the old child SA stays until its hard lifetime, then goes at both ends", async () => {
    const s = start(site("R1", 1, 2, "", " set security-association lifetime seconds 300\n"), site("R2", 2, 1, "", " set pfs group14\n", true));
    s.advance(5_000);
    const child = sa("R1").children[0];
    s.advance(280_000);
    expect(sa("R1").children).toEqual([child]);
    expect(sa("R1").state).toBe("established");
    s.advance(20_000);
    expect(sa("R1").children).toEqual([]);
    expect(sa("R2").children).toEqual([]);
    expect(await s.exec("R1", "show crypto session")).toContain("Session status: UP-IDLE");
  });
});
