// `authentication local|remote ecdsa-sig` in the harness: two sites with ECDSA certificates
// (P-256 and P-384, from an RSA CA as a lab CA would issue them) sign their AUTH with RFC
// 4754's method for their key's curve and verify the peer's; a profile that wants rsa-sig
// refuses an ECDSA signature, and one that wants ecdsa-sig cannot sign with an RSA key.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { issueTestCertificate, makeTestCa } from "./lab-certs";
import { ikev2Subsystem } from "../ikev2/subsystem";
import type { TrustpointMaterial } from "../pki/store";

function site(name: string, me: number, peer: number, local: string, remote: string, responderOnly: boolean): string {
  return `hostname ${name}
crypto pki trustpoint CA
 revocation-check none
!
crypto ikev2 profile P
 match identity remote fqdn domain lab
 identity local fqdn ${name}.lab
 authentication local ${local}
 authentication remote ${remote}
 pki trustpoint CA
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

const ca = makeTestCa("Lab CA");
const ecdsa = {
  R1: issueTestCertificate(ca, ca, "CN=R1.lab,O=FlexLab", 2n, "R1.lab", "CA", "ec-p256"),
  R2: issueTestCertificate(ca, ca, "CN=R2.lab,O=FlexLab", 3n, "R2.lab", "CA", "ec-p384"),
};
const rsaR2 = issueTestCertificate(ca, ca, "CN=R2.lab,O=FlexLab", 4n, "R2.lab");

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function start(r1: string, r2: string, material: Record<string, TrustpointMaterial>): Simulation {
  sim = new Simulation({
    nodes: { R1: r1, R2: r2 },
    links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
    pki: (node) => (material[node] ? [material[node]] : []),
  });
  return sim;
}

const established = (node: string) => sim!.node(node).router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established");
const logOf = (node: string): string => sim!.node(node).log.map((l) => l.text).join("\n");

describe("ecdsa-sig", () => {
  it("authenticates both ways with ECDSA signatures on P-256 and P-384 keys and passes traffic", async () => {
    const s = start(site("R1", 1, 2, "ecdsa-sig", "ecdsa-sig", false), site("R2", 2, 1, "ecdsa-sig", "ecdsa-sig", true), ecdsa);
    await s.exec("R1", "debug crypto ikev2 packet");
    s.advance(5_000);
    expect(established("R1")).toHaveLength(1);
    expect(established("R2")).toHaveLength(1);
    expect(await s.exec("R1", "show crypto ikev2 sa")).toContain("Auth sign: ECDSA, Auth verify: ECDSA");
    // RFC 4754: each side's method names its own curve.
    expect(logOf("R1")).toContain("Auth method ECDSA_SHA256_P256");
    expect(logOf("R1")).toContain("Auth method ECDSA_SHA384_P384");
    expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
  });

  it("mixes methods when each profile says so: R1 signs with ECDSA, R2 with RSA", async () => {
    const s = start(site("R1", 1, 2, "ecdsa-sig", "rsa-sig", false), site("R2", 2, 1, "rsa-sig", "ecdsa-sig", true), { R1: ecdsa.R1, R2: rsaR2 });
    s.advance(5_000);
    expect(established("R1")).toHaveLength(1);
    expect(await s.exec("R1", "show crypto ikev2 sa")).toContain("Auth sign: ECDSA, Auth verify: RSA");
    expect(await s.exec("R2", "show crypto ikev2 sa")).toContain("Auth sign: RSA, Auth verify: ECDSA");
  });

  it("refuses an ECDSA signature where the profile wants rsa-sig, and says why", () => {
    start(site("R1", 1, 2, "ecdsa-sig", "ecdsa-sig", false), site("R2", 2, 1, "ecdsa-sig", "rsa-sig", true), ecdsa);
    sim!.advance(5_000);
    expect(established("R2")).toEqual([]);
    expect(logOf("R2")).toContain("Peer used ecdsa-sig, the profile expects rsa-sig");
  });

  it("cannot sign ecdsa-sig with an RSA key, and says so", () => {
    start(site("R1", 1, 2, "ecdsa-sig", "ecdsa-sig", false), site("R2", 2, 1, "ecdsa-sig", "ecdsa-sig", true), { R1: issueTestCertificate(ca, ca, "CN=R1.lab,O=FlexLab", 5n, "R1.lab"), R2: ecdsa.R2 });
    sim!.advance(5_000);
    expect(established("R1")).toEqual([]);
    expect(logOf("R1")).toContain("The trustpoint's key is not an ECDSA key on P-256, P-384 or P-521");
  });
});
