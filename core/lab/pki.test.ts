import { createPrivateKey, X509Certificate } from "node:crypto";
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

  it("keeps what is still good and makes again only what is missing or no longer good, as a router keeps its keys", async () => {
    const dir = join(scratch, "renew");
    copyExampleLabSync("mpls-over-flexvpn", dir);
    const lab = await loadLab(dir);
    const first = await enrolLab(lab);
    const pem = (file: string) => readFileSync(file, "utf8");
    const [hub, r3, r4] = first;
    const r4Cert = pem(r4.certFile);
    // R1-HUB's certificate replaced by R3's (not its key's); R3's key file unreadable.
    writeFileSync(hub.certFile, pem(r3.certFile));
    writeFileSync(r3.keyFile, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    const second = await enrolLab(lab);
    expect(second.map((i) => [i.node, i.fresh])).toEqual([
      ["R1-HUB", true],
      ["R3-Spoke1", true],
      ["R4-Spoke", false],
    ]);
    expect(new X509Certificate(pem(hub.certFile)).checkPrivateKey(createPrivateKey(pem(hub.keyFile)))).toBe(true);
    expect(pem(r4.certFile)).toBe(r4Cert);

    // A new CA (its key lost): every router keeps its key and gets a certificate from it.
    const r4Key = pem(r4.keyFile);
    rmSync(join(dir, "pki/ca.key"));
    const third = await enrolLab(lab);
    expect(third.every((i) => i.fresh)).toBe(true);
    const ca = new X509Certificate(readFileSync(join(dir, "pki/ca.crt")));
    for (const i of third) expect(new X509Certificate(pem(i.certFile)).verify(ca.publicKey)).toBe(true);
    expect(pem(r4.keyFile)).toBe(r4Key);

    // 400 days on, the routers' one-year certificates have expired: each is issued again.
    const later = await enrolLab(lab, Date.now() + 400 * 24 * 3600 * 1000);
    expect(later.every((i) => i.fresh)).toBe(true);
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
