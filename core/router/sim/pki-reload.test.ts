// A router reloaded keeps what IOS keeps in NVRAM: labs/mpls-over-flexvpn-scep with INET's CA
// reloaded (Simulation.restart, as `flexlab restart INET`) is the same CA — its key pair from
// private-config, its certificate and serial counter from CA.ser — so the certificates it
// issued before still authenticate the spokes to the hub, and a spoke reloaded afterwards
// enrols again (with the key pair it kept) under the next serial and is accepted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStorage, Simulation } from "./harness";
import { pkiSubsystem } from "../pki/subsystem";
import { databaseFile } from "../pki/ca-server";

const LAB = join(__dirname, "../../../labs/mpls-over-flexvpn-scep");
const NODES = ["R1-HUB", "INET", "R3-Spoke1", "R4-Spoke"];

let sim: Simulation | undefined;
afterEach(() => {
  sim?.close();
  sim = undefined;
});

/** The lab in the harness; each node's NVRAM is the MemoryStorage in `storage`. */
function startLab(storage: Record<string, MemoryStorage> = {}): Simulation {
  const nodes = Object.fromEntries(NODES.map((n) => [n, readFileSync(join(LAB, `${n}.cfg`), "utf8")]));
  for (const n of NODES) storage[n] ??= new MemoryStorage(nodes[n]);
  sim = new Simulation({
    nodes,
    storage: (n) => storage[n],
    links: [
      [{ node: "R1-HUB", iface: "Ethernet0/0" }, { node: "INET", iface: "Ethernet0/0" }],
      [{ node: "INET", iface: "Ethernet0/1" }, { node: "R3-Spoke1", iface: "Ethernet0/0" }, { node: "R4-Spoke", iface: "Ethernet0/0" }],
    ],
  });
  return sim;
}

/** Lets the NVRAM writes queued on promise chains run (the harness's memory NVRAM). */
async function writesDone(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

const READY = /^\d+ +172\.16\.1\.104\/500 +172\.16\.0\.1\/500 +none\/none +READY$/m;

describe("a reloaded certificate server", () => {
  it("is the same CA after a reload: spokes it enrolled authenticate to the hub, a reloaded spoke gets its certificate back, and a new key pair the next serial", async () => {
    const s = startLab();
    s.advance(60_000);
    expect(await s.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(READY);
    const before = s.node("INET").router.subsystem(pkiSubsystem).servers.get("CA")!;
    const r4Before = s.node("R4-Spoke").router.subsystem(pkiSubsystem).store.get("CA")!.cert!;
    expect(before.lastIssuedSerial).toBe(4n);

    await s.restart("INET");
    s.advance(10_000);
    const after = s.node("INET").router.subsystem(pkiSubsystem).servers.get("CA")!;
    expect(after).not.toBe(before);
    expect(after.cert.raw.equals(before.cert.raw)).toBe(true);
    const server = await s.exec("INET", "show crypto pki server");
    expect(server).toContain("    Last certificate issued serial number (hex): 4\n");
    expect(server).toContain("    Current primary storage dir: nvram:\n");
    expect(await s.exec("INET", "show crypto key mypubkey rsa CA")).toContain(`Key name: CA\n`);

    // R4's certificate from before the reload still authenticates it to the hub.
    await s.exec("R4-Spoke", "clear crypto session");
    s.advance(30_000);
    expect(await s.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(READY);
    expect(s.node("R4-Spoke").router.subsystem(pkiSubsystem).store.get("CA")!.cert!.raw.equals(r4Before.raw)).toBe(true);

    // R4 reloaded without `write memory` has no certificate: it enrols again with the key
    // pair it kept in private-config. SCEP's transaction ID is that key's hash, so the CA
    // knows the request from its database and hands back the certificate it issued.
    await s.restart("R4-Spoke");
    s.advance(60_000);
    const r4After = s.node("R4-Spoke").router.subsystem(pkiSubsystem).store.get("CA")!.cert!;
    expect(r4After.raw.equals(r4Before.raw)).toBe(true);
    expect(await s.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(READY);
    expect(await s.exec("R4-Spoke", "ping vrf cust1 192.168.110.1 source Loopback100")).toContain("Success rate is 100 percent (5/5)");

    // A new key pair is a new request: the serial goes on from the one before the reload.
    await s.exec("R3-Spoke1", "crypto key generate rsa label R3-Spoke1.cisco.com modulus 1024");
    expect(await s.exec("R3-Spoke1", "crypto pki enroll CA")).toContain("% Certificate request sent to Certificate Authority");
    const r3 = s.node("R3-Spoke1").router.subsystem(pkiSubsystem).store.get("CA")!.cert!;
    expect(r3.serialNumber).toBe("05");
    expect(r3.verify(after.cert.publicKey)).toBe(true);
    expect(await s.exec("INET", "show crypto pki server")).toContain("    Last certificate issued serial number (hex): 5\n");
    expect(s.node("R1-HUB").log.map((l) => l.text).filter((t) => t.includes("CERTIFICATE_INVALID"))).toEqual([]);
  }, 60_000);

  it("keeps an enrolled spoke's certificate in its startup-config after write memory, as IOS does, and installs it at boot without asking the CA", async () => {
    const s = startLab();
    s.advance(60_000);
    const r4 = s.node("R4-Spoke").router.subsystem(pkiSubsystem).store.get("CA")!;
    const chain = await s.exec("R4-Spoke", "show running-config | section crypto pki certificate chain");
    const hexOf = (der: Buffer) => der.toString("hex").toUpperCase().match(/.{1,8}/g)!.join(" ").match(/(\S+ ?){1,8}/g)!.map((l) => `  ${l.trimEnd()}\n`).join("");
    expect(chain).toBe(`crypto pki certificate chain CA\n certificate ${r4.cert!.serialNumber}\n${hexOf(r4.cert!.raw)}  \tquit\n certificate ca 01\n${hexOf(r4.ca.raw)}  \tquit\n`);
    expect(await s.exec("R4-Spoke", "write memory")).toContain("[OK]");

    const asked = s.node("INET").router.subsystem(pkiSubsystem).scepCounters.requests;
    const node = await s.restart("R4-Spoke");
    // Only the seed's fingerprint warning (the CA is known at boot now), no complaint about the chain.
    expect(node.warnings.filter((w) => w.includes("chain"))).toEqual([]);
    expect(node.router.subsystem(pkiSubsystem).store.get("CA")!.cert!.raw.equals(r4.cert!.raw)).toBe(true);
    s.advance(30_000);
    expect(await s.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(READY);
    expect(s.node("INET").router.subsystem(pkiSubsystem).scepCounters.requests).toBe(asked);
  }, 60_000);

  it("goes on issuing when its NVRAM cannot be written, and logs why each write failed", async () => {
    const storage: Record<string, MemoryStorage> = {};
    const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/lab/nvram'"), { code: "EACCES" });
    storage.INET = Object.assign(new MemoryStorage(readFileSync(join(LAB, "INET.cfg"), "utf8")), {
      nvram: { read: () => undefined, write: () => Promise.reject(denied) },
    });
    const s = startLab(storage);
    s.advance(60_000);
    await writesDone();
    expect(await s.exec("R4-Spoke", "show crypto ikev2 sa")).toMatch(READY);
    const logs = s.node("INET").log.map((l) => l.text);
    expect(logs).toContain("%PKI-3-PRIVATE_CONFIG: Cannot write the key pairs to nvram:private-config: EACCES: permission denied, mkdir '/lab/nvram'");
    expect(logs).toContain("%PKI-3-CS_CRIT_STORAGE: Critical certificate server storage, nvram:CA.ser, is inaccessible: EACCES: permission denied, mkdir '/lab/nvram'");
  }, 60_000);

  it("starts a new CA, and says why, when what NVRAM holds is not this server's any more", async () => {
    const storage: Record<string, MemoryStorage> = {};
    const s = startLab(storage);
    s.advance(1_000);
    await writesDone();
    const first = s.node("INET").router.subsystem(pkiSubsystem).servers.get("CA")!.cert;
    await storage.INET.nvram.write(databaseFile("CA"), new TextEncoder().encode("not a database"));
    const node = await s.restart("INET");
    expect(node.warnings.join("\n")).toMatch(/% Certificate server CA: CA\.ser is not readable: .*; starting a new CA/);
    expect(node.router.subsystem(pkiSubsystem).servers.get("CA")!.cert.raw.equals(first.raw)).toBe(false);
  });
});
