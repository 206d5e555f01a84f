import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { enrolLab, labCa } from "./pki";
import { copyExampleLabSync } from "./testdata/example-lab";
import { loadLab } from "./topology";

const scratch = mkdtempSync(join(tmpdir(), "flexlab-pki-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Adds a trustpoint the lab CA enrols to a config, before its `end`. */
function addTrustpoint(file: string, name: string): void {
  const text = readFileSync(file, "utf8").replace(/^end$/m, `crypto pki trustpoint ${name}\n enrollment url http://10.0.0.1:80\n!\nend`);
  writeFileSync(file, text);
}

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

  it("writes nothing outside the lab folder: not through a trustpoint name, not through a pki symlink", async () => {
    const dir = join(scratch, "escape");
    copyExampleLabSync("two-routers", dir);
    addTrustpoint(join(dir, "R1.cfg"), "../../../outside");
    await expect(enrolLab(await loadLab(dir))).rejects.toThrow(/trustpoint "..\/..\/..\/outside" cannot be enrolled/);
    expect(existsSync(join(scratch, "outside.crt"))).toBe(false);

    const other = join(scratch, "elsewhere");
    mkdirSync(other);
    copyExampleLabSync("two-routers", join(scratch, "escape2"));
    addTrustpoint(join(scratch, "escape2", "R1.cfg"), "CA");
    symlinkSync(other, join(scratch, "escape2", "pki"));
    await expect(enrolLab(await loadLab(join(scratch, "escape2")))).rejects.toThrow(/leads outside the lab folder/);
    expect(existsSync(join(other, "ca.key"))).toBe(false);
  });
});
