// IKEv2 identities beyond addresses and FQDNs in the harness: `identity local key-id` and
// `email`, matched by `match identity remote key-id|email` and by keyring peers' `identity
// key-id|email` (the key to check the peer's AUTH with; the initiator signs before it knows
// the responder's identity, so its own key comes from a peer found by address, as on IOS);
// and `clear crypto ikev2 sa` narrowed by local address or front-door VRF.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";

const R1 = `hostname R1
crypto ikev2 keyring KR
 peer R2-BY-ADDRESS
  address 10.0.12.2
  pre-shared-key local from-r1
 !
 peer R2-BY-EMAIL
  identity email r2@lab.example
  pre-shared-key remote from-r2
!
crypto ikev2 profile P
 match identity remote email r2@lab.example
 identity local key-id R1-KEY
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
crypto ipsec profile IP
 set ikev2-profile P
!
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
!
interface Tunnel0
 ip address 192.168.0.1 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.2
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
end
`;

const R2 = `hostname R2
crypto ikev2 keyring KR
 peer R1
  identity key-id R1-KEY
  pre-shared-key local from-r2
  pre-shared-key remote from-r1
!
crypto ikev2 profile P
 match identity remote key-id R1-KEY
 identity local email r2@lab.example
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
crypto ipsec profile IP
 set ikev2-profile P
 responder-only
!
interface Ethernet0/0
 ip address 10.0.12.2 255.255.255.0
!
interface Tunnel0
 ip address 192.168.0.2 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination 10.0.12.1
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
end
`;

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function start(r2 = R2): Simulation {
  sim = new Simulation({ nodes: { R1, R2: r2 }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  return sim;
}

const established = (node: string) => sim!.node(node).router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established");

describe("key-id and email identities", () => {
  it("authenticates a key-id initiator and an email responder, each keyring finding the peer by its identity", async () => {
    const s = start();
    expect(await s.exec("R2", "show running-config | section crypto ikev2")).toContain(" peer R1\n  identity key-id R1-KEY\n");
    s.advance(5_000);
    expect(established("R1")).toHaveLength(1);
    expect(await s.exec("R2", "show crypto ikev2 sa detailed")).toContain("Remote id: R1-KEY");
    expect(await s.exec("R1", "show crypto ikev2 sa detailed")).toContain("Remote id: r2@lab.example");
    expect(await s.exec("R2", "show crypto ikev2 profile")).toContain("key-id R1-KEY");
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("refuses a key-id that differs, even only in case (an opaque string)", () => {
    start(R2.replace("match identity remote key-id R1-KEY", "match identity remote key-id r1-key"));
    sim!.advance(5_000);
    expect(established("R2")).toEqual([]);
  });
});

describe("clear crypto ikev2 sa narrowed", () => {
  it("clears only the SAs of the local address or front-door VRF it names", async () => {
    const s = start();
    s.advance(5_000);
    const [before] = established("R1");
    await s.exec("R1", "clear crypto ikev2 sa local 10.0.12.9");
    await s.exec("R1", "clear crypto ikev2 sa fvrf INET");
    await s.exec("R1", "clear crypto ikev2 sa remote 10.0.12.9");
    s.advance(100);
    expect(established("R1")).toEqual([before]);
    await s.exec("R1", "clear crypto ikev2 sa local 10.0.12.1");
    s.advance(100);
    expect(before.state).toBe("dead");
  });
});
