// Property: whatever order commands are given in, the model read back from its rendering is
// the same model, and rendering it again gives the same text. Blocks cover static routes,
// interfaces, route-maps, pools, AAA, BGP (neighbors, peer-groups, address families),
// crypto (IKEv2 proposals, keyrings, profiles; IPsec transform-sets and profiles) and
// GRE/mGRE tunnels with NHRP and protection.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpv4 } from "../wire/addr";
import { parseConfig } from "./parse";
import { renderRunningConfig } from "./render";

const octet = fc.integer({ min: 1, max: 223 });
const len = fc.integer({ min: 8, max: 32 });
const mask = (n: number) => formatIpv4(n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0);
const network = fc.tuple(octet, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), len).map(([a, b, c, l]) => {
  const addr = (((a << 24) | (b << 16) | (c << 8)) >>> 0) & ((l === 0 ? 0 : 0xffffffff << (32 - l)) >>> 0);
  return `${formatIpv4(addr >>> 0)} ${mask(l)}`;
});
const host = fc.tuple(octet, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((o) => o.join("."));
const name = fc.constantFrom("A", "B", "core", "edge", "x1");

const route = fc
  .record({
    vrf: fc.option(name, { nil: undefined }),
    dest: network,
    via: fc.oneof(host, fc.constantFrom("Null0", "Ethernet0/1", "Loopback3"), fc.tuple(fc.constantFrom("Ethernet0/2", "Tunnel1"), host).map(([i, h]) => `${i} ${h}`)),
    distance: fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }),
    tag: fc.option(fc.integer({ min: 1, max: 99999 }), { nil: undefined }),
    label: fc.option(name, { nil: undefined }),
    permanent: fc.boolean(),
  })
  .map((r) => {
    const opts = [r.tag !== undefined ? `tag ${r.tag}` : "", r.label ? `name ${r.label}` : "", r.permanent ? "permanent" : ""].filter((x) => x);
    return [`ip route ${r.vrf ? `vrf ${r.vrf} ` : ""}${r.dest} ${r.via}${r.distance ? ` ${r.distance}` : ""} ${opts.reverse().join(" ")}`.trimEnd()];
  });

const loopback = fc.tuple(fc.integer({ min: 0, max: 20 }), host, fc.array(host, { maxLength: 2 }), fc.option(name, { nil: undefined }), fc.boolean()).map(([n, addr, secondaries, description, shut]) => [
  `interface Loopback${n}`,
  ...(description ? [` description ${description}`] : []),
  ` ip address ${addr} 255.255.255.255`,
  ...secondaries.map((s) => ` ip address ${s} 255.255.255.255 secondary`),
  ...(shut ? [" shutdown"] : []),
]);

const routeMap = fc.tuple(name, fc.constantFrom("permit", "deny"), fc.integer({ min: 1, max: 100 }), fc.array(fc.integer({ min: 0, max: 999 }), { maxLength: 3 })).map(([n, action, seq, tags]) => [
  `route-map ${n} ${action} ${seq}`,
  ...(tags.length ? [` match tag ${tags.join(" ")}`] : []),
]);

const pool = fc.tuple(name, host).map(([n, start]) => [`ip local pool ${n} ${start}`]);
const aaa = fc.tuple(fc.constantFrom("network", "exec"), name).map(([t, n]) => [`aaa authorization ${t} ${n} local`]);
// BGP: one `router bgp` (IOS has one), its neighbors and per-family settings. A neighbor is
// defined in the block that configures it, so any block order is a valid configuration.
const asn = fc.integer({ min: 1, max: 65535 });
const peerGroup = fc.constantFrom("SPOKES", "HUBS");
const bgpNeighbor = fc
  .record({
    peer: host,
    remoteAs: asn,
    description: fc.option(fc.constantFrom("to core", "ce link"), { nil: undefined }),
    multihop: fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }),
    shutdown: fc.boolean(),
    mode: fc.option(fc.constantFrom("active", "passive"), { nil: undefined }),
  })
  .map((n) => [
    ` neighbor ${n.peer} remote-as ${n.remoteAs}`,
    ...(n.description ? [` neighbor ${n.peer} description ${n.description}`] : []),
    ...(n.multihop !== undefined ? [` neighbor ${n.peer} ebgp-multihop ${n.multihop}`] : []),
    ...(n.shutdown ? [` neighbor ${n.peer} shutdown`] : []),
    ...(n.mode ? [` neighbor ${n.peer} transport connection-mode ${n.mode}`] : []),
  ]);
const bgpGroup = fc.tuple(peerGroup, asn, fc.array(host, { maxLength: 2 })).map(([g, as, members]) => [
  ` neighbor ${g} peer-group`,
  ` neighbor ${g} remote-as ${as}`,
  ...members.flatMap((m) => [` neighbor ${m} remote-as ${as}`, ` neighbor ${m} peer-group ${g}`]),
]);
const bgpFamily = fc
  .record({
    afi: fc.constantFrom("ipv4", "vpnv4"),
    peer: host,
    networks: fc.array(fc.tuple(host, fc.option(len, { nil: undefined })), { maxLength: 2 }),
    redistribute: fc.option(fc.constantFrom("connected", "static"), { nil: undefined }),
    community: fc.option(fc.constantFrom("", " extended", " both"), { nil: undefined }),
    nextHopSelf: fc.boolean(),
    routeMap: fc.option(fc.tuple(name, fc.constantFrom("in", "out")), { nil: undefined }),
  })
  .map((f) => [
    ` neighbor ${f.peer} remote-as 65000`,
    ` address-family ${f.afi}`,
    ...(f.afi === "ipv4"
      ? f.networks.map(([h, l]) => {
          if (l === undefined) return `  network ${h.split(".")[0]}.0.0.0`;
          const m = l === 0 ? 0 : (0xffffffff << (32 - l)) >>> 0;
          return `  network ${formatIpv4((Number(h.split(".").reduce((x, o) => x * 256 + Number(o), 0)) & m) >>> 0)} mask ${formatIpv4(m)}`;
        })
      : []),
    ...(f.afi === "ipv4" && f.redistribute ? [`  redistribute ${f.redistribute}`] : []),
    `  neighbor ${f.peer} activate`,
    ...(f.community !== undefined ? [`  neighbor ${f.peer} send-community${f.community}`] : []),
    ...(f.nextHopSelf ? [`  neighbor ${f.peer} next-hop-self`] : []),
    ...(f.routeMap ? [`  neighbor ${f.peer} route-map ${f.routeMap[0]} ${f.routeMap[1]}`] : []),
    " exit-address-family",
  ]);
const bgp = fc.array(fc.oneof(bgpNeighbor, bgpGroup, bgpFamily), { minLength: 1, maxLength: 3 }).map((parts) => ["router bgp 65000", ...parts.flat()]);

// Crypto: IKEv2 proposals, keyrings and profiles, IPsec transform-sets and profiles.
const proposal = fc
  .tuple(name, fc.subarray(["aes-cbc-128", "aes-cbc-256", "aes-gcm-128"], { minLength: 1 }), fc.subarray(["sha1", "sha256", "sha512"], { minLength: 1 }), fc.subarray([2, 14, 19, 20], { minLength: 1 }))
  .map(([n, enc, integ, groups]) => [`crypto ikev2 proposal ${n}`, ` encryption ${enc.join(" ")}`, ` integrity ${integ.join(" ")}`, ` group ${groups.join(" ")}`]);
const keyring = fc
  .tuple(name, fc.array(fc.tuple(name, host, fc.constantFrom("cisco123", "s3cret key")), { minLength: 1, maxLength: 2 }))
  .map(([n, peers]) => [`crypto ikev2 keyring ${n}`, ...peers.flatMap(([p, addr, key]) => [` peer ${p}`, `  address ${addr}`, `  pre-shared-key ${key}`])]);
const ikeProfile = fc
  .record({
    n: name,
    remote: fc.array(fc.oneof(host.map((h) => `address ${h} 255.255.255.255`), fc.constantFrom("fqdn domain lab.example", "fqdn spoke.lab.example", "any")), { minLength: 1, maxLength: 2 }),
    local: fc.constantFrom("dn", "fqdn hub.lab.example", "address 10.0.0.9"),
    auth: fc.constantFrom("pre-share", "rsa-sig"),
    keyring: fc.option(name, { nil: undefined }),
    dpd: fc.option(fc.tuple(fc.integer({ min: 10, max: 3600 }), fc.integer({ min: 2, max: 60 })), { nil: undefined }),
  })
  .map((p) => [
    `crypto ikev2 profile ${p.n}`,
    ...p.remote.map((r) => ` match identity remote ${r}`),
    ` identity local ${p.local}`,
    ` authentication local ${p.auth}`,
    ` authentication remote ${p.auth}`,
    ...(p.keyring ? [` keyring local ${p.keyring}`] : []),
    ...(p.dpd ? [` dpd ${p.dpd[0]} ${p.dpd[1]} on-demand`] : []),
  ]);
const transformSet = fc
  .tuple(name, fc.constantFrom("esp-aes 256 esp-sha256-hmac", "esp-aes esp-sha-hmac", "esp-gcm 128"), fc.constantFrom("tunnel", "transport"))
  .map(([n, t, mode]) => [`crypto ipsec transform-set ${n} ${t}`, ` mode ${mode}`]);
const ipsecProfile = fc
  .tuple(name, name, fc.option(fc.constantFrom("group14", "group19"), { nil: undefined }), fc.option(name, { nil: undefined }))
  .map(([n, ts, pfs, ike]) => [`crypto ipsec profile ${n}`, ` set transform-set ${ts}`, ...(pfs ? [` set pfs ${pfs}`] : []), ...(ike ? [` set ikev2-profile ${ike}`] : [])]);
const crypto = fc.oneof(proposal, keyring, ikeProfile, transformSet, ipsecProfile);

// Tunnels: GRE point-to-point or multipoint, NHRP, and protection.
const tunnel = fc
  .record({
    n: fc.integer({ min: 0, max: 9 }),
    address: host,
    source: fc.oneof(host, fc.constantFrom("Loopback0", "Ethernet0/0")),
    destination: fc.option(host, { nil: undefined }),
    multipoint: fc.boolean(),
    networkId: fc.option(fc.integer({ min: 1, max: 4294967295 }), { nil: undefined }),
    holdtime: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    key: fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
    mtu: fc.option(fc.integer({ min: 68, max: 9976 }), { nil: undefined }),
    mss: fc.option(fc.integer({ min: 500, max: 1460 }), { nil: undefined }),
    protection: fc.option(name, { nil: undefined }),
    auth: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
    mapMulticast: fc.uniqueArray(fc.oneof(host, fc.constant("dynamic")), { maxLength: 2 }),
    maps: fc.uniqueArray(fc.tuple(host, host), { maxLength: 3, selector: (m) => m[0] }),
    nhs: fc.uniqueArray(fc.tuple(host, fc.option(host, { nil: undefined }), fc.boolean()), { maxLength: 2, selector: (n) => n[0] }),
    registration: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    noUnique: fc.boolean(),
    redirect: fc.option(fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }), { nil: null }),
    shortcut: fc.option(fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }), { nil: null }),
  })
  .map((t) => [
    `interface Tunnel${t.n}`,
    ` ip address ${t.address} 255.255.255.0`,
    ...(t.mtu !== undefined ? [` ip mtu ${t.mtu}`] : []),
    ...(t.auth !== undefined ? [` ip nhrp authentication ${t.auth}`] : []),
    ...t.mapMulticast.map((x) => ` ip nhrp map multicast ${x}`),
    ...t.maps.map(([p, n]) => ` ip nhrp map ${p} ${n}`),
    ...(t.networkId !== undefined ? [` ip nhrp network-id ${t.networkId}`] : []),
    ...(t.holdtime !== undefined ? [` ip nhrp holdtime ${t.holdtime}`] : []),
    ...t.nhs.map(([a, nbma, mc]) => ` ip nhrp nhs ${a}${nbma !== undefined ? ` nbma ${nbma}` : ""}${mc ? " multicast" : ""}`),
    ...(t.noUnique ? [" ip nhrp registration no-unique"] : []),
    ...(t.registration !== undefined ? [` ip nhrp registration timeout ${t.registration}`] : []),
    ...(t.redirect !== null ? [` ip nhrp redirect${t.redirect !== undefined ? ` timeout ${t.redirect}` : ""}`] : []),
    ...(t.shortcut !== null ? [` ip nhrp shortcut${t.shortcut !== undefined ? ` virtual-template ${t.shortcut}` : ""}`] : []),
    ...(t.mss !== undefined ? [` ip tcp adjust-mss ${t.mss}`] : []),
    ` tunnel source ${t.source}`,
    ...(t.multipoint ? [" tunnel mode gre multipoint"] : t.destination ? [` tunnel destination ${t.destination}`] : []),
    ...(t.key !== undefined ? [` tunnel key ${t.key}`] : []),
    ...(t.protection ? [` tunnel protection ipsec profile ${t.protection}`] : []),
  ]);

const block = fc.oneof(route, loopback, routeMap, pool, aaa, bgp, crypto, tunnel);

describe("parse → render → parse", () => {
  it("gives the same model and a stable rendering, whatever the input order", () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 25 }), (blocks) => {
        const text = blocks.flat().join("\n");
        const first = parseConfig(text);
        expect(first.diagnostics).toEqual([]);
        const rendered = renderRunningConfig(first.model);
        const again = parseConfig(rendered);
        expect(again.diagnostics).toEqual([]);
        expect(again.model).toEqual(first.model);
        expect(renderRunningConfig(again.model)).toBe(rendered);
      }),
      { numRuns: 200 },
    );
  });
});
