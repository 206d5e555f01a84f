import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildBgpMessage, type BgpUpdate } from "../wire/bgp";
import type { Label } from "../wire/mpls";
import { BgpRib, type BgpPeer, type BgpRibConfig, type BgpVrfConfig } from "./rib";
import { RecordingHooks, ip, parseSent, peer, pfx, rd, ribConfig, rt, updateMessage, vrf, type UpdateSpec } from "./test-fixtures";

const L = (n: number) => n as Label;

function setup(vrfs: Record<string, BgpVrfConfig> = { cust1: vrf("1:1", ["1:1"]) }, more: Partial<BgpRibConfig> = {}) {
  const hooks = new RecordingHooks();
  const rib = new BgpRib(ribConfig(vrfs, more), hooks);
  return { hooks, rib };
}

function send(rib: BgpRib, p: BgpPeer, spec: UpdateSpec) {
  const m = updateMessage(spec);
  return rib.receiveUpdate(p, m, 19, m.length);
}

function updates(rib: BgpRib, p: BgpPeer): BgpUpdate[] {
  return rib.takeUpdates(p).map((b) => parseSent(b, p.fourOctetAs) as BgpUpdate);
}

describe("BgpRib receive", () => {
  it("imports a VPNv4 route into the VRF whose import target it carries, under the VRF's RD, with the remote label", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    const err = send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")], nextHop: ip("10.1.1.3"), localPref: 100 });
    expect(err).toBeUndefined();
    const best = hooks.get("cust1", "192.168.113.0/24");
    expect(best).toHaveLength(1);
    expect(best?.[0].label).toBe(16);
    expect(best?.[0].attrs.nextHop).toBe(ip("10.1.1.3"));
    expect(best?.[0].from).toBe(pe);
    // the source RD's table is not a VRF's: nothing else installed
    expect(hooks.best.size).toBe(1);
    const tables = rib.vpnv4Tables();
    expect(tables.map((t) => t.vrf)).toEqual(["cust1", undefined]);
  });

  it("tells the VRF again when its selected path changes in place (new label, new attributes), and not for a duplicate or a change to a path not selected", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    const other = peer("10.1.1.4");
    rib.peerUp(pe);
    rib.peerUp(other);
    const route = (label: number) => ({ vpn: [{ labels: [L(label)], rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")], nextHop: ip("10.1.1.3"), localPref: 100 });
    send(rib, pe, route(16));
    expect(hooks.bestChangedCalls).toBe(1);
    send(rib, pe, route(16));
    expect(hooks.bestChangedCalls).toBe(1);
    send(rib, pe, route(17));
    expect(hooks.bestChangedCalls).toBe(2);
    expect(hooks.get("cust1", "192.168.113.0/24")?.[0].label).toBe(17);
    send(rib, pe, { ...route(17), med: 5 });
    expect(hooks.bestChangedCalls).toBe(3);
    // A second, less preferred path: its changes leave the selection as it was.
    const worse = (localPref: number) => ({ vpn: [{ labels: [L(30)], rd: rd("65000:8"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")], nextHop: ip("10.1.1.4"), localPref });
    send(rib, other, worse(50));
    expect(hooks.bestChangedCalls).toBe(3);
    send(rib, other, worse(60));
    expect(hooks.bestChangedCalls).toBe(3);
    // Until it becomes the better one.
    send(rib, other, worse(200));
    expect(hooks.bestChangedCalls).toBe(4);
    expect(hooks.get("cust1", "192.168.113.0/24")?.[0].label).toBe(30);
  });

  it("does not import a route whose targets meet no VRF's import targets", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("2:2"), prefix: pfx("192.168.123.0/24") }], rts: [rt("2:2")] });
    expect(hooks.best.size).toBe(0);
  });

  it("takes a route carrying the VRF's own RD into the VRF table directly", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(20)], rd: rd("1:1"), prefix: pfx("192.168.114.0/24") }], rts: [rt("1:1")] });
    expect(hooks.get("cust1", "192.168.114.0/24")?.[0].label).toBe(20);
    expect(rib.vpnv4Tables()).toHaveLength(1);
  });

  it("withdraws through MP_UNREACH_NLRI, taking the imported copy with it", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")] });
    send(rib, pe, { vpnWithdrawn: [{ rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }] });
    expect(hooks.best.size).toBe(0);
    expect(rib.vpnv4Tables()).toHaveLength(0);
    expect(rib.counts("vpnv4")).toMatchObject({ networks: 0, paths: 0, prefixesAdded: 2, prefixesRemoved: 2 });
  });

  it("drops an RD's table with its last route, and takes the RD's next route into a new one", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    const route = { labels: [L(16)], rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") };
    send(rib, pe, { vpn: [route], rts: [rt("1:1")] });
    send(rib, pe, { vpnWithdrawn: [{ rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }] });
    expect(rib.vpnv4Tables()).toHaveLength(0);
    send(rib, pe, { vpn: [{ ...route, labels: [L(17)] }], rts: [rt("1:1")] });
    expect(hooks.get("cust1", "192.168.113.0/24")?.[0].label).toBe(17);
    expect(rib.vpnv4Tables().map((t) => [t.vrf, t.size])).toEqual([
      ["cust1", 1],
      [undefined, 1],
    ]);
  });

  it("accepts the UPDATE body alone, without its header in front", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.9", { families: new Set(["ipv4"]) });
    rib.peerUp(p);
    const m = updateMessage({ nlri: [pfx("10.10.0.0/16")], nextHop: ip("10.9.9.9") });
    const body = m.slice(19);
    expect(rib.receiveUpdate(p, body, 0, body.length)).toBeUndefined();
    expect(hooks.get("", "10.10.0.0/16")?.[0].attrs.nextHop).toBe(ip("10.9.9.9"));
    // bytes before the body that only look like a header (one marker byte off) are not used
    const m2 = updateMessage({ nlri: [pfx("10.11.0.0/16")], nextHop: ip("10.9.9.9") });
    m2[7] = 0;
    expect(rib.receiveUpdate(p, m2, 19, m2.length)).toBeUndefined();
    expect(hooks.get("", "10.11.0.0/16")).toBeDefined();
  });

  it("shares one interned attribute object between every route of an UPDATE", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.9");
    rib.peerUp(p);
    send(rib, p, { nlri: [pfx("10.1.0.0/16"), pfx("10.2.0.0/16")] });
    send(rib, p, { nlri: [pfx("10.3.0.0/16")] });
    const a = hooks.get("", "10.1.0.0/16")?.[0].attrs;
    expect(hooks.get("", "10.2.0.0/16")?.[0].attrs).toBe(a);
    expect(hooks.get("", "10.3.0.0/16")?.[0].attrs).toBe(a);
  });

  it("returns a session-reset error for an UPDATE whose lengths do not add up, and changes nothing", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.9");
    rib.peerUp(p);
    const m = updateMessage({ nlri: [pfx("10.1.0.0/16")] });
    m[19] = 0xff; // withdrawn routes length beyond the message
    const err = rib.receiveUpdate(p, m, 19, m.length);
    expect(err?.action).toBe("session-reset");
    expect(err?.code).toBe(3);
    expect(hooks.best.size).toBe(0);
  });

  it("treats an UPDATE with a malformed ORIGIN as a withdrawal of its routes (RFC 7606)", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.9");
    rib.peerUp(p);
    send(rib, p, { nlri: [pfx("10.1.0.0/16")] });
    expect(hooks.get("", "10.1.0.0/16")).toBeDefined();
    const m = updateMessage({ nlri: [pfx("10.1.0.0/16")], origin: 1 });
    // ORIGIN is the first attribute: flags, type, length, value at 23..26; make its value 7.
    expect(m[24]).toBe(1);
    m[26] = 7;
    expect(rib.receiveUpdate(p, m, 19, m.length)).toBeUndefined();
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
  });

  it("drops a malformed ATOMIC_AGGREGATE and keeps the route (RFC 7606 attribute-discard)", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.9");
    rib.peerUp(p);
    const good = updateMessage({ nlri: [pfx("10.1.0.0/16")] });
    // Splice an ATOMIC_AGGREGATE of length 1 (it must be 0) in front of the attributes.
    const bad = new Uint8Array(good.length + 4);
    bad.set(good.subarray(0, 23));
    bad.set([0x40, 6, 1, 0], 23);
    bad.set(good.subarray(23), 27);
    bad[16] = bad.length >> 8;
    bad[17] = bad.length & 0xff;
    const attrLength = (good[21] << 8) | good[22];
    bad[21] = (attrLength + 4) >> 8;
    bad[22] = (attrLength + 4) & 0xff;
    expect(rib.receiveUpdate(p, bad, 19, bad.length)).toBeUndefined();
    expect(hooks.get("", "10.1.0.0/16")?.[0].attrs.atomicAggregate).toBeUndefined();
  });

  it("rejects an eBGP path carrying our AS, unless allowas-in allows as many", () => {
    const { hooks, rib } = setup({});
    const strict = peer("172.16.0.2", { ebgp: true, remoteAs: 100 });
    const lenient = peer("172.16.0.6", { ebgp: true, remoteAs: 100, policy: { allowAsIn: 1 } });
    rib.peerUp(strict);
    rib.peerUp(lenient);
    send(rib, strict, { nlri: [pfx("10.1.0.0/16")], asPath: [100, 65000] });
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
    send(rib, lenient, { nlri: [pfx("10.1.0.0/16")], asPath: [100, 65000] });
    expect(hooks.get("", "10.1.0.0/16")?.[0].from).toBe(lenient);
    send(rib, lenient, { nlri: [pfx("10.1.0.0/16")], asPath: [100, 65000, 200, 65000] });
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
  });

  it("drops a reflected path carrying our router ID as ORIGINATOR_ID or our cluster ID", () => {
    const { hooks, rib } = setup({}, { clusterId: ip("1.1.1.1") });
    const p = peer("10.9.9.9");
    rib.peerUp(p);
    send(rib, p, { nlri: [pfx("10.1.0.0/16")], originatorId: ip("10.0.0.1") });
    send(rib, p, { nlri: [pfx("10.2.0.0/16")], clusterList: [ip("2.2.2.2"), ip("1.1.1.1")] });
    send(rib, p, { nlri: [pfx("10.3.0.0/16")], clusterList: [ip("2.2.2.2")] });
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
    expect(hooks.get("", "10.2.0.0/16")).toBeUndefined();
    expect(hooks.get("", "10.3.0.0/16")).toBeDefined();
  });

  it("ignores LOCAL_PREF from an eBGP peer", () => {
    const { hooks, rib } = setup({});
    const e = peer("172.16.0.2", { ebgp: true, remoteAs: 100 });
    rib.peerUp(e);
    send(rib, e, { nlri: [pfx("10.1.0.0/16")], asPath: [100], localPref: 500 });
    expect(hooks.get("", "10.1.0.0/16")?.[0].attrs.localPref).toBeUndefined();
  });

  it("drops a peer's paths when it goes down and falls back to the next best", () => {
    const { hooks, rib } = setup({});
    const a = peer("10.9.9.1");
    const b = peer("10.9.9.2");
    rib.peerUp(a);
    rib.peerUp(b);
    send(rib, a, { nlri: [pfx("10.1.0.0/16")], localPref: 200 });
    send(rib, b, { nlri: [pfx("10.1.0.0/16")], localPref: 100 });
    expect(hooks.get("", "10.1.0.0/16")?.[0].from).toBe(a);
    rib.peerDown(a);
    expect(hooks.get("", "10.1.0.0/16")?.[0].from).toBe(b);
    expect(rib.prefixesReceived(b, "ipv4")).toBe(1);
    rib.peerDown(b);
    expect(hooks.best.size).toBe(0);
  });

  it("makes a path with an unreachable next hop invalid, and valid again after nextHopsChanged", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.1");
    rib.peerUp(p);
    hooks.unreachable.add(ip("192.0.2.1"));
    send(rib, p, { nlri: [pfx("10.1.0.0/16")], nextHop: ip("192.0.2.1") });
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
    hooks.unreachable.clear();
    rib.nextHopsChanged();
    expect(hooks.get("", "10.1.0.0/16")).toBeDefined();
  });

  it("selects up to maximum-paths ibgp equal iBGP paths as multipaths; maximum-paths N counts eBGP paths only", () => {
    const ebgpOnly = setup({}, { maximumPaths: 2 });
    const qs = ["10.9.9.1", "10.9.9.2"].map((a) => peer(a));
    for (const p of qs) ebgpOnly.rib.peerUp(p);
    for (const p of qs) send(ebgpOnly.rib, p, { nlri: [pfx("10.1.0.0/16")], nextHop: p.address, asPath: [] });
    expect(ebgpOnly.hooks.get("", "10.1.0.0/16")?.map((b) => b.from)).toEqual([qs[0]]);
    const { hooks, rib } = setup({}, { maximumPathsIbgp: 2 });
    const ps = ["10.9.9.1", "10.9.9.2", "10.9.9.3"].map((a) => peer(a));
    for (const p of ps) rib.peerUp(p);
    for (const p of ps) send(rib, p, { nlri: [pfx("10.1.0.0/16")], nextHop: p.address, asPath: [] });
    const best = hooks.get("", "10.1.0.0/16");
    expect(best?.map((b) => b.from)).toEqual([ps[0], ps[1]]);
  });

  it("applies the import policy, and re-applies it on setPolicy", () => {
    const { hooks, rib } = setup({});
    let lp = 300;
    const p = peer("10.9.9.1", { policy: { importPolicy: (i) => ({ attrs: { ...i.attrs, localPref: lp }, weight: 5 }) } });
    rib.peerUp(p);
    send(rib, p, { nlri: [pfx("10.1.0.0/16")] });
    expect(hooks.get("", "10.1.0.0/16")?.[0].attrs.localPref).toBe(300);
    lp = 50;
    rib.setPolicy(p);
    expect(hooks.get("", "10.1.0.0/16")?.[0].attrs.localPref).toBe(50);
  });
});

describe("BgpRib VRF routes and export", () => {
  it("labels a VRF's own route, exports it to a VPNv4 peer with the VRF's RD, export targets, the label and our address", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"], ["1:1", "1:100"]) });
    const pe = peer("10.1.1.3", { localAddress: ip("10.1.1.1") });
    rib.peerUp(pe);
    expect(updates(rib, pe)).toHaveLength(2); // the End-of-RIBs
    rib.originate("cust1", pfx("192.168.110.0/24"), "redistribute-connected", { origin: 2, med: 0, nextHop: ip("0.0.0.0") });
    expect(hooks.labels.get(`cust1 ${ip("192.168.110.0")}/24`)).toBe(16);
    expect(hooks.get("cust1", "192.168.110.0/24")?.[0].local).toBe(true);
    expect(hooks.ready.has(pe)).toBe(true);
    const [u, ...rest] = updates(rib, pe);
    expect(rest).toHaveLength(0);
    const reach = u.attributes.find((a) => a.type === "mp-reach");
    expect(reach).toMatchObject({ family: "vpnv4", nextHop: ip("10.1.1.1"), nlri: [{ labels: [16], rd: rd("1:1"), prefix: pfx("192.168.110.0/24") }] });
    expect(u.attributes.find((a) => a.type === "extended-communities")).toMatchObject({ communities: [rt("1:1"), rt("1:100")] });
    expect(u.attributes.find((a) => a.type === "local-pref")).toMatchObject({ localPref: 100 });
    expect(u.attributes.find((a) => a.type === "med")).toMatchObject({ med: 0 });
    rib.withdrawLocal("cust1", pfx("192.168.110.0/24"), "redistribute-connected");
    expect(hooks.released).toEqual([`cust1 ${ip("192.168.110.0")}/24`]);
    const [w] = updates(rib, pe);
    expect(w.attributes).toEqual([{ type: "mp-unreach", flags: 0x80, family: "vpnv4", withdrawn: [{ rd: rd("1:1"), prefix: pfx("192.168.110.0/24") }] }]);
  });

  it("gives a VRF's default-information route the aggregate label", () => {
    const { hooks, rib } = setup();
    rib.originate("cust1", pfx("0.0.0.0/0"), "default", { origin: 2, nextHop: ip("0.0.0.0") });
    expect(hooks.labels.get(`cust1 0/0 agg`)).toBe(16);
  });

  it("sends the full table then End-of-RIB to a peer coming up, and nothing it sent back to its source", () => {
    const { rib } = setup();
    rib.originate("cust1", pfx("192.168.110.0/24"), "network", { origin: 0, nextHop: ip("0.0.0.0") });
    const a = peer("10.1.1.3");
    const b = peer("10.1.1.4");
    rib.peerUp(a);
    rib.peerUp(b);
    send(rib, a, { vpn: [{ labels: [L(30)], rd: rd("1:3"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")] });
    const toB = updates(rib, b);
    // one VPNv4 route (ours), the IPv4 and VPNv4 End-of-RIBs; a's route is iBGP-learned: not to b
    expect(toB).toHaveLength(3);
    expect(toB[0].attributes.find((x) => x.type === "mp-reach")).toMatchObject({ nlri: [{ rd: rd("1:1") }] });
    expect(toB[1]).toEqual({ type: "update", withdrawn: [], attributes: [], nlri: [] });
    expect(toB[2].attributes[0]).toMatchObject({ type: "mp-unreach", family: "vpnv4", withdrawn: [] });
    const toA = updates(rib, a);
    expect(toA).toHaveLength(3);
  });

  it("reflects iBGP routes to route-reflector clients with ORIGINATOR_ID and CLUSTER_LIST", () => {
    const { rib } = setup({}, { clusterId: ip("9.9.9.9") });
    const client = peer("10.1.1.3", { policy: { routeReflectorClient: true } });
    const other = peer("10.1.1.4", { routerId: ip("4.4.4.4") });
    rib.peerUp(client);
    rib.peerUp(other);
    updates(rib, client);
    updates(rib, other);
    send(rib, other, { vpn: [{ labels: [L(30)], rd: rd("1:4"), prefix: pfx("10.4.0.0/16") }], rts: [rt("1:1")], nextHop: ip("10.1.1.4") });
    const [u] = updates(rib, client);
    expect(u.attributes.find((a) => a.type === "originator-id")).toMatchObject({ originatorId: ip("4.4.4.4") });
    expect(u.attributes.find((a) => a.type === "cluster-list")).toMatchObject({ clusterIds: [ip("9.9.9.9")] });
    expect(u.attributes.find((a) => a.type === "mp-reach")).toMatchObject({ nextHop: ip("10.1.1.4"), nlri: [{ labels: [30] }] });
    expect(updates(rib, other)).toHaveLength(0);
  });

  it("prepends our AS towards an eBGP peer, sets our address as next hop and drops LOCAL_PREF; send-community filters", () => {
    const { rib } = setup({});
    const ibgp = peer("10.9.9.1");
    const ebgp = peer("172.16.0.2", { ebgp: true, remoteAs: 100, localAddress: ip("172.16.0.1"), fourOctetAs: false, policy: { sendCommunity: "extended" } });
    rib.peerUp(ibgp);
    rib.peerUp(ebgp);
    updates(rib, ebgp);
    send(rib, ibgp, { nlri: [pfx("10.1.0.0/16")], asPath: [300], localPref: 150, communities: [0x00640001], med: 5 });
    const [u] = updates(rib, ebgp);
    expect(u.nlri).toEqual([pfx("10.1.0.0/16")]);
    expect(u.attributes.find((a) => a.type === "as-path")).toMatchObject({ segments: [{ type: 2, asns: [65000, 300] }] });
    expect(u.attributes.find((a) => a.type === "next-hop")).toMatchObject({ nextHop: ip("172.16.0.1") });
    expect(u.attributes.some((a) => a.type === "local-pref" || a.type === "communities")).toBe(false);
    expect(u.attributes.find((a) => a.type === "med")).toMatchObject({ med: 5 });
  });

  it("packs many routes into messages of at most 4096 bytes", () => {
    const { rib } = setup();
    for (let i = 0; i < 2000; i++) rib.originate("cust1", { addr: ((10 << 24) | (i << 8)) >>> 0 as never, len: 24 }, "network", { origin: 0, nextHop: ip("0.0.0.0") });
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    const msgs = rib.takeUpdates(pe);
    expect(msgs.every((m) => m.length <= 4096)).toBe(true);
    const routes = msgs.map((m) => parseSent(m) as BgpUpdate).flatMap((u) => u.attributes.flatMap((a) => (a.type === "mp-reach" && a.family === "vpnv4" ? a.nlri : [])));
    expect(routes).toHaveLength(2000);
    expect(msgs.length).toBeLessThan(12);
  });

  it("re-imports when a VRF's import targets change", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"]) });
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("65000:7"), prefix: pfx("192.168.113.0/24") }], rts: [rt("7:7")] });
    expect(hooks.best.size).toBe(0);
    rib.setConfig(ribConfig({ cust1: vrf("1:1", ["1:1", "7:7"]) }));
    expect(hooks.get("cust1", "192.168.113.0/24")?.[0].label).toBe(16);
    rib.setConfig(ribConfig({ cust1: vrf("1:1", ["1:1"]) }));
    expect(hooks.best.size).toBe(0);
  });

  it("leaks a VRF's own route into another VRF that imports its export target", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"]), shared: vrf("9:9", ["9:9", "1:1"]) });
    rib.originate("cust1", pfx("192.168.110.0/24"), "network", { origin: 0, nextHop: ip("0.0.0.0") });
    expect(hooks.get("shared", "192.168.110.0/24")?.[0].local).toBe(true);
    expect(hooks.get("cust1", "192.168.110.0/24")?.[0].local).toBe(true);
  });

  it("labels another PE's VRF route once it re-advertises it as next hop to another eBGP VPNv4 peer (the hub between spokes)", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"]) }, { localAs: 10 });
    const r3 = peer("10.1.1.3", { ebgp: true, remoteAs: 100, localAddress: ip("10.0.0.1") });
    const r4 = peer("10.1.1.4", { ebgp: true, remoteAs: 100, localAddress: ip("10.0.0.1") });
    rib.peerUp(r3);
    send(rib, r3, { vpn: [{ labels: [L(16)], rd: rd("1:1"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")], asPath: [100], nextHop: ip("10.1.1.3") });
    expect(hooks.get("cust1", "192.168.113.0/24")?.[0].label).toBe(16);
    // R3 is the only VPNv4 neighbor and the route's source: nobody to re-advertise it to yet
    expect(hooks.labels.get(`cust1 ${ip("192.168.113.0")}/24`)).toBeUndefined();
    rib.peerUp(r4);
    const inLabel = hooks.labels.get(`cust1 ${ip("192.168.113.0")}/24`);
    expect(inLabel).toBeDefined();
    const [u] = updates(rib, r4);
    expect(u.attributes.find((a) => a.type === "mp-reach")).toMatchObject({ nextHop: ip("10.0.0.1"), nlri: [{ labels: [inLabel], rd: rd("1:1") }] });
    expect(u.attributes.find((a) => a.type === "as-path")).toMatchObject({ segments: [{ type: 2, asns: [10, 100] }] });
  });

  it("does not label other PEs' routes on a PE whose VPNv4 peers are iBGP without next-hop-self", () => {
    const { hooks, rib } = setup();
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("1:1"), prefix: pfx("192.168.113.0/24") }], rts: [rt("1:1")] });
    expect(hooks.labels.size).toBe(0);
  });

  it("moves a VRF to its new RD: other PEs' routes with the old RD leave it, those with the new one come in", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["9:9"]) });
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    send(rib, pe, { vpn: [{ labels: [L(16)], rd: rd("1:1"), prefix: pfx("10.1.0.0/16") }], rts: [rt("5:5")] });
    send(rib, pe, { vpn: [{ labels: [L(17)], rd: rd("1:2"), prefix: pfx("10.2.0.0/16") }], rts: [rt("5:5")] });
    expect(hooks.get("cust1", "10.1.0.0/16")?.[0].label).toBe(16);
    expect(hooks.get("cust1", "10.2.0.0/16")).toBeUndefined();
    rib.originate("cust1", pfx("192.168.110.0/24"), "network", { origin: 0, nextHop: ip("0.0.0.0") });
    rib.setConfig(ribConfig({ cust1: vrf("1:2", ["9:9"]) }));
    expect(hooks.get("cust1", "10.1.0.0/16")).toBeUndefined();
    expect(hooks.get("cust1", "10.2.0.0/16")?.[0].label).toBe(17);
    expect(hooks.get("cust1", "192.168.110.0/24")?.[0].local).toBe(true);
    expect(rib.vrfTable("cust1")?.rd).toEqual(rd("1:2"));
  });

  it("answers a ROUTE-REFRESH with the whole table again", () => {
    const { rib } = setup();
    rib.originate("cust1", pfx("192.168.110.0/24"), "network", { origin: 0, nextHop: ip("0.0.0.0") });
    const pe = peer("10.1.1.3");
    rib.peerUp(pe);
    expect(updates(rib, pe)).toHaveLength(3);
    expect(updates(rib, pe)).toHaveLength(0);
    rib.refresh(pe);
    expect(updates(rib, pe)).toHaveLength(3);
  });

  it("exports a route learnt from a neighbor inside the VRF with the VRF's RD, export targets and a local label", () => {
    const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"], ["1:1"]) });
    const ce = peer("192.168.110.2", { ebgp: true, remoteAs: 65010, vrf: "cust1", families: new Set(["ipv4"]) });
    const pe = peer("10.1.1.3", { localAddress: ip("10.1.1.1") });
    rib.peerUp(ce);
    rib.peerUp(pe);
    updates(rib, pe);
    send(rib, ce, { nlri: [pfx("172.20.0.0/16")], asPath: [65010], nextHop: ip("192.168.110.2") });
    const best = hooks.get("cust1", "172.20.0.0/16")?.[0];
    expect(best?.from).toBe(ce);
    const label = hooks.labels.get(`cust1 ${ip("172.20.0.0")}/16`);
    expect(label).toBeDefined();
    const [u] = updates(rib, pe);
    expect(u.attributes.find((a) => a.type === "mp-reach")).toMatchObject({ nextHop: ip("10.1.1.1"), nlri: [{ labels: [label], rd: rd("1:1"), prefix: pfx("172.20.0.0/16") }] });
    expect(u.attributes.find((a) => a.type === "extended-communities")).toMatchObject({ communities: [rt("1:1")] });
    expect(u.attributes.find((a) => a.type === "as-path")).toMatchObject({ segments: [{ type: 2, asns: [65010] }] });
    expect(rib.prefixesReceived(ce, "ipv4")).toBe(1);
  });

  it("takes eBGP multipaths in a VRF by the VRF's maximum-paths, whatever the global family's", () => {
    const { hooks, rib } = setup({ cust1: { ...vrf("1:1", ["1:1"]), maximumPaths: 2 }, cust2: vrf("2:2", ["2:2"]) }, { maximumPaths: 4 });
    const ces = (v: string) => ["192.168.110.2", "192.168.110.3"].map((a) => peer(a, { ebgp: true, remoteAs: 65010, vrf: v, families: new Set(["ipv4"]) }));
    const [a, b] = ces("cust1");
    const [c, d] = ces("cust2");
    for (const p of [a, b, c, d]) rib.peerUp(p);
    for (const p of [a, b, c, d]) send(rib, p, { nlri: [pfx("172.20.0.0/16")], asPath: [65010], nextHop: p.address });
    expect(hooks.get("cust1", "172.20.0.0/16")?.map((x) => x.from)).toEqual([a, b]);
    expect(hooks.get("cust2", "172.20.0.0/16")?.map((x) => x.from)).toEqual([c]);
  });

  it("installs a CE's eBGP path and a remote PE's imported VPNv4 path together in a VRF with maximum-paths eibgp, and one again when it goes", () => {
    const eibgp = { ...vrf("1:1", ["1:1"]), maximumPathsEibgp: 2 };
    const { hooks, rib } = setup({ cust1: eibgp });
    const ce = peer("192.168.110.2", { ebgp: true, remoteAs: 65010, vrf: "cust1", families: new Set(["ipv4"]) });
    const pe = peer("10.0.0.9", { families: new Set(["vpnv4"]) });
    rib.peerUp(ce);
    rib.peerUp(pe);
    send(rib, ce, { nlri: [pfx("172.20.0.0/16")], asPath: [65010], origin: 2, med: 0, nextHop: ce.address });
    send(rib, pe, { vpn: [{ labels: [30 as Label], rd: rd("9:1"), prefix: pfx("172.20.0.0/16") }], rts: [rt("1:1")], asPath: [65010], origin: 2, med: 0, localPref: 100, nextHop: pe.address });
    const both = hooks.get("cust1", "172.20.0.0/16");
    expect(both?.map((b) => [b.from, b.ebgp, b.label])).toEqual([
      [ce, true, undefined],
      [pe, false, 30],
    ]);
    rib.setConfig(ribConfig({ cust1: { ...eibgp, maximumPathsEibgp: 1 } }));
    expect(hooks.get("cust1", "172.20.0.0/16")?.map((b) => b.from)).toEqual([ce]);
    // an unequal MED keeps them apart even with eibgp
    rib.setConfig(ribConfig({ cust1: eibgp }));
    send(rib, pe, { vpn: [{ labels: [30 as Label], rd: rd("9:1"), prefix: pfx("172.20.0.0/16") }], rts: [rt("1:1")], asPath: [65010], origin: 2, med: 5, localPref: 100, nextHop: pe.address });
    expect(hooks.get("cust1", "172.20.0.0/16")?.map((b) => b.from)).toEqual([ce]);
  });

  it("mixes eBGP and iBGP paths in the global table with the global family's maximum-paths eibgp (IOS's non-VRF eiBGP multipath)", () => {
    const { hooks, rib } = setup({}, { maximumPathsEibgp: 2 });
    const e = peer("172.16.0.2", { ebgp: true, remoteAs: 65010, families: new Set(["ipv4"]) });
    const i = peer("10.9.9.1", { families: new Set(["ipv4"]) });
    rib.peerUp(e);
    rib.peerUp(i);
    send(rib, i, { nlri: [pfx("10.1.0.0/16")], nextHop: i.address, asPath: [65010], localPref: 100 });
    send(rib, e, { nlri: [pfx("10.1.0.0/16")], nextHop: e.address, asPath: [65010] });
    expect(hooks.get("", "10.1.0.0/16")?.map((b) => b.from)).toEqual([e, i]);
  });

  it("speaks 2-octet AS to a peer without the capability: AS_TRANS in AS_PATH, the real path in AS4_PATH", () => {
    const { rib } = setup({}, { localAs: 4200000001 });
    const old = peer("172.16.0.2", { ebgp: true, remoteAs: 100, fourOctetAs: false, families: new Set(["ipv4"]) });
    rib.peerUp(old);
    updates(rib, old);
    rib.originate("", pfx("10.50.0.0/16"), "network", { origin: 0, nextHop: ip("0.0.0.0") });
    const [u] = updates(rib, old);
    expect(u.attributes.find((a) => a.type === "as-path")).toMatchObject({ segments: [{ type: 2, asns: [23456] }] });
    expect(u.attributes.find((a) => a.type === "as4-path")).toMatchObject({ segments: [{ type: 2, asns: [4200000001] }] });
  });

  it("marks an aggregate ATOMIC_AGGREGATE with itself as AGGREGATOR", () => {
    const { hooks, rib } = setup({});
    rib.originate("", pfx("10.0.0.0/8"), "aggregate", { origin: 0, nextHop: ip("0.0.0.0") });
    const a = hooks.get("", "10.0.0.0/8")?.[0].attrs;
    expect(a?.atomicAggregate).toBe(true);
    expect(a?.aggregator).toEqual({ asn: 65000, address: ip("10.0.0.1") });
  });
});

describe("BgpRib against a model", () => {
  it("ends with the best path a model picks, whatever the mix of announcements and withdrawals from three PEs", () => {
    const op = fc.record({ peer: fc.integer({ min: 0, max: 2 }), prefix: fc.integer({ min: 0, max: 5 }), localPref: fc.option(fc.constantFrom(50, 100, 200), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { hooks, rib } = setup({ cust1: vrf("1:1", ["1:1"]) });
        const pes = ["10.1.1.1", "10.1.1.2", "10.1.1.3"].map((a) => peer(a));
        for (const p of pes) rib.peerUp(p);
        const model = new Map<number, Map<number, { lp: number; label: number }>>();
        for (const { peer: i, prefix: n, localPref } of ops) {
          const prefix = pfx(`10.${n}.0.0/16`);
          const byPeer = model.get(n) ?? new Map();
          model.set(n, byPeer);
          if (localPref === undefined) {
            send(rib, pes[i], { vpnWithdrawn: [{ rd: rd(`65000:${i}`), prefix }] });
            byPeer.delete(i);
          } else {
            const label = 100 + i * 10 + n;
            send(rib, pes[i], { vpn: [{ labels: [L(label)], rd: rd(`65000:${i}`), prefix }], rts: [rt("1:1")], localPref, nextHop: pes[i].address });
            byPeer.set(i, { lp: localPref, label });
          }
        }
        for (let n = 0; n <= 5; n++) {
          const entries = [...(model.get(n) ?? new Map<number, { lp: number; label: number }>())];
          // highest LOCAL_PREF, then the lowest router ID (the PEs' addresses)
          entries.sort(([ia, a], [ib, b]) => b.lp - a.lp || ia - ib);
          const got = hooks.get("cust1", `10.${n}.0.0/16`);
          if (entries.length === 0) expect(got).toBeUndefined();
          else {
            expect(got?.[0].from).toBe(pes[entries[0][0]]);
            expect(got?.[0].label).toBe(entries[0][1].label);
          }
        }
        expect(rib.counts("vpnv4").paths).toBe([...model.values()].reduce((k, m) => k + 2 * m.size, 0));
      }),
      { numRuns: 150 },
    );
  });
});


describe("BgpRib labelled IPv4 unicast (send-label)", () => {
  it("passes a received label on with the next hop, puts our own label where we are next hop, and withdraws as labelled", () => {
    const { hooks, rib } = setup({});
    const ebgp = peer("192.0.2.9", { ebgp: true, remoteAs: 65009, families: new Set(["ipv4"]), labelledUnicast: true });
    const keep = peer("10.9.9.1", { families: new Set(["ipv4"]), labelledUnicast: true, localAddress: ip("10.0.0.1") });
    const self = peer("10.9.9.2", { families: new Set(["ipv4"]), labelledUnicast: true, localAddress: ip("10.0.0.1"), policy: { nextHopSelf: true } });
    const plain = peer("10.9.9.3", { families: new Set(["ipv4"]) });
    for (const p of [ebgp, keep, self, plain]) rib.peerUp(p);
    for (const p of [keep, self, plain]) updates(rib, p);
    const reach = buildBgpMessage(
      { type: "update", withdrawn: [], nlri: [], attributes: [{ type: "origin", origin: 0 }, { type: "as-path", segments: [{ type: 2, asns: [65009] }] }, { type: "mp-reach", family: "ipv4-labelled", nextHop: ip("192.0.2.9"), nlri: [{ labels: [L(100)], prefix: pfx("10.1.0.0/16") }] }] },
      { fourOctetAs: true },
    );
    expect(rib.receiveUpdate(ebgp, reach, 19, reach.length)).toBeUndefined();
    // Installed with the label to push; our own label for it, since `self` gets us as next hop.
    expect(hooks.get("", "10.1.0.0/16")?.[0].label).toBe(100);
    const ours = hooks.labels.get(` ${ip("10.1.0.0")}/16`);
    expect(ours).toBe(16);
    // Each UPDATE as its NLRI: plain, or the multiprotocol attribute carrying it.
    const sentTo = (p: BgpPeer) => updates(rib, p).map((u) => (u.nlri.length > 0 ? { type: "nlri", nlri: u.nlri } : u.attributes.find((a) => a.type === "mp-reach" || a.type === "mp-unreach")));
    expect(sentTo(keep)).toMatchObject([{ type: "mp-reach", family: "ipv4-labelled", nextHop: ip("192.0.2.9"), nlri: [{ labels: [100], prefix: pfx("10.1.0.0/16") }] }]);
    expect(sentTo(self)).toMatchObject([{ type: "mp-reach", family: "ipv4-labelled", nextHop: ip("10.0.0.1"), nlri: [{ labels: [16], prefix: pfx("10.1.0.0/16") }] }]);
    expect(sentTo(plain)).toMatchObject([{ type: "nlri", nlri: [pfx("10.1.0.0/16")] }]);

    const unreach = buildBgpMessage({ type: "update", withdrawn: [], nlri: [], attributes: [{ type: "mp-unreach", family: "ipv4-labelled", withdrawn: [pfx("10.1.0.0/16")] }] }, { fourOctetAs: true });
    rib.receiveUpdate(ebgp, unreach, 19, unreach.length);
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
    expect(hooks.released).toContain(` ${ip("10.1.0.0")}/16`);
    expect(sentTo(self)).toMatchObject([{ type: "mp-unreach", family: "ipv4-labelled", withdrawn: [pfx("10.1.0.0/16")] }]);
  });

  it("ignores SAFI 4 routes from a neighbor that did not negotiate it", () => {
    const { hooks, rib } = setup({});
    const p = peer("10.9.9.1", { families: new Set(["ipv4"]) });
    rib.peerUp(p);
    const reach = buildBgpMessage({ type: "update", withdrawn: [], nlri: [], attributes: [{ type: "origin", origin: 0 }, { type: "as-path", segments: [] }, { type: "local-pref", localPref: 100 }, { type: "mp-reach", family: "ipv4-labelled", nextHop: ip("10.9.9.1"), nlri: [{ labels: [L(100)], prefix: pfx("10.1.0.0/16") }] }] }, { fourOctetAs: true });
    rib.receiveUpdate(p, reach, 19, reach.length);
    expect(hooks.get("", "10.1.0.0/16")).toBeUndefined();
  });
});
