import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { enrolLab, labCa } from "./pki";
import { copyExampleLabSync } from "./testdata/example-lab";
import { loadLab } from "./topology";

const scratch = mkdtempSync(join(tmpdir(), "flexlab-pki-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the lab PKI", () => {
  it("issues each trustpoint of the seed lab a certificate from the lab CA, as its config asks", async () => {
    const dir = join(scratch, "lab");
    copyExampleLabSync("mpls-over-flexvpn", dir);
    const lab = await loadLab(dir);
    const issued = await enrolLab(lab);
    expect(issued.map((i) => [i.node, i.trustpoint, i.serial, i.fresh])).toEqual([
      ["R1-HUB", "CA", "02", true],
      ["R3-Spoke1", "CA", "03", true],
      ["R4-Spoke", "CA", "04", true],
    ]);
    const ca = new X509Certificate(readFileSync(join(dir, "pki/ca.crt")));
    expect(ca.serialNumber).toBe("01");
    const hub = new X509Certificate(readFileSync(issued[0].certFile));
    expect(hub.verify(ca.publicKey)).toBe(true);
    expect(hub.subject).toContain("CN=R1-HUB.cisco.com");
    expect(hub.subject).toContain("OU=VPN");
    const r3 = new X509Certificate(readFileSync(issued[1].certFile));
    expect(r3.subjectAltName).toBe("DNS:R3-Spoke.cisco.com");
    expect(r3.subject).toContain("OU=FLEX");

    const again = await enrolLab(lab);
    expect(again.every((i) => !i.fresh)).toBe(true);
    expect((await labCa(lab)).cert.fingerprint256).toBe(ca.fingerprint256);
  });

  it("issues nothing for a lab without enrolling trustpoints", async () => {
    const dir = join(scratch, "plain");
    copyExampleLabSync("two-routers", dir);
    expect(await enrolLab(await loadLab(dir))).toEqual([]);
  });
});
