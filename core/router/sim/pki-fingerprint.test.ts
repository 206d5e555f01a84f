// A trustpoint's `fingerprint` line against the CA certificate the lab PKI handed over: the
// seed's names the guide's own CA, which no lab can have, so a router says so once at boot
// (a warning, with the lab CA's own fingerprint) and trusts the lab CA all the same; a
// fingerprint that is the lab CA's is quiet.
import { createHash, X509Certificate } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { issueTestCertificate as issue, makeTestCa as makeCa } from "./lab-certs";
import { pkiSubsystem } from "../pki/subsystem";

const ca = makeCa("FlexLab CA");
const material = issue(ca, ca, "CN=R1.cisco.com,OU=FLEX,O=Cisco", 2n, "R1.cisco.com");
const der = new X509Certificate(material.caCertPem).raw;
const md5 = createHash("md5").update(der).digest("hex").toUpperCase();
const sha1 = createHash("sha1").update(der).digest("hex").toUpperCase();

function router(fingerprint: string): string {
  return `hostname R1
crypto pki trustpoint CA
 enrollment url http://172.16.0.2:80
 fingerprint ${fingerprint}
 subject-name CN=R1.cisco.com,OU=FLEX,O=Cisco
 revocation-check crl none
!
end
`;
}

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function boot(config: string): Simulation {
  return new Simulation({ nodes: { R1: config }, links: [], pki: () => [material] });
}

describe("trustpoint fingerprint", () => {
  it("warns once at boot when the fingerprint is not the lab CA's, and trusts the lab CA", async () => {
    sim = boot(router("E0AFEFD7F08070BAB33C8297C97E6457"));
    expect(sim.node("R1").warnings).toEqual([
      `% Trustpoint CA: fingerprint E0AFEFD7F08070BAB33C8297C97E6457 is not this lab's CA certificate (its MD5 fingerprint is ${md5}); it names the CA the config was written for, which no lab can have. Trusting the lab CA.`,
    ]);
    expect(sim.node("R1").router.subsystem(pkiSubsystem).store.get("CA")?.ca.raw.equals(der)).toBe(true);
    // A later config change does not say it again (the shell prints warnings after a command).
    await sim.exec("R1", "configure terminal");
    expect(await sim.exec("R1", "ip route 10.9.9.0 255.255.255.0 Null0")).toBe("");
    expect(await sim.exec("R1", "end")).toBe("");
    expect(await sim.exec("R1", "show running-config | include fingerprint")).toBe(" fingerprint E0AFEFD7F08070BAB33C8297C97E6457\n");
  });

  it("is quiet when the fingerprint is the lab CA's, in MD5 or SHA1, upper or lower case", () => {
    for (const fp of [md5, sha1, md5.toLowerCase()]) {
      sim = boot(router(fp));
      expect(sim.node("R1").warnings, fp).toEqual([]);
      sim.close();
      sim = undefined;
    }
  });
});
