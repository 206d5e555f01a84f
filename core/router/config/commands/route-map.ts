// `route-map NAME [permit|deny] [SEQ]` and its match and set clauses (routing/route-map.ts
// evaluates them; bgp/policy.ts applies the BGP set clauses to a path).

import { command, type ConfigCommand, type CtxOf } from "../command";
import { Args } from "../grammar/args";
import type { RouterConfig } from "../model/router";
import type { RouteMapEntry } from "../model/routing";
import { descriptionProblem, ROUTE_MAP_DESCRIPTION_MAX_CHARS } from "../names";
import { COMMUNITY_HELP, COMMUNITY_VALUES, communityArgs, communityValues } from "./bgp-lists";
import { TOP } from "./order";
import { setting } from "./setting";

const MATCH = "Match values from routing table";
const SET = "Set values in destination routing protocol";

function entry(m: RouterConfig, c: CtxOf<"route-map">): RouteMapEntry {
  const name = c.routeMap;
  const seq = c.seq;
  const e = m.routeMaps[name]?.find((x) => x.seq === seq);
  if (!e) throw new Error(`route-map ${name} ${seq} vanished`);
  return e;
}

type SetKey = "tag" | "metric" | "localPreference" | "weight";

function setNumber(id: string, keyword: string, key: SetKey, range: string, help: [string, string], order: number): ConfigCommand {
  return command({
    id,
    mode: "route-map",
    syntax: `set ${keyword} ${range}$value`,
    help: [SET, ...help],
    order,
    apply: (m, a, c) => {
      // The syntax is built from the parameters, so its value is read back checked.
      entry(m, c).set[key] = Args.of(a).num("value");
    },
    no: {
      syntax: `set ${keyword} [${range}$value]`,
      apply: (m, _a, c) => {
        delete entry(m, c).set[key];
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set[key];
      return v === undefined ? [] : [{ args: { value: v } }];
    },
  });
}

type ListKey = "ipAddressAcls" | "ipAddressPrefixLists";

function matchList(id: string, words: string, key: ListKey, help: readonly string[], order: number): ConfigCommand {
  return command({
    id,
    mode: "route-map",
    syntax: `match ${words} WORD$names...`,
    help: [MATCH, ...help],
    order,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const list = e.match[key] ?? [];
      e.match[key] = [...list, ...Args.of(a).strs("names").filter((n) => !list.includes(n))];
    },
    no: {
      syntax: `match ${words} [WORD$names...]`,
      apply: (m, a, c) => {
        const e = entry(m, c);
        const drop = Args.of(a).strs("names");
        const left = drop.length === 0 ? [] : (e.match[key] ?? []).filter((n) => !drop.includes(n));
        if (left.length === 0) delete e.match[key];
        else e.match[key] = left;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).match[key];
      return v === undefined ? [] : [{ args: { names: v } }];
    },
  });
}

export const routeMapCommands: readonly ConfigCommand[] = [
  command({
    id: "route-map",
    mode: "config",
    syntax: "route-map WORD$name [(permit|deny)$action] [<0-65535>$seq]",
    help: ["Create route-map or enter route-map command mode", "Route map tag", "Route map permits set operations", "Route map denies set operations", "Sequence to insert to/delete from existing route-map entry"],
    order: TOP.routeMap,
    enters: "route-map",
    apply: (m, a) => {
      const name = a.name;
      const seq = a.seq ?? 10;
      const action = a.action ?? "permit";
      const list = (m.routeMaps[name] ??= []);
      const existing = list.find((e) => e.seq === seq);
      if (existing) existing.action = action;
      else {
        list.push({ name, action, seq, match: {}, set: {} });
        list.sort((x, y) => x.seq - y.seq);
      }
      return { ctx: { routeMap: name, seq } };
    },
    no: {
      apply: (m, a) => {
        const name = a.name;
        if (a.seq === undefined) {
          delete m.routeMaps[name];
          return;
        }
        const left = (m.routeMaps[name] ?? []).filter((e) => e.seq !== a.seq);
        if (left.length === 0) delete m.routeMaps[name];
        else m.routeMaps[name] = left;
      },
    },
    render: (m) =>
      Object.keys(m.routeMaps)
        .sort()
        .flatMap((name) => m.routeMaps[name].map((e) => ({ args: { name, action: e.action, seq: e.seq }, child: { routeMap: name, seq: e.seq }, sort: [name, e.seq] }))),
  }),
  setting({
    id: "route-map.description",
    mode: "route-map",
    syntax: "description LINE$text",
    noSyntax: "description [LINE$text]",
    help: ["Route-map comment", "Comment up to 100 characters"],
    order: 5,
    at: entry,
    field: "description",
    arg: "text",
    check: (text) => descriptionProblem(text, ROUTE_MAP_DESCRIPTION_MAX_CHARS),
  }),
  matchList("route-map.match-ip-address", "ip address", "ipAddressAcls", ["IP specific information", "Match address of route or match packet", "IP access-list number or name"], 10),
  matchList(
    "route-map.match-ip-address-prefix-list",
    "ip address prefix-list",
    "ipAddressPrefixLists",
    ["IP specific information", "Match address of route or match packet", "Match entries of prefix-lists", "IP prefix-list name"],
    11,
  ),
  command({
    id: "route-map.match-tag",
    mode: "route-map",
    syntax: "match tag <0-4294967295>$tags...",
    help: [MATCH, "Match tag of route", "Tag value"],
    order: 15,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const list = e.match.tags ?? [];
      e.match.tags = [...list, ...(a.tags ?? []).filter((t) => !list.includes(t))];
    },
    no: {
      syntax: "match tag [<0-4294967295>$tags...]",
      apply: (m, a, c) => {
        const e = entry(m, c);
        const drop = (a.tags ?? []);
        const left = drop.length === 0 ? [] : (e.match.tags ?? []).filter((t) => !drop.includes(t));
        if (left.length === 0) delete e.match.tags;
        else e.match.tags = left;
      },
    },
    render: (m, c) => {
      const t = entry(m, c).match.tags;
      return t === undefined ? [] : [{ args: { tags: t } }];
    },
  }),
  command({
    id: "route-map.match-community",
    mode: "route-map",
    syntax: "match community (<1-500>|WORD)$lists... [exact-match$exact]",
    help: [MATCH, "Match BGP community list", "Community-list number", "Community-list name", "Do exact matching of communities"],
    order: 13,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const had = e.match.community?.lists ?? [];
      const add = a.lists.map(String).filter((n) => !had.includes(n));
      e.match.community = { lists: [...had, ...add], exactMatch: a.exact !== undefined || (e.match.community?.exactMatch ?? false) };
    },
    no: {
      syntax: "match community [(<1-500>|WORD)$lists... [exact-match$exact]]",
      apply: (m, a, c) => {
        const e = entry(m, c);
        const drop = (a.lists ?? []).map(String);
        const left = drop.length === 0 ? [] : (e.match.community?.lists ?? []).filter((n) => !drop.includes(n));
        if (left.length === 0) delete e.match.community;
        else e.match.community = { lists: left, exactMatch: e.match.community?.exactMatch ?? false };
      },
    },
    render: (m, c) => {
      const v = entry(m, c).match.community;
      return v === undefined ? [] : [{ args: { lists: v.lists.map((n) => (/^\d+$/.test(n) ? Number(n) : n)), ...(v.exactMatch ? { exact: "exact-match" } : {}) } }];
    },
  }),
  command({
    id: "route-map.match-extcommunity",
    mode: "route-map",
    syntax: "match extcommunity (<1-500>|WORD)$lists...",
    help: [MATCH, "Match BGP/VPN extended community list", "Extended community-list number", "Extended community-list name"],
    order: 14,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const had = e.match.extcommunity ?? [];
      e.match.extcommunity = [...had, ...a.lists.map(String).filter((n) => !had.includes(n))];
    },
    no: {
      syntax: "match extcommunity [(<1-500>|WORD)$lists...]",
      apply: (m, a, c) => {
        const e = entry(m, c);
        const drop = (a.lists ?? []).map(String);
        const left = drop.length === 0 ? [] : (e.match.extcommunity ?? []).filter((n) => !drop.includes(n));
        if (left.length === 0) delete e.match.extcommunity;
        else e.match.extcommunity = left;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).match.extcommunity;
      return v === undefined ? [] : [{ args: { lists: v.map((n) => (/^\d+$/.test(n) ? Number(n) : n)) } }];
    },
  }),
  command({
    id: "route-map.match-as-path",
    mode: "route-map",
    syntax: "match as-path <1-500>$lists...",
    help: [MATCH, "Match BGP AS path list", "AS path access-list"],
    order: 12,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const had = e.match.asPath ?? [];
      e.match.asPath = [...had, ...a.lists.filter((n) => !had.includes(n))];
    },
    no: {
      syntax: "match as-path [<1-500>$lists...]",
      apply: (m, a, c) => {
        const e = entry(m, c);
        const drop = a.lists ?? [];
        const left = drop.length === 0 ? [] : (e.match.asPath ?? []).filter((n) => !drop.includes(n));
        if (left.length === 0) delete e.match.asPath;
        else e.match.asPath = left;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).match.asPath;
      return v === undefined ? [] : [{ args: { lists: v } }];
    },
  }),
  command({
    id: "route-map.match-metric",
    mode: "route-map",
    syntax: "match metric <0-4294967295>$metric",
    help: [MATCH, "Match metric of route", "Metric value"],
    order: 14.5,
    apply: (m, a, c) => {
      entry(m, c).match.metric = a.metric;
    },
    no: {
      syntax: "match metric [<0-4294967295>$metric]",
      apply: (m, _a, c) => {
        delete entry(m, c).match.metric;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).match.metric;
      return v === undefined ? [] : [{ args: { metric: v } }];
    },
  }),
  command({
    id: "route-map.match-source-protocol",
    mode: "route-map",
    // IOS takes several protocols on one line; each line here adds one (and renders as one).
    syntax: "match source-protocol (connected$connected|static$static|bgp$bgp ASN$asn)",
    help: [MATCH, "Match source-protocol of route", "Connected", "Static routes", "Border Gateway Protocol (BGP)", "Autonomous system number"],
    order: 14.7,
    apply: (m, a, c) => {
      const e = entry(m, c);
      const p = a.connected ?? a.static ?? "bgp";
      const had = e.match.sourceProtocols ?? [];
      if (!had.includes(p)) e.match.sourceProtocols = [...had, p];
      if (a.asn !== undefined) e.match.sourceBgpAs = a.asn;
    },
    no: {
      syntax: "match source-protocol [LINE$rest]",
      apply: (m, _a, c) => {
        const e = entry(m, c);
        delete e.match.sourceProtocols;
        delete e.match.sourceBgpAs;
      },
    },
    render: (m, c) => {
      const e = entry(m, c).match;
      return (e.sourceProtocols ?? []).map((p) => ({ args: p === "bgp" ? { bgp: "bgp", asn: e.sourceBgpAs ?? 0 } : { [p]: p } }));
    },
  }),
  command({
    id: "route-map.set-as-path-prepend",
    mode: "route-map",
    syntax: "set as-path prepend ASN$asns...",
    help: [SET, "Prepend string for a BGP AS-path attribute", "Prepend to the as-path", "AS number"],
    order: 19,
    apply: (m, a, c) => {
      entry(m, c).set.asPathPrepend = [...a.asns];
    },
    no: {
      syntax: "set as-path prepend [ASN$asns...]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.asPathPrepend;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.asPathPrepend;
      return v === undefined ? [] : [{ args: { asns: v } }];
    },
  }),
  command({
    id: "route-map.set-community",
    mode: "route-map",
    syntax: `set community (none$none|${COMMUNITY_VALUES} [additive$additive])`,
    help: [SET, "BGP community attribute", "No community attribute", ...COMMUNITY_HELP, "Add to the existing community"],
    order: 20,
    apply: (m, a, c) => {
      entry(m, c).set.community = a.none !== undefined ? "none" : { values: communityValues(a.communities), additive: a.additive !== undefined };
    },
    no: {
      syntax: "set community [LINE$value]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.community;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.community;
      if (v === undefined) return [];
      return [{ args: v === "none" ? { none: "none" } : { communities: communityArgs(v.values), ...(v.additive ? { additive: "additive" } : {}) } }];
    },
  }),
  command({
    id: "route-map.set-comm-list-delete",
    mode: "route-map",
    syntax: "set comm-list (<1-500>|WORD)$list delete",
    help: [SET, "set BGP community list (for deletion)", "Community-list number", "Community-list name", "Delete matching communities"],
    order: 20.2,
    apply: (m, a, c) => {
      entry(m, c).set.commListDelete = String(a.list);
    },
    no: {
      syntax: "set comm-list [(<1-500>|WORD)$list [delete]]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.commListDelete;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.commListDelete;
      return v === undefined ? [] : [{ args: { list: /^\d+$/.test(v) ? Number(v) : v } }];
    },
  }),
  command({
    id: "route-map.set-extcommunity-rt",
    mode: "route-map",
    syntax: "set extcommunity rt RT$rts... [additive$additive]",
    help: [SET, "BGP extended community attribute", "Route Target extended community", "VPN extended community", "Add to the existing extcommunity"],
    order: 20.5,
    apply: (m, a, c) => {
      entry(m, c).set.extcommunityRt = { values: [...a.rts], additive: a.additive !== undefined };
    },
    no: {
      syntax: "set extcommunity rt [LINE$rest]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.extcommunityRt;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.extcommunityRt;
      return v === undefined ? [] : [{ args: { rts: v.values, ...(v.additive ? { additive: "additive" } : {}) } }];
    },
  }),
  command({
    id: "route-map.set-origin",
    mode: "route-map",
    syntax: "set origin (igp|egp|incomplete)$origin",
    help: [SET, "BGP origin code", "local IGP", "remote EGP", "unknown heritage"],
    order: 23.5,
    apply: (m, a, c) => {
      entry(m, c).set.origin = a.origin;
    },
    no: {
      syntax: "set origin [(igp|egp|incomplete)$origin]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.origin;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.origin;
      return v === undefined ? [] : [{ args: { origin: v } }];
    },
  }),
  command({
    id: "route-map.set-ip-next-hop",
    mode: "route-map",
    syntax: "set ip next-hop A.B.C.D$address",
    help: [SET, "IP specific information", "Next hop address", "IP address of next hop"],
    order: 21,
    apply: (m, a, c) => {
      entry(m, c).set.ipNextHop = a.address;
    },
    no: {
      syntax: "set ip next-hop [A.B.C.D$address]",
      apply: (m, _a, c) => {
        delete entry(m, c).set.ipNextHop;
      },
    },
    render: (m, c) => {
      const v = entry(m, c).set.ipNextHop;
      return v === undefined ? [] : [{ args: { address: v } }];
    },
  }),
  setNumber("route-map.set-local-preference", "local-preference", "localPreference", "<0-4294967295>", ["BGP local preference path attribute", "Preference value"], 22),
  setNumber("route-map.set-metric", "metric", "metric", "<0-4294967295>", ["Metric value for destination routing protocol", "Metric value or Bandwidth in Kbits per second"], 23),
  setNumber("route-map.set-tag", "tag", "tag", "<0-4294967295>", ["Tag value for destination routing protocol", "Tag value"], 24),
  setNumber("route-map.set-weight", "weight", "weight", "<0-65535>", ["BGP weight for routing table", "Weight value"], 25),
];
