// Property: whatever order commands are given in, the model read back from its rendering is
// the same model, and rendering it again gives the same text.

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
const block = fc.oneof(route, loopback, routeMap, pool, aaa);

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
      { numRuns: 150 },
    );
  });
});
