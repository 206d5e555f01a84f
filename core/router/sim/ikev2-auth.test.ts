// The IKEv2 identity and certificate checks (ikev2/auth.ts) on certificates from a test CA
// (the PKI builder lives outside ikev2/, so this test sits with the harness helpers).
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueTestCertificate, makeTestCa } from "./lab-certs";
import { ipv4 } from "../wire/addr";
import { IkeIdType } from "../wire/ikev2-registry";
import { cfgIpv4Value, cfgTextValue } from "../wire/ikev2-values";
import { certificateMapMatches, checkPeerCertificate, identityText, keyringKey, localIdentity, remoteIdentityMatches } from "../ikev2/auth";

const ca = makeTestCa("Unit CA");
const material = issueTestCertificate(ca, ca, "cn=R3-spoke.cisco.com,OU=FLEX,O=Cisco", 3n, "R3-spoke.cisco.com");
const cert = new X509Certificate(material.certPem!);
const caCert = new X509Certificate(ca.pem);
const fqdn = (s: string) => ({ idType: IkeIdType.ID_FQDN, data: cfgTextValue(s) });

describe("identities", () => {
  it("sends the DN of its certificate for `identity local dn` and prints it as IOS does", () => {
    const id = localIdentity({ kind: "dn" }, ipv4(10, 0, 0, 1), cert);
    expect(id.idType).toBe(IkeIdType.ID_DER_ASN1_DN);
    expect(identityText(id)).toBe("cn=R3-spoke.cisco.com,ou=FLEX,o=Cisco");
    expect(identityText(localIdentity(undefined, ipv4(10, 0, 0, 1), undefined))).toBe("10.0.0.1");
  });

  it("matches `match identity remote` by fqdn, domain and address with mask, case-insensitively", () => {
    expect(remoteIdentityMatches({ kind: "fqdn-domain", value: "cisco.com" }, fqdn("R3-Spoke.CISCO.com"))).toBe(true);
    expect(remoteIdentityMatches({ kind: "fqdn-domain", value: "cisco.com" }, fqdn("notcisco.com"))).toBe(false);
    expect(remoteIdentityMatches({ kind: "address", address: ipv4(10, 0, 0, 0), mask: ipv4(255, 0, 0, 0) }, { idType: IkeIdType.ID_IPV4_ADDR, data: cfgIpv4Value(ipv4(10, 9, 9, 9)) })).toBe(true);
  });

  it("finds the keyring's key by the peer's identity first, then its address, with local/remote keys", () => {
    const keyring = {
      name: "K",
      peers: {
        a: { name: "a", address: { address: ipv4(0, 0, 0, 0), mask: ipv4(0, 0, 0, 0) }, preSharedKey: "any" },
        b: { name: "b", identity: { kind: "fqdn" as const, value: "spoke.lab" }, preSharedKeyLocal: "mine", preSharedKeyRemote: "theirs" },
      },
    };
    expect(keyringKey(keyring, ipv4(1, 2, 3, 4), fqdn("spoke.lab"), "local")).toBe("mine");
    expect(keyringKey(keyring, ipv4(1, 2, 3, 4), fqdn("spoke.lab"), "remote")).toBe("theirs");
    expect(keyringKey(keyring, ipv4(1, 2, 3, 4), fqdn("other.lab"), "remote")).toBe("any");
  });
});

describe("certificates", () => {
  it("applies `match certificate` subject-name rules as IOS does (co, eq, nc; case and spaces around = ignored)", () => {
    const map = (op: "co" | "eq" | "nc", value: string) => [{ name: "m", seq: 10, rules: [{ field: "subject-name" as const, op, value }] }];
    expect(certificateMapMatches(map("co", "ou = flex"), cert)).toBe(true);
    expect(certificateMapMatches(map("co", "ou = vpn"), cert)).toBe(false);
    expect(certificateMapMatches(map("eq", "cn=r3-spoke.cisco.com,ou=flex,o=cisco"), cert)).toBe(true);
    expect(certificateMapMatches(map("nc", "ou=flex"), cert)).toBe(false);
  });

  it("accepts a certificate its trustpoint's CA issued within its validity, and says why otherwise", () => {
    const tp = { trustpoint: "CA", ca: caCert, cert: undefined, key: undefined };
    expect(checkPeerCertificate(cert, [tp], Date.UTC(2026, 11, 1))).toEqual({ trustpoint: tp });
    expect(checkPeerCertificate(cert, [tp], Date.UTC(2029, 0, 1))).toMatchObject({ mnemonic: "CERTIFICATE_INVALID_EXPIRED" });
    const other = makeTestCa("Other CA");
    expect(checkPeerCertificate(cert, [{ ...tp, ca: new X509Certificate(other.pem) }], Date.UTC(2026, 11, 1))).toMatchObject({ mnemonic: "CERTIFICATE_INVALID_UNAUTHORIZED" });
  });
});
