import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { formatIpv4, parsePrefix, type Prefix } from "../wire/addr";
import type { Label } from "../wire/mpls";
import type { FibEntry } from "../net/fib";
import { TestRouter, cable, ip } from "./test-harness";

function p(text: string): Prefix {
  const parsed = parsePrefix(text);
  if (parsed === undefined) throw new Error(text);
  return parsed;
}

/** A FIB entry as one short line: "forward Ethernet0/0→10.0.0.2 [102/406]", "receive", "drop". */
function fibLine(e: FibEntry | undefined): string {
  if (e === undefined) return "none";
  if (e.kind !== "forward") return e.kind;
  const paths = e.paths.map((x) => `${x.interface.name}${x.nextHop === undefined ? "" : `→${formatIpv4(x.nextHop)}`}${x.labels ? ` [${x.labels.join("/")}]` : ""}`);
  return `forward ${paths.join(", ")}`;
}

/** R1 with Ethernet0/0 10.0.0.1/24 toward R2 (10.0.0.2) and Ethernet0/1 10.0.1.1/24 toward R3 (10.0.1.3). */
interface Fixture {
  readonly clock: VirtualClock;
  readonly r: TestRouter;
  /** The global FIB entry for a prefix, as a `fibLine`. */
  readonly fib: (text: string) => string;
  readonly installed: (text: string, vrf?: string) => boolean;
}

function router(): Fixture {
  const clock = new VirtualClock();
  const r = new TestRouter("R1", clock, 1);
  const r2 = new TestRouter("R2", clock, 2);
  const r3 = new TestRouter("R3", clock, 3);
  cable(r, "Ethernet0/0", "10.0.0.1/24", r2, "Ethernet0/0", "10.0.0.2/24");
  cable(r, "Ethernet0/1", "10.0.1.1/24", r3, "Ethernet0/0", "10.0.1.3/24");
  clock.settle(1000);
  return {
    clock,
    r,
    fib: (text) => fibLine(r.stack.globalVrf.fib.get(p(text))),
    installed: (text, vrf) => r.routing.rib.installed(vrf, p(text)) !== undefined,
  };
}

describe("the RIB", () => {
  it("installs the candidate with the lowest administrative distance, then the lowest metric", () => {
    const { r } = router();
    const rib = r.routing.rib;
    rib.upsert(undefined, { prefix: p("192.168.9.0/24"), protocol: "bgp", distance: 20, metric: 0, nextHops: [{ address: ip("10.0.1.3") }] });
    rib.upsert(undefined, { prefix: p("192.168.9.0/24"), protocol: "nhrp", distance: 250, metric: 1, nextHops: [{ address: ip("10.0.0.2") }] });
    expect(rib.installed(undefined, p("192.168.9.0/24"))?.route.protocol).toBe("bgp");
    rib.withdraw(undefined, p("192.168.9.0/24"), "bgp");
    expect(rib.installed(undefined, p("192.168.9.0/24"))?.route.protocol).toBe("nhrp");
    expect(rib.candidates(undefined, p("192.168.9.0/24"))).toHaveLength(1);
    // Installed routes, listed or walked, alike; a prefix with candidates but none installed is in neither.
    rib.upsert(undefined, { prefix: p("192.168.10.0/24"), protocol: "static", distance: 1, metric: 0, nextHops: [{ address: ip("10.9.9.9") }] });
    expect(rib.installed(undefined, p("192.168.10.0/24"))).toBeUndefined();
    const walked: string[] = [];
    rib.forEachInstalled(undefined, (route) => walked.push(`${formatIpv4(route.prefix.addr)}/${route.prefix.len}`));
    expect(walked.sort()).toEqual(rib.installedRoutes(undefined).map((route) => `${formatIpv4(route.prefix.addr)}/${route.prefix.len}`).sort());
    expect(walked).toContain("192.168.9.0/24");
    expect(walked).not.toContain("192.168.10.0/24");
  });

  it("keeps the routes queued after a listener that threw, and installs them at the next change", () => {
    const { r, installed } = router();
    const rib = r.routing.rib;
    let failOnce = true;
    rib.onChange((_vrf, prefix) => {
      if (failOnce && formatIpv4(prefix.addr) === "192.168.2.0") {
        failOnce = false;
        throw new Error("listener failed");
      }
    });
    const route = (text: string) => ({ prefix: p(text), protocol: "static" as const, distance: 1, metric: 0, nextHops: [{ address: ip("10.0.0.2") }] });
    expect(() =>
      rib.batch(() => {
        for (const text of ["192.168.1.0/24", "192.168.2.0/24", "192.168.3.0/24", "192.168.4.0/24"]) rib.upsert(undefined, route(text));
      }),
    ).toThrow("listener failed");
    expect(installed("192.168.1.0/24")).toBe(true);
    expect(installed("192.168.2.0/24")).toBe(true);
    expect(installed("192.168.3.0/24")).toBe(false);
    rib.upsert(undefined, route("192.168.5.0/24"));
    for (const text of ["192.168.3.0/24", "192.168.4.0/24", "192.168.5.0/24"]) expect(installed(text)).toBe(true);
    // And the queue works on as before.
    rib.withdraw(undefined, p("192.168.1.0/24"), "static");
    expect(installed("192.168.1.0/24")).toBe(false);
  });

  it("puts connected subnets, their own addresses and the subnet's network and broadcast addresses in the FIB", () => {
    const { fib } = router();
    expect(fib("10.0.0.0/24")).toBe("forward Ethernet0/0");
    expect(fib("10.0.0.1/32")).toBe("receive");
    expect(fib("10.0.0.0/32")).toBe("receive");
    expect(fib("10.0.0.255/32")).toBe("receive");
  });

  it("resolves a static route's next hop through the connected route into an adjacency", () => {
    const { r, fib } = router();
    expect(r.routing.statics.add({ prefix: p("192.168.0.0/16"), nextHop: ip("10.0.0.2") })).toBeUndefined();
    expect(fib("192.168.0.0/16")).toBe("forward Ethernet0/0→10.0.0.2");
  });

  it("resolves through two levels of static routes and withdraws the chain when the next hop goes away", () => {
    const { r, fib, installed } = router();
    r.routing.statics.add({ prefix: p("172.16.0.0/16"), nextHop: ip("192.168.1.1") });
    expect(installed("172.16.0.0/16")).toBe(false); // 192.168.1.1 is not reachable yet
    r.routing.statics.add({ prefix: p("192.168.1.0/24"), nextHop: ip("10.0.0.2") });
    expect(fib("172.16.0.0/16")).toBe("forward Ethernet0/0→10.0.0.2");

    r.routing.statics.remove({ prefix: p("192.168.1.0/24"), nextHop: ip("10.0.0.2") });
    expect(installed("172.16.0.0/16")).toBe(false);
    expect(fib("172.16.0.0/16")).toBe("none");
    expect(r.routing.statics.list()).toHaveLength(1); // still configured
  });

  it("withdraws a static route when its exit interface goes down, and brings it back", () => {
    const { clock, r, fib } = router();
    r.routing.statics.add({ prefix: p("192.168.0.0/16"), nextHop: ip("10.0.0.2") });
    r.ethernet("Ethernet0/0").setShutdown(true);
    clock.settle(100);
    expect(fib("192.168.0.0/16")).toBe("none");
    r.ethernet("Ethernet0/0").setShutdown(false);
    clock.settle(100);
    expect(fib("192.168.0.0/16")).toBe("forward Ethernet0/0→10.0.0.2");
  });

  it("never resolves a route through itself, but does through a shorter route such as the default", () => {
    const { r, fib, installed } = router();
    r.routing.statics.add({ prefix: p("20.0.0.0/8"), nextHop: ip("20.1.1.1") });
    expect(installed("20.0.0.0/8")).toBe(false);
    r.routing.statics.add({ prefix: p("0.0.0.0/0"), nextHop: ip("10.0.1.3") });
    expect(fib("20.0.0.0/8")).toBe("forward Ethernet0/1→10.0.1.3");
  });

  it("installs neither of two routes that resolve through each other", () => {
    const { r, installed } = router();
    r.routing.statics.add({ prefix: p("1.0.0.0/8"), nextHop: ip("2.2.2.2") });
    r.routing.statics.add({ prefix: p("2.0.0.0/8"), nextHop: ip("1.1.1.1") });
    expect(installed("1.0.0.0/8")).toBe(false);
    expect(installed("2.0.0.0/8")).toBe(false);
  });

  it("lets a floating static take over while the better route's interface is down", () => {
    const { clock, r, fib } = router();
    r.routing.statics.add({ prefix: p("192.168.5.0/24"), nextHop: ip("10.0.0.2") });
    r.routing.statics.add({ prefix: p("192.168.5.0/24"), nextHop: ip("10.0.1.3"), distance: 200 });
    expect(fib("192.168.5.0/24")).toBe("forward Ethernet0/0→10.0.0.2");
    r.ethernet("Ethernet0/0").setShutdown(true);
    clock.settle(100);
    expect(fib("192.168.5.0/24")).toBe("forward Ethernet0/1→10.0.1.3");
    expect(r.routing.rib.installed(undefined, p("192.168.5.0/24"))?.route.distance).toBe(200);
  });

  it("keeps a permanent static route installed while its interface is down", () => {
    const { clock, r, installed } = router();
    r.routing.statics.add({ prefix: p("192.168.6.0/24"), interface: "Ethernet0/0", nextHop: ip("10.0.0.2"), permanent: true });
    r.ethernet("Ethernet0/0").setShutdown(true);
    clock.settle(100);
    expect(installed("192.168.6.0/24")).toBe(true);
  });

  it("shares the load between equal static routes", () => {
    const { r, fib } = router();
    r.routing.statics.add({ prefix: p("192.168.7.0/24"), nextHop: ip("10.0.0.2") });
    r.routing.statics.add({ prefix: p("192.168.7.0/24"), nextHop: ip("10.0.1.3") });
    expect(fib("192.168.7.0/24")).toBe("forward Ethernet0/0→10.0.0.2, Ethernet0/1→10.0.1.3");
  });

  it("makes a route to Null0 a drop entry, and so any route resolved through it", () => {
    const { r, fib } = router();
    r.routing.statics.add({ prefix: p("192.168.0.0/16"), interface: "Null0" });
    r.routing.statics.add({ prefix: p("172.20.0.0/16"), nextHop: ip("192.168.3.3") });
    expect(fib("192.168.0.0/16")).toBe("drop");
    expect(fib("172.20.0.0/16")).toBe("drop");
  });

  it("keeps the tag and name of a static route for route-maps and show output", () => {
    const { r } = router();
    r.routing.statics.add({ prefix: p("192.168.8.0/24"), nextHop: ip("10.0.0.2"), tag: 42, name: "to-R2" });
    expect(r.routing.rib.installed(undefined, p("192.168.8.0/24"))?.route).toMatchObject({ tag: 42, name: "to-R2" });
  });

  it("refuses a next hop that is one of the router's own addresses", () => {
    const { r } = router();
    expect(r.routing.statics.add({ prefix: p("192.168.8.0/24"), nextHop: ip("10.0.0.1") })).toBe("%Invalid next hop address (it's this router)");
  });

  it("resolves a VRF route's next hop in the global table and stacks the VPN label under the transport label", () => {
    const { r, fib } = router();
    r.stack.addVrf("cust1");
    const rib = r.routing.rib;
    rib.upsert(undefined, { prefix: p("4.4.4.4/32"), protocol: "ospf", distance: 110, metric: 11, nextHops: [{ address: ip("10.0.0.2"), interface: "Ethernet0/0", labels: [102 as Label] }] });
    rib.upsert("cust1", { prefix: p("192.168.114.0/24"), protocol: "bgp", distance: 200, metric: 0, nextHops: [{ address: ip("4.4.4.4"), resolveInVrf: "", labels: [406 as Label] }] });
    expect(fibLine(r.stack.vrf("cust1")?.fib.get(p("192.168.114.0/24")))).toBe("forward Ethernet0/0→10.0.0.2 [102/406]");
    expect(fib("192.168.114.0/24")).toBe("none"); // not leaked into the global table
    rib.withdraw(undefined, p("4.4.4.4/32"), "ospf");
    expect(rib.installed("cust1", p("192.168.114.0/24"))).toBeUndefined();
  });

  it("keeps a route's age when a source re-announces it unchanged", () => {
    const { clock, r } = router();
    const route = { prefix: p("192.168.10.0/24"), protocol: "bgp", distance: 20, metric: 0, nextHops: [{ address: ip("10.0.0.2") }] } as const;
    r.routing.rib.upsert(undefined, route);
    const first = r.routing.rib.installed(undefined, route.prefix)?.route.updatedAt;
    clock.advance(60_000);
    r.routing.rib.upsert(undefined, route);
    expect(r.routing.rib.installed(undefined, route.prefix)?.route.updatedAt).toBe(first);
  });

  it("stores routes alike in all but their prefix once, and each prefix still has its own route, age and changes", () => {
    const { clock, r } = router();
    const rib = r.routing.rib;
    const nextHops = [{ address: ip("10.0.0.2"), labels: [100 as Label] }];
    const at = (prefix: string, metric = 0) => ({ prefix: p(prefix), protocol: "bgp", distance: 200, metric, nextHops, knownVia: "bgp 1" }) as const;
    rib.upsert(undefined, at("192.168.1.0/24"));
    rib.upsert(undefined, at("192.168.2.0/24"));
    const one = rib.installed(undefined, p("192.168.1.0/24"));
    const two = rib.installed(undefined, p("192.168.2.0/24"));
    expect(one?.route).toBe(two?.route);
    expect([one?.prefix, two?.prefix].map((x) => `${formatIpv4(x!.addr)}/${x!.len}`)).toEqual(["192.168.1.0/24", "192.168.2.0/24"]);
    expect(r.routing.showIpRouteEntry(undefined, ip("192.168.2.0"))).toContain("Routing entry for 192.168.2.0/24");
    expect(r.routing.showIpRoute()).toMatch(/B\s+192\.168\.1\.0\/24 \[200\/0\] via 10\.0\.0\.2[^]*B\s+192\.168\.2\.0\/24 \[200\/0\] via 10\.0\.0\.2/);
    // Another next-hop list, even an equal one, another metric or a later time: a route of its own.
    rib.upsert(undefined, { ...at("192.168.3.0/24"), nextHops: [{ address: ip("10.0.0.2"), labels: [100 as Label] }] });
    rib.upsert(undefined, at("192.168.4.0/24", 5));
    clock.advance(60_000);
    rib.upsert(undefined, at("192.168.5.0/24"));
    const routes = ["192.168.3.0/24", "192.168.4.0/24", "192.168.5.0/24"].map((x) => rib.installed(undefined, p(x))?.route);
    for (const route of routes) expect(route).not.toBe(one?.route);
    expect(routes[1]?.metric).toBe(5);
    expect(routes[2]!.updatedAt - one!.route.updatedAt).toBe(60_000);
    // Changing one prefix's route leaves the other's as it was.
    rib.upsert(undefined, at("192.168.1.0/24", 7));
    expect(rib.installed(undefined, p("192.168.1.0/24"))?.route.metric).toBe(7);
    expect(rib.installed(undefined, p("192.168.2.0/24"))?.route).toBe(two?.route);
    expect(two?.route.metric).toBe(0);
  });

  it("tells its listeners about every installed change", () => {
    const { r } = router();
    const seen: string[] = [];
    r.routing.rib.onChange((vrf, prefix, installed) => seen.push(`${formatIpv4(prefix.addr)}/${prefix.len} ${installed?.route.protocol ?? "gone"}`));
    r.routing.statics.add({ prefix: p("192.168.11.0/24"), nextHop: ip("10.0.0.2") });
    r.routing.statics.remove({ prefix: p("192.168.11.0/24"), nextHop: ip("10.0.0.2") });
    expect(seen).toEqual(["192.168.11.0/24 static", "192.168.11.0/24 gone"]);
  });
});
