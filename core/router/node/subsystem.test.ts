import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import type { InterfaceConfig } from "../config/model/interface";
import type { RouterConfig } from "../config/model/router";
import type { Interface } from "../net/interface";
import { pkiSubsystem } from "../pki/subsystem";
import { Router } from "./router";
import type { Subsystem, SubsystemHost, SubsystemInstance, TableEntry } from "./subsystem";
import { SUBSYSTEMS } from "./subsystems";
import { collectTables, CORE_TABLES, TABLES } from "./tables";

/** A subsystem that writes down every call it gets. */
function recorder(calls: string[]): Subsystem<SubsystemInstance & { host: SubsystemHost }> {
  return {
    name: "recorder",
    attach: (host, options) => {
      calls.push(`attach ${options.serial}`);
      return {
        host,
        reconcile: (before: RouterConfig | undefined, after: RouterConfig) => calls.push(`reconcile ${before?.hostname ?? "-"} -> ${after.hostname}`),
        reconcileInterface: (iface: Interface, before: InterfaceConfig | undefined, after: InterfaceConfig) => calls.push(`interface ${iface.name} ${before ? "changed" : "new"} shutdown=${after.shutdown}`),
        close: () => calls.push("close"),
      };
    },
  };
}

describe("a Router's subsystems", () => {
  it("attaches each once, then reconciles from the config before and after each commit", () => {
    const calls: string[] = [];
    const sub = recorder(calls);
    const router = new Router({ clock: new VirtualClock(), serial: "FLX1", builtinPorts: 0, subsystems: [sub] });
    expect(router.subsystem(sub).host).toBe(router);
    router.boot("hostname A\ninterface Loopback0\n shutdown\n");
    router.commit(); // nothing changed: no calls
    router.running.hostname = "B";
    router.commit();
    router.close();
    expect(calls).toEqual(["attach FLX1", "interface Loopback0 new shutdown=true", "reconcile - -> A", "interface Loopback0 changed shutdown=true", "reconcile A -> B", "close"]);
  });

  it("refuses to hand out a subsystem it did not attach", () => {
    const router = new Router({ clock: new VirtualClock(), subsystems: [] });
    expect(() => router.subsystem(pkiSubsystem)).toThrow(/pki is not attached/);
  });

  it("registers static routes, tunnels, PKI, the MFI, BGP, IPsec, IKEv2, NHRP and CDP by default, each under its own name", () => {
    expect(SUBSYSTEMS.map((s) => s.name)).toEqual(["tunnels", "ip-routing", "pki", "mfi", "bgp", "ipsec", "ikev2", "nhrp", "cdp"]);
    const router = new Router({ clock: new VirtualClock() });
    expect(router.subsystem(pkiSubsystem).store.all()).toEqual([]);
  });
});

describe("tables a subsystem brings", () => {
  /** A subsystem serving the `vrf` table from its view of the router. */
  const vrfTable: TableEntry<"vrf", SubsystemHost> = {
    name: "vrf",
    schema: CORE_TABLES.vrf!.schema,
    rows: (router) => Object.keys(router.running.vrfs).map((name) => ({ name, id: 0, style: "definition" as const, protocols: [], importTargets: [], exportTargets: [], interfaces: [] })),
    format: (rows) => rows.map((r) => r.name).join("\n"),
  };
  const owner: Subsystem = { name: "vrf-owner", attach: () => ({}), tables: [vrfTable] };
  const { vrf: _taken, ...coreWithoutVrf } = CORE_TABLES;

  it("joins the registry the mgmt API and show commands read, rows built from the router", () => {
    const registry = collectTables(coreWithoutVrf, [...SUBSYSTEMS, owner]);
    expect(registry.vrf).toBe(vrfTable);
    expect(registry.routes).toBe(CORE_TABLES.routes);
    const router = new Router({ clock: new VirtualClock(), subsystems: [] });
    router.boot("vrf definition blue\n");
    expect(registry.vrf.format(registry.vrf.rows(router))).toBe("blue");
    router.close();
  });

  it("refuses a table with two entries, or none, when the router code loads", () => {
    expect(() => collectTables(CORE_TABLES, [owner])).toThrow(/table vrf has two entries \(subsystem vrf-owner\)/);
    expect(() => collectTables(coreWithoutVrf, [])).toThrow(/no entry for table vrf/);
    expect(Object.keys(TABLES).sort()).toEqual([...Object.keys(CORE_TABLES), "mpls-forwarding", "ipsec-sa", "esp-keys", "ikev2-sa", "crypto-session", "bgp-ipv4", "bgp-vpnv4", "nhrp", "nhrp-traffic", "cdp-neighbors"].sort()); // the subsystems' tables
  });
});
