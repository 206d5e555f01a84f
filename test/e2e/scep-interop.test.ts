// SCEP interop (RFC 8894) with micromdm's scep tools (Debian's `scep` package: sscep is not
// packaged for bookworm), in a network-namespace pair: our router (its Ethernet0/0 on the
// packet Nic backend) runs `crypto pki server CA` with `ip http server`, and `scepclient` in
// the other namespace enrols with it over the kernel's TCP; then `scepserver` there is the CA
// and our router authenticates and enrols with it (`enrollment url http://…:8080/scep`).
// Needs root, iproute2, python3, the packet-socket addon and the scep package (.ci/run).
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VethLink, netnsSkipReason, stopChild } from "../support/netns";
import { NetnsRouter, waitFor } from "../support/netns-router";

const HAS_SCEP = spawnSync("scepclient", ["-version"]).status === 0 && spawnSync("scepserver", ["-version"]).status === 0;
const skip = netnsSkipReason() ?? (HAS_SCEP ? undefined : "micromdm's scepclient/scepserver are missing (apt-get install scep)");
if (skip) console.warn(`test/e2e/scep-interop skipped: ${skip}`);

const tag = String(process.pid % 10000);
const US = "198.18.9.1";
const THEM = "198.18.9.2";

const OUR_CONFIG = `hostname FLX
ip domain name lab.example
crypto pki server CA
 issuer-name CN=FLX-CA.lab.example,O=FlexLab
 grant auto
 no shutdown
!
crypto pki trustpoint MICRO
 enrollment url http://${THEM}:8080/scep
 subject-name CN=FLX.lab.example,OU=FLEX,O=FlexLab
 revocation-check none
!
interface Ethernet0/0
 ip address ${US} 255.255.255.0
 no shutdown
!
ip http server
!
end
`;

describe.skipIf(skip !== undefined)("SCEP interop with micromdm's scep", () => {
  let link: VethLink | undefined;
  let router: NetnsRouter | undefined;
  let server: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), "flexlab-scep-interop-"));

  beforeAll(async () => {
    link = VethLink.create({ ns: `flx-scep-us-${tag}`, ifname: `flxscepu${tag}` }, { ns: `flx-scep-them-${tag}`, ifname: `flxsceps${tag}`, address: `${THEM}/24` });
    router = await NetnsRouter.start({ ns: link.a.ns, ports: { "Ethernet0/0": link.a.ifname }, config: OUR_CONFIG });
  }, 120_000);

  afterAll(async () => {
    if (server) await stopChild(server, () => server!.kill("SIGTERM"));
    await router?.close();
    link?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("scepclient enrols with our router's CA: GetCACaps, GetCACert, PKCSReq → a certificate our CA signed", async () => {
    const key = join(dir, "client.key");
    const cert = join(dir, "client.crt");
    const run = () =>
      spawnSync("ip", ["netns", "exec", link!.b.ns, "scepclient", "-server-url", `http://${US}/cgi-bin/pkiclient.exe`, "-private-key", key, "-certificate", cert, "-cn", "client.lab.example", "-ou", "FLEX", "-organization", "FlexLab", "-country", "US"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    // The first try may race our router's first ARP answer; scepclient does not retry.
    let last = "";
    const r = await waitFor("scepclient to enrol", () => {
      const out = run();
      last = out.stderr + out.stdout;
      return out.status === 0 ? out : undefined;
    }, 60_000, 1000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
    expect(r.status, r.stderr).toBe(0);
    const issued = new X509Certificate(readFileSync(cert));
    expect(issued.issuer.split("\n")).toEqual(["O=FlexLab", "CN=FLX-CA.lab.example"]);
    expect(issued.subject).toContain("CN=client.lab.example");
    const info = await router!.exec("crypto pki server CA info requests");
    expect(info).toMatch(/^1 {6}granted {4}[0-9A-F]{32} .*cn=client\.lab\.example/m);
    const show = await router!.exec("show crypto pki server");
    expect(show).toContain("Last certificate issued serial number (hex): 2");
  }, 120_000);

  it("our router authenticates and enrols with scepserver as its CA", async () => {
    execFileSync("scepserver", ["ca", "-init", "-depot", join(dir, "depot"), "-organization", "micromdm-test"], { cwd: dir, stdio: "ignore" });
    server = spawn("ip", ["netns", "exec", link!.b.ns, "scepserver", "-depot", join(dir, "depot"), "-port", "8080"], { cwd: dir, stdio: "ignore" });
    const auth = await waitFor("our router to fetch scepserver's CA certificate", async () => {
      const out = await router!.exec("crypto pki authenticate MICRO");
      return out.includes("certificate accepted") ? out : undefined;
    }, 30_000, 500);
    expect(auth).toMatch(/Fingerprint MD5: [0-9A-F]{8} /);
    const enrol = await router!.exec("crypto pki enroll MICRO");
    expect(enrol).toContain("% Certificate request sent to Certificate Authority");
    const certs = await router!.exec("show crypto pki certificates MICRO");
    expect(certs).toMatch(/^Certificate\n {2}Status: Available\n/);
    expect(certs).toContain("    cn=FLX.lab.example");
    expect(router!.log.join("\n")).toContain("%PKI-6-CERTRET: Certificate received from Certificate Authority");
  }, 120_000);
});
