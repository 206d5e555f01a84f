import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import type { InterfaceConfig } from "../config/model/interface";
import type { RouterConfig } from "../config/model/router";
import type { Interface } from "../net/interface";
import { pkiSubsystem } from "../pki/subsystem";
import { Router } from "./router";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "./subsystem";
import { SUBSYSTEMS } from "./subsystems";

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

  it("registers static routes, tunnels and PKI by default, each under its own name", () => {
    expect(SUBSYSTEMS.map((s) => s.name)).toEqual(["tunnels", "ip-routing", "pki"]);
    const router = new Router({ clock: new VirtualClock() });
    expect(router.subsystem(pkiSubsystem).store.all()).toEqual([]);
  });
});
