// Collisions in the harness, in virtual time (RFC 7296 §2.8.1): both ends of a static VTI
// initiating at once keep one IKE SA; the original responder rekeys a child SA when its own
// soft lifetime fires; both ends rekeying the same child SA at once keep one new child SA,
// the one made with the lowest nonce going, deleted by the end that started it.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { lowerExchange } from "../ikev2/collisions";
import type { ChildSa, IkeSa } from "../ikev2/sa";

function site(name: string, me: number, peer: number, extra = "", responderOnly = false): string {
  return `hostname ${name}
${extra}crypto ikev2 keyring KR
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
${responderOnly ? " responder-only\n" : ""}!
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

const engine = (node: string) => sim!.node(node).router.subsystem(ikev2Subsystem).engine;
const live = (node: string): IkeSa[] => engine(node).sas().filter((s) => s.state === "established");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** One IKE SA on each end, the same one, with one child SA whose keys cross. */
function expectOnePair(): void {
  const [a, ...moreA] = live("R1");
  const [b, ...moreB] = live("R2");
  expect([moreA.length, moreB.length]).toEqual([0, 0]);
  expect([a.spiI, a.spiR]).toEqual([b.spiI, b.spiR]);
  expect(a.children).toHaveLength(1);
  expect(b.children).toHaveLength(1);
  expect(a.children[0].outbound.spi).toBe(b.children[0].inbound.spi);
  expect(hex(a.children[0].outbound.encKey)).toBe(hex(b.children[0].inbound.encKey));
  expect(hex(a.children[0].inbound.encKey)).toBe(hex(b.children[0].outbound.encKey));
}

/** Every IKE SA and child SA that comes up on `node` from now on, as IKEv2 tells its host. */
function recordUps(node: string): { sas: IkeSa[]; children: ChildSa[] } {
  const seen = { sas: [] as IkeSa[], children: [] as ChildSa[] };
  const host = sim!.node(node).router.subsystem(ikev2Subsystem);
  const saUp = host.saUp.bind(host);
  const childUp = host.childUp.bind(host);
  host.saUp = (sa) => {
    seen.sas.push(sa);
    saUp(sa);
  };
  host.childUp = (sa, child) => {
    seen.children.push(child);
    childUp(sa, child);
  };
  return seen;
}

describe("both ends of a site-to-site tunnel initiating at once", () => {
  it("keeps one IKE SA, the one without the lowest nonce, deleted by the end that started the other, and starts no new one", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1));
    // Both SAs come up on R1, its own and R2's, before one goes.
    const seen = recordUps("R1");
    s.advance(5_000);
    expect(seen.sas).toHaveLength(2);
    const [x, y] = seen.sas;
    const doomed = lowerExchange(x, y) ? x : y;
    const kept = doomed === x ? y : x;
    expectOnePair();
    expect(live("R1")[0]).toBe(kept);
    expect(doomed.state).toBe("dead");
    // Nobody reconnects: the kept SA is the tunnel's, whichever end started it.
    const requests = [engine("R1").stats.outgoingRequests, engine("R2").stats.outgoingRequests];
    s.advance(60_000);
    expect([engine("R1").stats.outgoingRequests, engine("R2").stats.outgoingRequests]).toEqual(requests);
    expect(live("R1")[0]).toBe(kept);
    expect(s.node("R1").log.map((l) => l.text).join("\n")).not.toContain("%IKEV2-5-SA_DOWN");
    expect(await s.exec("R2", "ping 192.168.0.1")).toContain("Success rate is 100 percent (5/5)");
  });

  it("says which one goes with debug crypto ikev2 internal, the same on both ends", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1));
    await s.exec("R1", "debug crypto ikev2 internal");
    await s.exec("R2", "debug crypto ikev2 internal");
    s.advance(5_000);
    const said = (node: string): string => s.node(node).log.map((l) => l.text).find((t) => t.includes("Duplicate IKE SA")) ?? "";
    expect(said("R1")).toMatch(/Duplicate IKE SA with 10\.0\.12\.2 on Tunnel0; (deleting it|the peer deletes it)/);
    expect(said("R2")).toMatch(/Duplicate IKE SA with 10\.0\.12\.1 on Tunnel0; (deleting it|the peer deletes it)/);
    expect(said("R1").endsWith("deleting it")).toBe(!said("R2").endsWith("deleting it"));
  });
  it("after clear crypto session both ends reconnect at once and again keep one IKE SA", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1));
    s.advance(11_000);
    const [before] = live("R1");
    await s.exec("R1", "clear crypto session");
    s.advance(3_000);
    expect(before.state).toBe("dead");
    expectOnePair();
    expect(live("R1")[0].spiI).not.toBe(before.spiI);
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });
});

describe("child SA rekeys started by the responder", () => {
  it("rekeys from the original responder when its own soft lifetime fires first", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1, "crypto ipsec security-association lifetime seconds 300\n", true));
    s.advance(5_000);
    const before = live("R2")[0].children[0];
    expect(live("R2")[0].role).toBe("responder");
    s.advance(280_000);
    const after = live("R2")[0].children[0];
    expect(after).not.toBe(before);
    expect(after.exchange.weInitiated).toBe(true);
    expect(after.lifetimeSec).toBe(300);
    expect(live("R1")[0].children[0].lifetimeSec).toBe(3600);
    expectOnePair();
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });
});

describe("child SA rekey collisions", () => {
  it("keeps one new child SA when both ends rekey the same one at once: the lowest nonce's goes", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true));
    s.advance(5_000);
    await s.exec("R1", "debug crypto ikev2 internal");
    const [a] = live("R1");
    const [b] = live("R2");
    const old = a.children[0];
    const seen = recordUps("R1");
    engine("R1").rekeyChild(a, old);
    engine("R2").rekeyChild(b, b.children[0]);
    s.advance(2_000);
    // Both new child SAs came up on R1: its own and R2's.
    expect(seen.children.map((c) => c.exchange.replaces)).toEqual([old, old]);
    const [p, q] = seen.children;
    const doomed = lowerExchange(p.exchange, q.exchange) ? p : q;
    const kept = doomed === p ? q : p;
    expect(a.children).toEqual([kept]);
    expectOnePair();
    expect(s.node("R1").log.map((l) => l.text).join("\n")).toContain("Child SA rekey collision on ");
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    const [row] = s.table("R1", "ipsec-sa");
    expect(row.inbound).toHaveLength(1);
  });

  it("settles every collision the same way over many trials: one child SA each end, keys crossed", () => {
    for (let trial = 0; trial < 8; trial++) {
      const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true));
      s.advance(5_000);
      engine("R1").rekeyChild(live("R1")[0], live("R1")[0].children[0]);
      engine("R2").rekeyChild(live("R2")[0], live("R2")[0].children[0]);
      s.advance(3_000);
      expectOnePair();
      s.close();
      sim = undefined;
    }
  });
});

describe("IKE SA rekey collisions (RFC 7296 §2.8.1)", () => {
  /** Every IKE SA in `node`'s engine that is up and not on its way out. */
  const current = (node: string): IkeSa[] => engine(node).sas().filter((s) => s.state === "established" && !s.superseded);

  it("ends with one IKE SA when both ends rekey it at once: the lowest nonce's goes, and no child SA is lost", async () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true));
    s.advance(5_000);
    await s.exec("R1", "debug crypto ikev2 internal");
    const [a] = live("R1");
    const [b] = live("R2");
    const child = a.children[0];
    const peerChild = b.children[0];
    engine("R1").rekeyIkeSa(a);
    engine("R2").rekeyIkeSa(b);
    s.advance(5_000);
    expect(a.state).toBe("dead");
    expect(b.state).toBe("dead");
    const [x, ...moreX] = current("R1");
    const [y, ...moreY] = current("R2");
    expect([moreX.length, moreY.length]).toEqual([0, 0]);
    expect(engine("R1").sas()).toEqual([x]);
    expect(engine("R2").sas()).toEqual([y]);
    expect([x.spiI, x.spiR]).toEqual([y.spiI, y.spiR]);
    expect(x.spiI).not.toBe(a.spiI);
    // The same child SA, moved to the surviving IKE SA on both ends, and still carrying traffic.
    expect(x.children).toEqual([child]);
    expect(y.children).toEqual([peerChild]);
    expect(s.node("R1").log.map((l) => l.text).join("\n")).toContain("IKE SA rekey collision on ");
    expect(s.node("R1").log.map((l) => l.text).join("\n")).not.toContain("%IKEV2-5-SA_DOWN");
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    // The survivor works: a child rekey and a DPD-free minute later it is still the one.
    engine("R1").rekeyChild(x, x.children[0]);
    s.advance(60_000);
    expect(current("R1")).toEqual([x]);
    expectOnePair();
    expect(await s.exec("R2", "ping 192.168.0.1")).toContain("Success rate is 100 percent (5/5)");
  });

  it("settles the same way over many trials, whichever exchange holds the lowest nonce", () => {
    const outcomes = new Set<string>();
    for (let trial = 0; trial < 8; trial++) {
      const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true));
      s.advance(5_000);
      const [a] = live("R1");
      engine("R1").rekeyIkeSa(a);
      engine("R2").rekeyIkeSa(live("R2")[0]);
      s.advance(5_000);
      const [x] = current("R1");
      expect(current("R1")).toHaveLength(1);
      expect(current("R2")).toHaveLength(1);
      expect(engine("R1").sas()).toHaveLength(1);
      expect(engine("R2").sas()).toHaveLength(1);
      expect(x.children).toHaveLength(1);
      expectOnePair();
      outcomes.add(x.role);
      s.close();
      sim = undefined;
    }
    // R1 keeps its own rekey's SA (initiator) in some trials and R2's (responder) in others.
    expect(outcomes.size).toBe(2);
  });

  it("answers a rekey of an IKE SA it already replaced with TEMPORARY_FAILURE, and keeps its own", () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true));
    s.advance(5_000);
    const [a] = live("R1");
    const [b] = live("R2");
    engine("R1").rekeyIkeSa(a);
    s.advance(1);
    // R1's rekey reached R2 and R2 answered it; R2's own now arrives on the replaced SA.
    expect(b.superseded).toBe(true);
    engine("R2").rekeyIkeSa(b);
    s.advance(5_000);
    expect(current("R1")).toHaveLength(1);
    expect(engine("R2").sas()).toHaveLength(1);
    expectOnePair();
  });

  it("rekeys from the original responder when its own IKE lifetime is shorter", () => {
    const s = start(site("R1", 1, 2), site("R2", 2, 1, "", true).replace(" keyring local KR\n", " keyring local KR\n lifetime 600\n"));
    s.advance(5_000);
    const [b] = live("R2");
    expect(b.role).toBe("responder");
    expect(b.lifetimeSec).toBe(600);
    s.advance(600_000);
    const [y] = current("R2");
    expect(y).not.toBe(b);
    expect(y.role).toBe("initiator");
    expectOnePair();
  });
});
