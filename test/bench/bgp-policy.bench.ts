// BGP policy evaluation speed: the IOS regular expressions of as-path and community lists
// (config/ios-regex.ts, a Thompson NFA: time linear in input × pattern), and a neighbor's
// inbound policy — prefix-list, filter-list, then a route-map with a community list, an
// AS-path list and set clauses — over 100,000 distinct paths, as bgp/policy.ts runs it per
// received route.
// - bgp.policy.as-path-regex: `_65001_` over 10-AS paths never seen before, matches/s;
// - bgp.policy.regex-pathological: `^(.*)*(.*)*(.*)*x$` (exponential for a backtracking
//   engine such as JavaScript's RegExp) over a 2,000-AS path, ms per match;
// - bgp.policy.inbound-100k: paths/s through the inbound policy (each path a new attribute
//   set; 140 distinct AS paths among them, as a real table repeats its paths).
import { configuredNeighbors } from "../../core/router/bgp/neighbors";
import { peerPolicy } from "../../core/router/bgp/policy";
import type { BgpAttrs, PolicyInput } from "../../core/router/bgp/types";
import { IosRegex } from "../../core/router/config/ios-regex";
import { parseConfig } from "../../core/router/config/parse";
import { RoutePolicy } from "../../core/router/routing/route-map";
import { AsPathSegmentType } from "../../core/router/wire/bgp-aspath";
import type { Ipv4 } from "../../core/router/wire/addr";
import { opsPerSecond, type Benchmark } from "./bench";

function compiled(p: string): IosRegex {
  const r = IosRegex.compile(p);
  if (!(r instanceof IosRegex)) throw new Error(r.error);
  return r;
}

const CONFIG = `router bgp 65000
 neighbor 10.0.0.1 remote-as 65001
 address-family ipv4
  neighbor 10.0.0.1 prefix-list ANY in
  neighbor 10.0.0.1 filter-list 1 in
  neighbor 10.0.0.1 route-map IN in
ip prefix-list ANY seq 5 deny 192.168.0.0/16 le 32
ip prefix-list ANY seq 10 permit 0.0.0.0/0 le 32
ip as-path access-list 1 deny _64666_
ip as-path access-list 1 permit ^65001_
ip as-path access-list 2 permit _6510[0-9]$
ip community-list standard GOLD permit 65001:100
ip community-list expanded BAD permit ^65001:9[0-9]+
route-map IN deny 5
 match community BAD
route-map IN permit 10
 match community GOLD
 set local-preference 300
 set community 65000:1 additive
route-map IN permit 20
 match as-path 2
 set as-path prepend 65000
route-map IN permit 30
 set metric 10
`;

const benchmarks: Benchmark[] = [
  {
    name: "bgp.policy.as-path-regex",
    run() {
      const r = compiled("_65001_");
      // 1,000 different paths, so the memo of answers does not make this a lookup.
      const paths = Array.from({ length: 1000 }, (_, i) => `65010 65020 65030 ${64512 + i} 65050 65060 65070 65080 65001 65090`);
      let hits = 0;
      const rate = opsPerSecond((n) => {
        for (let i = 0; i < n; i++) if (r.test(paths[i % 1000] + (i >= 1000 ? ` ${i}` : ""))) hits++;
      });
      if (hits === 0) throw new Error("the pattern should match");
      return { name: "bgp.policy.as-path-regex", value: Math.round(rate), unit: "matches/s" };
    },
  },
  {
    name: "bgp.policy.regex-pathological",
    run() {
      const path = Array.from({ length: 2000 }, (_, i) => String(64512 + (i % 1000))).join(" ");
      let best = Infinity;
      for (let t = 0; t < 5; t++) {
        const r = compiled("^(.*)*(.*)*(.*)*x$"); // a new one each time: nothing remembered
        const start = process.hrtime.bigint();
        if (r.test(path)) throw new Error("no x in the path");
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
      }
      return { name: "bgp.policy.regex-pathological", value: Number(best.toFixed(2)), unit: "ms" };
    },
  },
  {
    name: "bgp.policy.inbound-100k",
    run() {
      const model = parseConfig(CONFIG).model;
      const bgp = model.bgp!;
      const plan = configuredNeighbors(bgp)[0];
      const policy = peerPolicy(bgp, plan, new RoutePolicy(model), undefined).importPolicy!;
      const inputs: PolicyInput[] = [];
      for (let i = 0; i < 100_000; i++) {
        const attrs: BgpAttrs = {
          origin: 0,
          asPath: [{ type: AsPathSegmentType.AsSequence, asns: [65001, 65100 + (i % 20), 64512 + (i % 7)] }],
          nextHop: 0x0a000001 as Ipv4,
          communities: [65001 * 65536 + (i % 200), 65001 * 65536 + 100 * (i % 2)],
        };
        inputs.push({ family: "ipv4", prefix: { addr: (0x0b000000 + i * 256) as Ipv4, len: 24 }, attrs });
      }
      let best = Infinity;
      let accepted = 0;
      for (let t = 0; t < 3; t++) {
        // Fresh attribute objects each trial: the per-path text is computed again.
        const fresh = inputs.map((p) => ({ ...p, attrs: { ...p.attrs } }));
        accepted = 0;
        const start = process.hrtime.bigint();
        for (const p of fresh) if (policy(p) !== undefined) accepted++;
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
      }
      if (accepted === 0 || accepted === inputs.length) throw new Error(`the policy should refuse some paths, accepted ${accepted}`);
      return [
        { name: "bgp.policy.inbound-100k", value: Math.round(inputs.length / best), unit: "paths/s" },
        { name: "bgp.policy.inbound-100k.accepted", value: accepted, unit: "paths" },
      ];
    },
  },
];

export default benchmarks;
