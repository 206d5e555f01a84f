// The old algorithms issue 11 keeps for old configs, negotiated end to end in the harness:
// IKE SAs on DH groups 2 and 5 (MODP 1024/1536) and child SAs with ESP-NULL (integrity only,
// RFC 2410), each end configured with `crypto ikev2 proposal|policy` and a transform set.
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { ikev2Subsystem } from "../ikev2/subsystem";

function site(name: string, me: number, peer: number, group: number, transforms: string, responderOnly: boolean): string {
  return `hostname ${name}
crypto ikev2 proposal OLD
 encryption aes-cbc-128
 integrity sha1
 group ${group}
!
crypto ikev2 policy OLD
 proposal OLD
!
crypto ikev2 keyring KR
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
crypto ipsec transform-set TS ${transforms}
 mode tunnel
!
crypto ipsec profile IP
 set transform-set TS
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

function start(group: number, transforms: string): Simulation {
  sim = new Simulation({ nodes: { R1: site("R1", 1, 2, group, transforms, false), R2: site("R2", 2, 1, group, transforms, true) }, links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]] });
  return sim;
}

describe("legacy algorithms", () => {
  for (const group of [2, 5]) {
    it(`brings up an IKE SA on DH group ${group} and a child SA with esp-null esp-sha-hmac, and passes traffic`, async () => {
      const s = start(group, "esp-null esp-sha-hmac");
      s.advance(5_000);
      const [sa] = s.node("R1").router.subsystem(ikev2Subsystem).engine.sas().filter((x) => x.state === "established");
      expect(sa?.suite?.dhGroup).toBe(group);
      expect(sa.children[0].suite.cipher).toBe("null");
      expect(await s.exec("R1", "show crypto ikev2 sa")).toContain(`Encr: AES-CBC, keysize: 128, PRF: SHA1, Hash: SHA96, DH Grp:${group}`);
      expect(await s.exec("R1", "show crypto ipsec sa")).toContain("transform: esp-null esp-sha-hmac ,");
      expect(await s.exec("R1", "ping 192.168.0.2")).toContain("Success rate is 100 percent (5/5)");
    });
  }
});
