// FlexVPN with certificates in the harness, configured like the seed lab: a hub with a
// Virtual-Template and an address pool, spokes with `ip address negotiated` authenticating
// with RSA signatures from the lab CA; a foreign CA and a failed `match certificate` refused.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { issueTestCertificate as issue, makeTestCa as makeCa } from "./lab-certs";
import { ikev2Subsystem } from "../ikev2/subsystem";
import type { TrustpointMaterial } from "../pki/store";

const HUB = `hostname R1-HUB
aaa new-model
aaa authorization network default local
crypto pki trustpoint CA
 enrollment url http://172.16.0.2:80
 subject-name CN=R1-HUB.cisco.com,OU=FLEX,OU=VPN,O=Cisco Systems,C=US,L=Linux
 revocation-check crl none
!
crypto ikev2 authorization policy default
 pool mypool
 def-domain cisco.com
!
crypto ikev2 profile default
 match identity remote fqdn domain cisco.com
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint CA
 dpd 60 2 on-demand
 aaa authorization group cert list default default
 virtual-template 1
!
crypto ipsec profile default
 set ikev2-profile default
!
interface Loopback0
 ip address 10.0.0.1 255.255.255.255
!
interface Ethernet0/0
 ip address 172.16.0.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel protection ipsec profile default
!
ip local pool mypool 10.1.1.1 10.1.1.254
end
`;

function spoke(name: string, address: number): string {
  return `hostname ${name}
crypto pki trustpoint CA
 enrollment url http://172.16.1.1:80
 subject-name cn=${name}.cisco.com,OU=FLEX,O=Cisco
 revocation-check crl none
!
crypto pki certificate map mymap 10
 subject-name co ou = flex
!
crypto ikev2 authorization policy default
 route set interface
!
crypto ikev2 profile default
 match certificate mymap
 identity local fqdn ${name}.cisco.com
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint CA
 dpd 60 2 on-demand
 aaa authorization group cert list default default
!
crypto ipsec profile default
 set ikev2-profile default
!
interface Tunnel0
 ip address negotiated
 tunnel source Ethernet0/0
 tunnel destination 172.16.0.1
 tunnel protection ipsec profile default
!
interface Ethernet0/0
 ip address 172.16.0.${address} 255.255.255.0
!
ip route 10.0.0.1 255.255.255.255 Tunnel0 name workaround
end
`;
}

const labCa = makeCa("FlexLab CA");
const foreignCa = makeCa("Someone Else CA");
const material: Record<string, TrustpointMaterial> = {
  "R1-HUB": issue(labCa, labCa, "CN=R1-HUB.cisco.com,OU=FLEX,OU=VPN,O=Cisco Systems,C=US,L=Linux", 2n, "R1-HUB.cisco.com"),
  R3: issue(labCa, labCa, "cn=R3.cisco.com,OU=FLEX,O=Cisco", 3n, "R3.cisco.com"),
  R4: issue(labCa, labCa, "cn=R4.cisco.com,OU=FLEX,O=Cisco", 4n, "R4.cisco.com"),
};

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function lab(pki: Record<string, TrustpointMaterial>, hub = HUB, r3 = spoke("R3", 103)): Simulation {
  return new Simulation({
    nodes: { "R1-HUB": hub, R3: r3, R4: spoke("R4", 104) },
    links: [
      [
        { node: "R1-HUB", iface: "Ethernet0/0" },
        { node: "R3", iface: "Ethernet0/0" },
        { node: "R4", iface: "Ethernet0/0" },
      ],
    ],
    pki: (node) => (pki[node] ? [pki[node]] : []),
  });
}

const logOf = (node: string): string => sim!.node(node).log.map((l) => l.text).join("\n");

describe("FlexVPN with certificates", () => {
  it("authenticates spokes with RSA signatures, hands them pool addresses on Tunnel0 and clones a Virtual-Access per spoke", async () => {
    sim = lab(material);
    sim.advance(10_000);
    for (const node of ["R3", "R4"]) {
      const [sa] = sim.node(node).router.subsystem(ikev2Subsystem).engine.sas();
      expect(sa.state, node).toBe("established");
      expect(sa.authLocal).toBe("RSA");
      expect(sa.authRemote).toBe("RSA");
      expect(sa.children.length).toBe(1);
      expect(sa.children[0].mode).toBe("transport");
    }
    const hubSas = sim.node("R1-HUB").router.subsystem(ikev2Subsystem).engine.sas();
    expect(hubSas.map((s) => s.interfaceName).sort()).toEqual(["Virtual-Access1", "Virtual-Access2"]);
    const brief = await sim.exec("R3", "show ip interface brief");
    expect(brief).toMatch(/^Tunnel0\s+10\.1\.1\.[12]\s+YES/m);
    const hubBrief = await sim.exec("R1-HUB", "show ip interface brief");
    expect(hubBrief).toMatch(/^Virtual-Access1\s+10\.0\.0\.1\s+YES\s+\w+\s+up\s+up/m);
    expect(hubBrief).toMatch(/^Virtual-Access2\s/m);
    const detailed = await sim.exec("R1-HUB", "show crypto ikev2 sa detailed");
    expect(detailed).toContain("Auth sign: RSA, Auth verify: RSA");
    expect(detailed).toMatch(/Remote id: R[34]\.cisco\.com/);
    expect(detailed).toMatch(/Pushed IP address: 10\.1\.1\.[12]/);
    const spokeDetail = await sim.exec("R3", "show crypto ikev2 sa detailed");
    expect(spokeDetail).toContain("Local id: R3.cisco.com");
    expect(spokeDetail).toContain("Remote id: cn=R1-HUB.cisco.com,ou=FLEX,ou=VPN,o=Cisco Systems,c=US,l=Linux");
    expect(spokeDetail).toContain("Initiator of SA : Yes");
    expect(await sim.exec("R3", "ping 10.0.0.1 source Tunnel0")).toContain("Success rate is 100 percent (5/5)");
    expect(logOf("R3")).toContain("%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP.  Peer 172.16.0.1:500");
    // Clearing the sessions on the hub removes the Virtual-Access interfaces; the spokes come
    // back at once (after REINITIATE_FIRST_MS), not on their 10 s timer.
    await sim.exec("R1-HUB", "clear crypto ikev2 sa");
    sim.advance(200);
    expect(await sim.exec("R1-HUB", "show ip interface brief")).not.toContain("Virtual-Access");
    expect(await sim.exec("R3", "show ip interface brief")).toMatch(/^Tunnel0\s+unassigned/m);
    sim.advance(2_000);
    expect((await sim.exec("R1-HUB", "show ip interface brief")).match(/^Virtual-Access[12] /gm)?.length).toBe(2);
    expect(await sim.exec("R4", "ping 10.0.0.1 source Tunnel0")).toContain("Success rate is 100 percent (5/5)");
  });

  it("pushes the routes of `route set access-list` and `route set remote` to the spokes, which install them on Tunnel0", async () => {
    const hub = HUB.replace(" def-domain cisco.com\n", " def-domain cisco.com\n route set access-list HUB-LANS\n route set remote ipv4 172.30.0.0 255.255.0.0\n").replace(
      "ip local pool mypool",
      "ip access-list standard HUB-LANS\n permit 192.168.100.0 0.0.0.255\n deny 192.168.101.0 0.0.0.255\n permit 10.10.0.0 0.0.255.0\n permit host 192.168.102.7\n!\nip local pool mypool",
    );
    sim = lab(material, hub);
    expect(await sim.exec("R1-HUB", "show running-config | section authorization policy")).toContain(" route set access-list HUB-LANS\n route set remote ipv4 172.30.0.0 255.255.0.0");
    sim.advance(10_000);
    const detail = await sim.exec("R3", "show crypto ikev2 sa detailed");
    // The permits that are networks (a denied one and a discontiguous wildcard are not routes).
    expect(detail).toContain("Remote subnets:\n      192.168.100.0 255.255.255.0\n      192.168.102.7 255.255.255.255\n      172.30.0.0 255.255.0.0");
    expect(detail).not.toContain("192.168.101.0");
    expect(detail).not.toContain("10.10.0.0");
    const routes = await sim.exec("R3", "show ip route static");
    expect(routes).toMatch(/S\s+192\.168\.100\.0\/24 is directly connected, Tunnel0/);
    expect(routes).toMatch(/S\s+172\.30\.0\.0\/16 is directly connected, Tunnel0/);
  });

  it("pushes the policy's def-domain and banner to the spokes and installs pushed routes with `route accept any`'s tag and distance", async () => {
    const hub = HUB.replace(" def-domain cisco.com\n", " def-domain cisco.com\n banner ^C Authorized access only\nFlexLab hub ^C\n route set remote ipv4 172.30.0.0 255.255.0.0\n");
    // R3 accepts with a tag and its own distance; R4 has no `route accept` line.
    const r3 = spoke("R3", 103).replace(" route set interface\n", " route set interface\n route accept any tag 10 distance 5\n");
    sim = lab(material, hub, r3);
    expect(await sim.exec("R3", "show running-config | section authorization policy")).toContain(" route set interface\n route accept any tag 10 distance 5");
    sim.advance(10_000);
    for (const node of ["R3", "R4"]) {
      const detail = await sim.exec(node, "show crypto ikev2 sa detailed");
      expect(detail, node).toContain("      Remote subnets:\n      172.30.0.0 255.255.0.0\n      Default Domain: cisco.com\n      Banner:\n       Authorized access only\n      FlexLab hub \n");
      expect(await sim.exec(node, "show crypto ikev2 session detailed"), node).toContain("      Default Domain: cisco.com");
    }
    const r3Route = await sim.exec("R3", "show ip route 172.30.0.0");
    expect(r3Route).toContain('Known via "static", distance 5, metric 0 (connected)');
    expect(r3Route).toContain("  Tag 10");
    expect(await sim.exec("R3", "show ip route static")).toMatch(/S\s+172\.30\.0\.0\/16 is directly connected, Tunnel0/);
    // Without the line IOS accepts all the same, at distance 2 and untagged.
    const r4Route = await sim.exec("R4", "show ip route 172.30.0.0");
    expect(r4Route).toContain('Known via "static", distance 2, metric 0 (connected)');
    expect(r4Route).not.toContain("Tag");
    // The hub has no def-domain/banner pushed to it, so shows none.
    expect(await sim.exec("R1-HUB", "show crypto ikev2 sa detailed")).not.toContain("Default Domain");
    // Removing the line puts the default back for the next session.
    await sim.exec("R3", "configure terminal");
    for (const line of ["crypto ikev2 authorization policy default", "no route accept any", "end"]) expect(await sim.exec("R3", line)).toBe("");
    expect(await sim.exec("R3", "show running-config | section authorization policy")).not.toContain("route accept");
    await sim.exec("R3", "clear crypto session");
    sim.advance(5_000);
    expect(await sim.exec("R3", "show ip route 172.30.0.0")).toContain('Known via "static", distance 2, metric 0 (connected)');
  });

  it("refuses a spoke whose certificate comes from a foreign CA, saying why", () => {
    sim = lab({ ...material, R4: issue(foreignCa, foreignCa, "cn=R4.cisco.com,OU=FLEX,O=Cisco", 4n, "R4.cisco.com") });
    sim.advance(10_000);
    const r4 = sim.node("R4").router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established");
    expect(r4).toEqual([]);
    expect(sim.node("R3").router.subsystem(ikev2Subsystem).engine.sas()[0].state).toBe("established");
    expect(logOf("R1-HUB")).toContain("%PKI-3-CERTIFICATE_INVALID_UNAUTHORIZED: Certificate chain validation has failed.  Unauthorized");
    expect(logOf("R4")).toContain("Received AUTHENTICATION_FAILED");
  });

  it("has the hub refuse a spoke whose certificate fails match certificate, and say why in show logging", async () => {
    const hub = HUB.replace(" match identity remote fqdn domain cisco.com\n", " match certificate spokes\n").replace("crypto ikev2 profile default\n", "crypto pki certificate map spokes 10\n subject-name co ou = flex\n!\ncrypto ikev2 profile default\n");
    expect(hub).toContain(" match certificate spokes\n");
    sim = lab({ ...material, R4: issue(labCa, labCa, "cn=R4.cisco.com,OU=SALES,O=Cisco", 4n, "R4.cisco.com") }, hub);
    sim.advance(10_000);
    expect(sim.node("R3").router.subsystem(ikev2Subsystem).engine.sas()[0].state).toBe("established");
    expect(sim.node("R4").router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established")).toEqual([]);
    expect(logOf("R4")).toContain("Received AUTHENTICATION_FAILED");
    const log = await sim.exec("R1-HUB", "show logging");
    expect(log).toMatch(/%IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR: Failed to locate an item in the database \(no profile matches R4\.cisco\.com: certificate subject "cn=R4\.cisco\.com,ou=SALES,o=Cisco" fails certificate map spokes\)$/m);
  });

  it("has the spoke refuse a hub whose certificate fails match certificate", () => {
    const hubMaterial = issue(labCa, labCa, "CN=R1-HUB.cisco.com,OU=OTHER,O=Cisco Systems", 2n, "R1-HUB.cisco.com");
    sim = lab({ ...material, "R1-HUB": hubMaterial });
    sim.advance(10_000);
    expect(sim.node("R3").router.subsystem(ikev2Subsystem).engine.sas().filter((s) => s.state === "established")).toEqual([]);
    expect(logOf("R3")).toContain('the responder cn=R1-HUB.cisco.com,ou=OTHER,o=Cisco Systems: certificate subject "cn=R1-HUB.cisco.com,ou=OTHER,o=Cisco Systems" fails certificate map mymap; it does not match profile default');
  });
});
