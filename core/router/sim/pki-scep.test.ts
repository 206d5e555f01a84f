// A CA on a router, as on IOS: `crypto pki server CA` with `ip http server` on one router,
// and routers enrolling to it over SCEP (RFC 8894) across the router's own TCP, in virtual
// time: authenticate, enroll, auto-enroll at boot, and the manual grant/reject of a server
// without `grant auto`.
import { createHash, type X509Certificate } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { pkiSubsystem } from "../pki/subsystem";

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

function caRouter(grant = " grant auto\n"): string {
  return `hostname INET
ip domain name cisco.com
interface Ethernet0/0
 ip address 172.16.1.1 255.255.255.0
crypto pki server CA
 database level minimum
 issuer-name CN=CA.cisco.com,O=Cisco
${grant} lifetime certificate 200
 no shutdown
ip http server
end
`;
}

function client(hostname: string, address: string, extra = ""): string {
  return `hostname ${hostname}
ip domain name cisco.com
interface Ethernet0/0
 ip address ${address} 255.255.255.0
crypto pki trustpoint CA
 enrollment url http://172.16.1.1:80
 password
 subject-name cn=${hostname}.cisco.com,OU=FLEX,O=Cisco
 revocation-check crl none
${extra}end
`;
}

function start(nodes: Record<string, string>): Simulation {
  const names = Object.keys(nodes);
  sim = new Simulation({ nodes, links: [names.map((node) => ({ node, iface: "Ethernet0/0" }))] });
  sim.settle();
  return sim;
}

describe("crypto pki server", () => {
  it("enables with no shutdown, logs it and shows itself as IOS does", async () => {
    const s = start({ INET: caRouter() });
    const logs = s.node("INET").log.map((l) => l.text);
    expect(logs).toContain("%PKI-6-CS_ENABLED: Certificate server now enabled.");
    expect(logs).toContain("%PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.");
    const out = await s.exec("INET", "show crypto pki server");
    expect(out).toMatch(/^Certificate Server CA:\n {4}Status: enabled\n/);
    expect(out).toContain("    Issuer name: CN=CA.cisco.com,O=Cisco");
    expect(out).toContain("    Granting mode is: auto");
    expect(out).toContain("    Last certificate issued serial number (hex): 1");
    expect(await s.exec("INET", "show running-config | section crypto pki server")).toBe("crypto pki server CA\n database level minimum\n issuer-name CN=CA.cisco.com,O=Cisco\n grant auto\n lifetime certificate 200\n");
    expect(await s.exec("INET", "show running-config | include http")).toBe("ip http server\n");
  });

  it("authenticates and enrolls a router over SCEP; the certificate carries the subject-name and the FQDN", async () => {
    const s = start({ INET: caRouter(), R3: client("R3", "172.16.1.103") });
    const auth = await s.exec("R3", "crypto pki authenticate CA");
    const ca = s.node("INET").router.subsystem(pkiSubsystem).servers.get("CA")!.cert;
    expect(auth).toContain(`Certificate has the following attributes:\n       Fingerprint MD5: ${fingerprint(ca, "md5")} \n`);
    expect(auth).toContain("Trustpoint CA certificate accepted.");
    const enrol = await s.exec("R3", "crypto pki enroll CA");
    expect(enrol).toContain("% Certificate request sent to Certificate Authority");
    const held = s.node("R3").router.subsystem(pkiSubsystem).store.get("CA")!;
    expect(held.cert!.verify(ca.publicKey)).toBe(true);
    expect(held.cert!.checkPrivateKey(held.key!)).toBe(true);
    expect(held.cert!.serialNumber).toBe("02");
    expect(held.cert!.subject.split("\n")).toEqual(["O=Cisco", "OU=FLEX", "CN=R3.cisco.com"]);
    expect(held.cert!.subjectAltName).toBe("DNS:R3.cisco.com");
    // `lifetime certificate 200`
    expect((Date.parse(held.cert!.validTo) - Date.parse(held.cert!.validFrom)) / 86_400_000).toBeCloseTo(200, 0);
    expect(s.node("R3").log.map((l) => l.text)).toContain("%PKI-6-CERTRET: Certificate received from Certificate Authority");
    expect(await s.exec("R3", "show crypto pki certificates CA")).toMatch(/^Certificate\n  Status: Available\n  Certificate Serial Number \(hex\): 02\n/);
    expect(await s.exec("INET", "show crypto pki server | include serial")).toContain("Last certificate issued serial number (hex): 2");
  });

  it("lists the server's own trustpoint and an enrolled router's in show crypto pki trustpoints and certificates", async () => {
    const s = start({ INET: caRouter(), R3: client("R3", "172.16.1.103", " auto-enroll\n") });
    s.advance(30_000);
    const caBlock = "Trustpoint CA:\n    Subject Name: \n    cn=CA.cisco.com\n    o=Cisco\n          Serial Number (hex): 01\n    Certificate configured.\n";
    expect(await s.exec("INET", "show crypto pki trustpoints")).toBe(caBlock + "\n");
    expect(await s.exec("R3", "show crypto pki trustpoints")).toBe(caBlock + "    SCEP URL: http://172.16.1.1:80/cgi-bin\n\n");
    const certs = await s.exec("R3", "show crypto pki certificates");
    expect(certs).toMatch(/^Certificate\n {2}Status: Available\n {2}Certificate Serial Number \(hex\): 02\n(.*\n)*CA Certificate\n {2}Status: Available\n {2}Certificate Serial Number \(hex\): 01\n/);
    expect(certs).toContain("  Subject:\n    Name: R3.cisco.com\n    cn=R3.cisco.com\n    ou=FLEX\n    o=Cisco\n");
    expect(await s.exec("INET", "show crypto pki certificates")).toMatch(/^CA Certificate\n {2}Status: Available\n {2}Certificate Serial Number \(hex\): 01\n/);
  });

  it("auto-enrolls at boot a trustpoint with auto-enroll and no certificate", () => {
    const s = start({ INET: caRouter(), R1: client("R1", "172.16.1.2", " auto-enroll 95\n"), R3: client("R3", "172.16.1.103", " auto-enroll\n") });
    s.advance(30_000);
    for (const node of ["R1", "R3"]) {
      const cert = s.node(node).router.subsystem(pkiSubsystem).store.get("CA")?.cert;
      expect(cert?.subject, node).toContain(`CN=${node}.cisco.com`);
    }
  });

  it("holds requests pending without grant auto until granted, and refuses rejected ones", async () => {
    const s = start({ INET: caRouter(""), R3: client("R3", "172.16.1.103"), R4: client("R4", "172.16.1.104") });
    for (const node of ["R3", "R4"]) {
      await s.exec(node, "crypto pki authenticate CA");
      expect(await s.exec(node, "crypto pki enroll CA")).toContain("% The request is pending at the CA; the router polls for it");
    }
    const info = await s.exec("INET", "crypto pki server CA info requests");
    expect(info).toMatch(/^1 {6}pending {4}[0-9A-F]{32} cn=R3\.cisco\.com,ou=FLEX,o=Cisco$/m);
    expect(info).toMatch(/^2 {6}pending {4}[0-9A-F]{32} cn=R4\.cisco\.com,ou=FLEX,o=Cisco$/m);
    expect(await s.exec("INET", "crypto pki server CA grant 1")).toBe("");
    expect(await s.exec("INET", "crypto pki server CA reject 2")).toBe("");
    expect(await s.exec("INET", "crypto pki server CA grant 2")).toBe("% Request 2 is already rejected\n");
    s.advance(61_000); // the clients' next poll
    expect(s.node("R3").router.subsystem(pkiSubsystem).store.get("CA")?.cert?.serialNumber).toBe("02");
    expect(s.node("R4").router.subsystem(pkiSubsystem).store.get("CA")?.cert).toBeUndefined();
    expect(s.node("R4").log.map((l) => l.text)).toContain("%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority");
  });

  it("keeps its request database over a reload: a request pending before it is granted after it", async () => {
    const s = start({ INET: caRouter(""), R3: client("R3", "172.16.1.103") });
    await s.exec("R3", "crypto pki authenticate CA");
    expect(await s.exec("R3", "crypto pki enroll CA")).toContain("% The request is pending at the CA");
    await s.restart("INET");
    expect(await s.exec("INET", "crypto pki server CA info requests")).toMatch(/^1 {6}pending {4}[0-9A-F]{32} cn=R3\.cisco\.com,ou=FLEX,o=Cisco$/m);
    expect(await s.exec("INET", "crypto pki server CA grant 1")).toBe("");
    s.advance(61_000); // the client's next poll
    const cert = s.node("R3").router.subsystem(pkiSubsystem).store.get("CA")?.cert;
    expect(cert?.serialNumber).toBe("02");
    expect(cert?.verify(s.node("INET").router.subsystem(pkiSubsystem).servers.get("CA")!.cert.publicKey)).toBe(true);
  });

  it("says why when the CA does not answer", async () => {
    const s = start({ INET: caRouter().replace("ip http server\n", ""), R3: client("R3", "172.16.1.103") });
    expect(await s.exec("R3", "crypto pki authenticate CA")).toBe("% Connection to 172.16.1.1:80 refused\n");
    expect(await s.exec("R3", "crypto pki enroll CA")).toContain("% Please authenticate the CA first: crypto pki authenticate CA");
  });
});

describe("show crypto key mypubkey rsa", () => {
  it("lists the router's key pairs in IOS's layout, the public key as SubjectPublicKeyInfo hex eight words a line", async () => {
    const s = start({ INET: caRouter(), R3: client("R3", "172.16.1.103") });
    expect(await s.exec("R3", "crypto key generate rsa modulus 1024")).toContain("The name for the keys will be: R3.cisco.com");
    const out = await s.exec("R3", "show crypto key mypubkey rsa");
    const pair = s.node("R3").router.subsystem(pkiSubsystem).keys.get("R3.cisco.com")!;
    const words = pair.publicKey.export({ type: "spki", format: "der" }).toString("hex").toUpperCase().match(/.{1,8}/g)!;
    const data = [];
    for (let i = 0; i < words.length; i += 8) data.push(`  ${words.slice(i, i + 8).join(" ")} `);
    expect(out).toMatch(/^% Key pair was generated at: \d\d:\d\d:\d\d UTC [A-Z][a-z]{2} \d+ \d{4}\n/);
    expect(out.split("\n").slice(1)).toEqual([
      "Key name: R3.cisco.com",
      "Key type: RSA KEYS      1024 bits",
      " Storage Device: private-config",
      " Usage: General Purpose Key",
      " Key is not exportable. Redundancy enabled.",
      " Key Data:",
      ...data,
      "",
    ]);
    // A 1024-bit key's first line, as IOS prints it: the DER header, then the modulus.
    expect(data[0]).toMatch(/^ {2}30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00[0-9A-F]{6} $/);
    // The certificate server's pair carries its name; a label picks one pair.
    expect(await s.exec("INET", "show crypto key mypubkey rsa CA")).toContain("Key name: CA\nKey type: RSA KEYS      2048 bits\n");
    expect(await s.exec("INET", "show crypto key mypubkey rsa NONE")).toBe("");
  });
});

/** IOS's "0A1B2C3D 4E5F6071 …" (X509Certificate has no MD5 fingerprint). */
function fingerprint(cert: X509Certificate, digest: "md5" | "sha1"): string {
  return createHash(digest).update(cert.raw).digest("hex").toUpperCase().match(/.{8}/g)!.join(" ");
}
