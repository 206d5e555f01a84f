// The subsystems registered with every Router (static routes, tunnels, PKI), driven the
// way an engineer would: config text in, show and debug output out.
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Simulation } from "./harness";
import { parseSubjectName } from "../pki/subject";
import { buildCertificate, toPem } from "../pki/x509";

let sim: Simulation | undefined;
afterEach(() => sim?.close());

function one(config: string, pki?: Parameters<typeof trustpoint>[0]): Simulation {
  sim = new Simulation({ nodes: { R1: config }, links: [], pki: pki ? () => [trustpoint(pki)] : undefined });
  sim.settle();
  return sim;
}

function trustpoint(name: string) {
  const ca = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const me = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const caName = parseSubjectName("CN=FlexLab CA,O=FlexLab")!;
  const start = Date.UTC(2026, 10, 28);
  const year = 365 * 24 * 3600 * 1000;
  const caDer = buildCertificate({ serial: 1n, subject: caName, issuer: caName, subjectKey: ca.publicKey, issuerKey: ca.privateKey, issuerPublicKey: ca.publicKey, notBeforeMs: start, notAfterMs: start + 10 * year, ca: true });
  const der = buildCertificate({ serial: 2n, subject: parseSubjectName("CN=R1.lab")!, issuer: caName, subjectKey: me.publicKey, issuerKey: ca.privateKey, issuerPublicKey: ca.publicKey, notBeforeMs: start, notAfterMs: start + year, ca: false });
  return { trustpoint: name, caCertPem: toPem(caDer), certPem: toPem(der), keyPem: me.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

const BASE = `hostname R1
interface Loopback0
 ip address 10.255.0.1 255.255.255.255
interface Ethernet0/0
 ip address 10.0.12.1 255.255.255.0
`;

describe("static routes as a subsystem", () => {
  it("installs, replaces and withdraws `ip route` as the config changes", async () => {
    const s = one(BASE + "ip route 192.0.2.0 255.255.255.0 10.0.12.2\n");
    expect(await s.exec("R1", "show ip route")).toMatch(/^S {5}192\.0\.2\.0\/24 \[1\/0\] via 10\.0\.12\.2$/m);
    await s.transcript("R1", ["configure terminal", "no ip route 192.0.2.0 255.255.255.0 10.0.12.2", "ip route 198.51.100.0 255.255.255.0 Null0 5", "end"]);
    const out = await s.exec("R1", "show ip route");
    expect(out).not.toContain("192.0.2.0");
    expect(out).toMatch(/^S {5}198\.51\.100\.0\/24 is directly connected, Null0$/m);
  });

  it("reports RIB changes under `debug ip routing`, listed by `show debugging` until `undebug all`", async () => {
    const s = one(BASE);
    expect(await s.exec("R1", "show debugging")).toBe("");
    expect(await s.exec("R1", "debug ip routing")).toBe("IP routing debugging is on\n");
    expect(await s.exec("R1", "debug ip icmp")).toBe("ICMP packet debugging is on\n");
    expect(await s.exec("R1", "show debugging")).toBe("IP:\n  ICMP packet debugging is on\n  IP routing debugging is on\n");
    await s.transcript("R1", ["configure terminal", "ip route 192.0.2.0 255.255.255.0 10.0.12.2", "end"]);
    const log = s.node("R1").log.map((l) => l.text);
    expect(log).toContain("RT: add 192.0.2.0/24 via 10.0.12.2, static metric [1/0]");
    expect(await s.exec("R1", "undebug all")).toBe("All possible debugging has been turned off\n");
    expect(await s.exec("R1", "show debugging")).toBe("");
  });

  it("offers the debug flags in `?` help", () => {
    const s = one(BASE);
    const help = s.node("R1").shell.help("debug ip ").join("\n");
    expect(help).toMatch(/icmp\s+ICMP transactions/);
    expect(help).toMatch(/routing\s+Routing table events/);
  });
});

describe("tunnels as a subsystem", () => {
  it("brings a GRE tunnel up from its source and destination, with the log lines IOS prints", async () => {
    const s = one(BASE + "interface Tunnel0\n ip address 172.16.0.1 255.255.255.0\n tunnel source Loopback0\n tunnel destination 10.0.12.2\n");
    expect(await s.exec("R1", "show ip interface brief | include Tunnel0")).toMatch(/^Tunnel0 +172\.16\.0\.1 +YES NVRAM +up +up/m);
    const log = s.node("R1").log.map((l) => l.text).filter((t) => t.includes("Tunnel0"));
    expect(log).toEqual(["%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to down", "%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to up"]);
    await s.transcript("R1", ["configure terminal", "interface Tunnel0", "no tunnel destination 10.0.12.2", "end"]);
    expect(await s.exec("R1", "show ip interface brief | include Tunnel0")).toMatch(/^Tunnel0 +172\.16\.0\.1 +YES NVRAM +up +down/m);
  });

  it("counts GRE for no tunnel on the receiving interface, by its own drop reason", async () => {
    const s = one(BASE);
    const e0 = s.node("R1").router.stack.interface("Ethernet0/0")!;
    expect(e0.counters.drops["gre-no-tunnel"]).toBe(0);
  });
});

describe("PKI as a subsystem", () => {
  it("shows the certificates the lab PKI installed, per trustpoint", async () => {
    const s = one(BASE + "crypto pki trustpoint FLEX-TP\n enrollment url http://10.0.0.1:80\n revocation-check none\n", "FLEX-TP");
    const certs = await s.exec("R1", "show crypto pki certificates");
    expect(certs).toMatch(/^Certificate\n {2}Status: Available\n {2}Certificate Serial Number \(hex\): 02$/m);
    expect(certs).toContain("    Name: R1.lab");
    expect(certs).toMatch(/^CA Certificate\n/m);
    expect(certs).toContain("  Associated Trustpoints: FLEX-TP ");
    expect(await s.exec("R1", "show crypto pki certificates OTHER")).toBe("");
    const tps = await s.exec("R1", "show crypto pki trustpoints");
    expect(tps).toContain("Trustpoint FLEX-TP:\n    Subject Name: \n    cn=FlexLab CA\n    o=FlexLab\n          Serial Number (hex): 01\n    Certificate configured.\n    SCEP URL: http://10.0.0.1:80/cgi-bin\n");
  });

  it("says a trustpoint without material is not authenticated", async () => {
    const s = one(BASE + "crypto pki trustpoint OTHER\n enrollment terminal\n");
    expect(await s.exec("R1", "show crypto pki trustpoints")).toBe("Trustpoint OTHER:\n    Not authenticated.\n\n");
  });
});
