import { describe, expect, it } from "vitest";
import { formatTrustpointStatus } from "./show-status";

describe("show crypto pki trustpoints status", () => {
  it("says what a trustpoint not yet authenticated lacks", () => {
    expect(formatTrustpointStatus([{ name: "CA", keysGenerated: false }]).split("\n")).toEqual([
      "Trustpoint CA:",
      "  State:",
      "    Keys generated ............. No",
      "    Issuing CA authenticated ....... No",
      "    Certificate request(s) ..... None",
      "",
    ]);
  });

  it("lists an authenticated CA without an enrolled certificate", () => {
    const ca = { subject: "cn=Lab CA", md5: "00112233 44556677 8899AABB CCDDEEFF ", sha1: "00112233 44556677 8899AABB CCDDEEFF 01234567 " };
    expect(formatTrustpointStatus([{ name: "CA", ca, keysGenerated: true }]).split("\n")).toEqual([
      "Trustpoint CA:",
      "  Issuing CA certificate configured:",
      "    Subject Name:",
      "     cn=Lab CA",
      "    Fingerprint MD5: 00112233 44556677 8899AABB CCDDEEFF ",
      "    Fingerprint SHA1: 00112233 44556677 8899AABB CCDDEEFF 01234567 ",
      "  State:",
      "    Keys generated ............. Yes (General Purpose, non-exportable)",
      "    Issuing CA authenticated ....... Yes",
      "    Certificate request(s) ..... None",
      "",
    ]);
  });
});
