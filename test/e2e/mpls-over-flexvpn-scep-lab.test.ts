// labs/mpls-over-flexvpn-scep as an engineer runs it: INET is the CA (`crypto pki server CA`
// with `ip http server`), the seed's hub and spokes enrol with it over SCEP at boot
// (`auto-enroll`), the lab PKI issues them nothing, and the FlexVPN tunnels come up with the
// certificates INET issued: both spokes' IKE SAs READY with RSA signatures, a pool address on
// Tunnel0, ESP to the hub and MPLS VPN traffic end to end. In virtual time (`flexlab sim`) and
// on the process runtime, where INET restarted is the same CA: its key pair and database are
// kept in the lab folder's nvram/INET (what the spokes do after it is core/router/sim's
// pki-reload test).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const labCopy = exampleLabCopies("mpls-over-flexvpn-scep");

const FINGERPRINT = /CA cert fingerprint: ([0-9A-F ]+)/;

describe("labs/mpls-over-flexvpn-scep", () => {
  it("enrols hub and spokes with INET's CA over SCEP and brings the tunnels up with those certificates in flexlab sim", async () => {
    const dir = await labCopy(`scep-sim-${process.pid}`);
    const exec = [
      "INET: show crypto pki server",
      "R1-HUB: show crypto pki certificates CA",
      "R3-Spoke1: show crypto ikev2 sa",
      "R4-Spoke: show crypto ikev2 sa",
      "R3-Spoke1: ping 10.0.0.1 source Tunnel0",
      "R4-Spoke: ping vrf cust1 192.168.110.1 source Loopback100",
    ];
    const r = await flexlab(ROOT, ["sim", dir, ...exec.flatMap((e) => ["--exec", e])]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("    Granting mode is: auto");
    expect(r.stdout).toContain("    Last certificate issued serial number (hex): 4");
    // The hub's certificate is INET's, with the seed's subject-name.
    expect(r.stdout).toMatch(/^Certificate\n {2}Status: Available\n {2}Certificate Serial Number \(hex\): 0[234]\n {2}Certificate Usage: General Purpose\n {2}Issuer: \n {4}cn=INET-CA\.cisco\.com\n {4}o=Cisco\n {2}Subject:\n {4}Name: R1-HUB\.cisco\.com\n {4}cn=R1-HUB\.cisco\.com\n/m);
    expect(r.stdout).toMatch(/^\d+ +172\.16\.1\.103\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m);
    expect(r.stdout).toMatch(/^\d+ +172\.16\.1\.104\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m);
    expect(r.stdout).toContain("Auth sign: RSA, Auth verify: RSA");
    expect(r.stdout).toMatch(/R3-Spoke1#ping 10\.0\.0\.1 source Tunnel0\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    expect(r.stdout).toMatch(/R4-Spoke#ping vrf cust1 192\.168\.110\.1 source Loopback100\n(.*\n){3}!!!!!\nSuccess rate is 100 percent/);
    // Nothing came from the lab PKI: no pki/ folder was written.
    expect(existsSync(join(dir, "pki"))).toBe(false);
  }, 180_000);

  it("does the same with flexlab up on the process runtime", async () => {
    const dir = await labCopy(`scep-process-${process.pid}`);
    const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
    expect(up.code, up.stderr).toBe(0);
    const sa = await execUntil(dir, "R4-Spoke", "show crypto ikev2 sa", / 172\.16\.0\.1\/500 .* READY$/m);
    expect(sa).toMatch(/^\d+ +172\.16\.1\.104\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m);
    const certs = await flexlab(dir, ["exec", "R4-Spoke", "show crypto pki certificates CA"]);
    expect(certs.stdout).toMatch(/Issuer: \n {4}cn=INET-CA\.cisco\.com/);
    const ping = await flexlab(dir, ["exec", "R3-Spoke1", "ping 10.0.0.1 source Tunnel0"]);
    expect(ping.stdout).toContain("Success rate is 100 percent (5/5)");
    expect(existsSync(join(dir, "pki"))).toBe(false);

    // INET restarted is the same CA (nvram/INET/private-config and CA.ser): same certificate,
    // same last serial.
    const ca = FINGERPRINT.exec((await flexlab(dir, ["exec", "INET", "show crypto pki server"])).stdout)?.[1];
    expect(ca).toBeDefined();
    expect(existsSync(join(dir, "nvram/INET/CA.ser"))).toBe(true);
    expect((await flexlab(dir, ["restart", "INET"])).code).toBe(0);
    const server = (await flexlab(dir, ["exec", "INET", "show crypto pki server"])).stdout;
    expect(FINGERPRINT.exec(server)?.[1]).toBe(ca);
    expect(server).toContain("    Last certificate issued serial number (hex): 4\n");
  }, 180_000);
});
