// RFC 7383 IKEv2 fragmentation in the harness: two sites authenticating with certificates
// across a firewall that drops IP fragments (the case the RFC exists for), their links an
// MTU of 576 bytes. Without `crypto ikev2 fragmentation` each IKE_AUTH, too big for one
// datagram, loses its IP fragments at the firewall and the SA never comes up; with it, both
// IKE_AUTH messages travel as SKF fragments that fit the MTU, each protected alone, and a
// lost fragment is recovered by retransmitting all of them.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { issueTestCertificate, makeTestCa } from "./lab-certs";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { parseIkeMessage } from "../wire/ikev2";
import { isWireError } from "../wire/errors";

function site(name: string, me: string, peer: string, gateway: string, fragmentation: string, responderOnly: boolean): string {
  return `hostname ${name}
${fragmentation}crypto pki trustpoint CA
 revocation-check none
!
crypto ikev2 profile P
 match identity remote fqdn domain lab
 identity local fqdn ${name}.lab
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint CA
!
crypto ipsec profile IP
 set ikev2-profile P
${responderOnly ? " responder-only\n" : ""}!
interface Ethernet0/0
 ip address ${me} 255.255.255.0
 ip mtu 576
!
interface Tunnel0
 ip address 192.168.0.${name === "R1" ? 1 : 2} 255.255.255.252
 tunnel source Ethernet0/0
 tunnel destination ${peer}
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile IP
!
ip route 0.0.0.0 0.0.0.0 ${gateway}
end
`;
}

/** A firewall that drops every non-initial IP fragment, both ways. */
const FW = `hostname FW
ip access-list extended NO-FRAGMENTS
 deny ip any any fragments
 permit ip any any
!
interface Ethernet0/0
 ip address 10.0.1.254 255.255.255.0
 ip access-group NO-FRAGMENTS in
!
interface Ethernet0/1
 ip address 10.0.2.254 255.255.255.0
 ip access-group NO-FRAGMENTS in
!
end
`;

const ca = makeTestCa("Lab CA");
const material = { R1: issueTestCertificate(ca, ca, "CN=R1.lab,O=FlexLab", 2n, "R1.lab"), R2: issueTestCertificate(ca, ca, "CN=R2.lab,O=FlexLab", 3n, "R2.lab") };

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function start(fragmentation: { R1: string; R2: string }): Simulation {
  sim = new Simulation({
    nodes: {
      R1: site("R1", "10.0.1.1", "10.0.2.2", "10.0.1.254", fragmentation.R1, false),
      FW,
      R2: site("R2", "10.0.2.2", "10.0.1.1", "10.0.2.254", fragmentation.R2, true),
    },
    links: [
      [{ node: "R1", iface: "Ethernet0/0" }, { node: "FW", iface: "Ethernet0/0" }],
      [{ node: "FW", iface: "Ethernet0/1" }, { node: "R2", iface: "Ethernet0/0" }],
    ],
    pki: (node) => (node === "R1" || node === "R2" ? [material[node]] : []),
  });
  return sim;
}

const engine = (node: string) => sim!.node(node).router.subsystem(ikev2Subsystem).engine;
const established = (node: string) => engine(node).sas().filter((s) => s.state === "established");

/** Every IKE message `node` sends from now on, as handed to its UDP socket; `drop` may keep
 * one from leaving. */
function recordSends(node: string, drop?: (message: Uint8Array, index: number) => boolean): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const host = sim!.node(node).router.subsystem(ikev2Subsystem);
  const send = host.send.bind(host);
  host.send = (fvrf, local, remote, message) => {
    sent.push(message);
    if (drop?.(message, sent.length - 1)) return;
    send(fvrf, local, remote, message);
  };
  return sent;
}

const FRAGMENTATION = "crypto ikev2 fragmentation mtu 576\n";

describe("IKEv2 fragmentation (RFC 7383) across a firewall that drops IP fragments", () => {
  it("never comes up without it: the certificate IKE_AUTH is one datagram too big for the path", () => {
    const s = start({ R1: "", R2: "" });
    const sent = recordSends("R1");
    s.advance(30_000);
    expect(established("R1")).toEqual([]);
    expect(engine("R1").stats.fragmentsSent).toBe(0);
    expect(Math.max(...sent.map((m) => m.length))).toBeGreaterThan(576 - 28);
  });

  it("stays off when only one end has it configured (RFC 7383 §2.3: both must offer it)", () => {
    const s = start({ R1: FRAGMENTATION, R2: "" });
    s.advance(30_000);
    expect(established("R1")).toEqual([]);
    expect(engine("R1").stats.fragmentsSent).toBe(0);
  });

  it("comes up with it on both ends: both IKE_AUTH messages go as SKF fragments that fit the MTU", async () => {
    const s = start({ R1: FRAGMENTATION, R2: FRAGMENTATION });
    const sent = recordSends("R1");
    await s.exec("R1", "debug crypto ikev2");
    s.advance(5_000);
    const [sa] = established("R1");
    expect(sa?.fragmentMtu).toBe(576);
    expect(established("R2")).toHaveLength(1);
    expect(sa.authRemote).toBe("RSA");
    // Every datagram R1 sent fits the 576-byte MTU with its IP and UDP headers.
    for (const m of sent) expect(m.length + 28).toBeLessThanOrEqual(576);
    const kinds = sent.map((m) => {
      const p = parseIkeMessage(m);
      return isWireError(p) ? "error" : p.repr.payloads[p.repr.payloads.length - 1]?.kind;
    });
    expect(kinds.filter((k) => k === "skf").length).toBeGreaterThan(1);
    for (const node of ["R1", "R2"]) {
      expect(engine(node).stats.fragmentsSent, node).toBeGreaterThan(1);
      expect(engine(node).stats.reassembled, node).toBe(1);
    }
    expect(await s.exec("R1", "show crypto ikev2 sa detailed")).toContain("IETF Std Fragmentation MTU in use: 576 bytes.");
    expect(await s.exec("R2", "show crypto ikev2 stats")).toMatch(/IKEv2 fragments sent: [1-9]\d*, received: [1-9]\d*, messages reassembled: 1, fragments dropped: 0/);
    const debug = s.node("R1").log.map((l) => l.text).join("\n");
    expect(debug).toMatch(/Fragmenting message \(IDi CERT .*AUTH.*\) into \d+ fragments for MTU 576/);
    expect(debug).toMatch(/IKEv2 IKE_AUTH Exchange REQUEST \nPayload contents: \n SKF\(1\/\d+\)/);
    expect(debug).toMatch(/Reassembled message id 1 from \d+ fragments: IDr CERT/);
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("retransmits every fragment when one is lost, and the responder completes the message", () => {
    const s = start({ R1: FRAGMENTATION, R2: FRAGMENTATION });
    // The second fragment of R1's first IKE_AUTH never leaves.
    let dropped = 0;
    recordSends("R1", (m) => {
      const p = parseIkeMessage(m);
      const last = isWireError(p) ? undefined : p.repr.payloads[p.repr.payloads.length - 1];
      if (last?.kind === "skf" && last.fragmentNumber === 2 && dropped === 0) {
        dropped++;
        return true;
      }
      return false;
    });
    s.advance(1_000);
    expect(established("R2")).toEqual([]);
    s.advance(4_000);
    expect(dropped).toBe(1);
    expect(engine("R1").stats.retransmits).toBeGreaterThanOrEqual(1);
    expect(established("R1")).toHaveLength(1);
    expect(established("R2")).toHaveLength(1);
  });

  it("runs `crypto ikev2 fragmentation` through the grammar and renders it back", async () => {
    const s = start({ R1: "crypto ikev2 fragmentation\n", R2: FRAGMENTATION });
    expect(await s.exec("R1", "show running-config | include fragmentation")).toContain("crypto ikev2 fragmentation\n");
    expect(await s.exec("R2", "show running-config | include fragmentation")).toContain("crypto ikev2 fragmentation mtu 576");
    s.advance(5_000);
    // No `mtu`: IOS's 576.
    expect(established("R1")[0]?.fragmentMtu).toBe(576);
  });
});
