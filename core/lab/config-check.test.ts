import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../router/config/parse";
import { checkConfigText, formatCheckProblem, formatInertFamilies } from "./config-check";

const SEED = resolve(import.meta.dirname, "../../labs/mpls-over-flexvpn");

describe("config check", () => {
  it("reports the block of a rejected line as skipped, line by line, under its parent", () => {
    const text = ["hostname R2", "interface Frobnicator0", " description to the carrier", " ip address 192.168.9.1 255.255.255.252", "interface Loopback0", " ip address 2.2.2.2 255.255.255.255", ""].join("\n");
    const r = checkConfigText("r2.cfg", text, false);
    expect(r.problems.map(formatCheckProblem)).toEqual([
      "r2.cfg:2:12: % Invalid input detected at '^' marker.",
      "r2.cfg:3:2: skipped: parent line 2 was rejected",
      "r2.cfg:4:2: skipped: parent line 2 was rejected",
    ]);
  });

  it("groups what the lab will not simulate by family with --warnings, and warns about mpls ip on a FlexVPN template", () => {
    const text = [
      "hostname PE1",
      "interface Virtual-Template1 type tunnel",
      " ip unnumbered Loopback0",
      " mpls ip",
      "interface GigabitEthernet1",
      " ip address 10.0.0.1 255.255.255.0",
      " ip ospf network point-to-point",
      " speed 1000",
      " duplex full",
      " negotiation auto",
      "router ospf 1",
      " router-id 1.1.1.1",
      " network 10.0.0.0 0.0.0.255 area 0",
      "ntp server 10.1.1.1",
      "",
    ].join("\n");
    const r = checkConfigText("pe1.cfg", text, true);
    expect(r.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(r.problems.find((p) => p.line === 4)?.message).toMatch(/^% Warning: mpls ip on Virtual-Template1, a FlexVPN tunnel/);
    expect(formatInertFamilies(r)).toEqual([
      "pe1.cfg: accepted but not simulated:",
      "  routing protocols: 4 lines (the lab does not run OSPF yet; the lab does not run this routing protocol yet (static and BGP only))",
      "  interface hardware: 3 lines (a lab link has no speed, duplex or media; frames are carried whole)",
      "  NTP: 1 line (lab routers keep the host's clock (virtual in sim))",
    ]);
    expect(checkConfigText("pe1.cfg", text, false).families).toBeUndefined();
  });

  it("warns about no line of the seed lab that the lab relies on: only IOS housekeeping the guide's design never needs", () => {
    const warned = new Set<string>();
    for (const node of ["R1-HUB", "R3-Spoke1", "R4-Spoke", "INET"]) {
      const r = parseConfig(readFileSync(`${SEED}/${node}.cfg`, "utf8"));
      expect(r.diagnostics, node).toEqual([]);
      expect(r.notes, node).toEqual([]); // no `mpls ip` on a FlexVPN tunnel, nothing IOS would print
      for (const w of r.warnings) warned.add(`${w.family}: ${w.command}`);
    }
    // Tunnels, IKEv2, IPsec, NHRP, BGP VPNv4, VRFs and PKI trustpoints are all simulated: none
    // of them may ever appear here.
    expect([...warned].sort()).toEqual([
      "MPLS LDP/TE: mpls.ldp.loop-detection",
      "PKI: crypto.pki.token",
      "forwarding options: ip.cef",
      "forwarding options: ip.forward-protocol",
      "forwarding options: ipv6.cef",
      "forwarding options: multilink.bundle-name",
      "system: boot-end-marker",
      "system: boot-start-marker",
      "system: ip.http.secure-server",
      "system: redundancy",
    ]);
  });

  it("gives every inert line of the public corpus a family, never 'other'", () => {
    const text = readFileSync(resolve(import.meta.dirname, "../../test/fixtures/ios-configs/batfish-example-as2border1.cfg"), "utf8");
    const r = checkConfigText("as2border1.cfg", text, true);
    expect(r.families?.map((f) => f.family)).not.toContain("other");
    expect(r.families?.length).toBeGreaterThan(3);
  });
});
