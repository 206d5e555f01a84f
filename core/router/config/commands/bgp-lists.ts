// BGP's match lists: `ip community-list` (standard and expanded, numbered and named),
// `ip extcommunity-list` and `ip as-path access-list`, which route-maps' `match community`,
// `match extcommunity` and `match as-path` and a neighbor's `filter-list` refer to
// (routing/route-policy.ts evaluates them). Regular expressions are checked when given: a
// pattern the IOS regex engine (config/ios-regex.ts) cannot read is refused.
import { IosRegex } from "../ios-regex";
import { command, type ConfigCommand, type Outcome, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { RouterConfig } from "../model/router";
import type { CommunityList, ExtCommunityList } from "../model/routing";

const IP = "Global IP configuration subcommands";
const ACTION_HELP = ["Specify community to accept", "Specify community to reject"];
/** Where IOS shows them: after `ip forward-protocol`/`ip bgp-community`, before `ip route`. */
const ORDER = 1851;

/** RFC 1997 well-known communities by IOS's names (gshut: RFC 8326). */
export const COMMUNITY_NAMES: Readonly<Record<string, number>> = {
  internet: 0,
  "local-AS": 0xffffff03,
  "no-advertise": 0xffffff02,
  "no-export": 0xffffff01,
  gshut: 0xffff0000,
};

export const COMMUNITY_VALUES = "(AA:NN|<1-4294967295>|internet|local-AS|no-advertise|no-export|gshut)$communities...";
export const COMMUNITY_HELP = [
  "community number",
  "community number",
  "Internet (well-known community)",
  "Do not send outside local AS (well-known community)",
  "Do not advertise to any peer (well-known community)",
  "Do not export to next AS (well-known community)",
  "Graceful Shutdown (well-known community)",
];

/** The values a COMMUNITY_VALUES token bound, as 32-bit numbers. */
export function communityValues(v: ArgRecord[string]): number[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map((x) => (typeof x === "number" ? x : (COMMUNITY_NAMES[String(x)] ?? 0)));
}

/** Back to text COMMUNITY_VALUES reads: well-known names, else aa:nn (`ip bgp-community
 * new-format`, which IOS configs all but always carry). */
export function communityArgs(values: readonly number[]): string[] {
  const names = Object.entries(COMMUNITY_NAMES);
  return values.map((c) => names.find(([, n]) => n === c)?.[0] ?? `${Math.floor(c / 65536)}:${c % 65536}`);
}

/** `% …` for a pattern the regex engine refuses, else undefined. */
export function regexpProblem(pattern: string): string | undefined {
  const r = IosRegex.compile(pattern);
  return r instanceof IosRegex ? undefined : `% Invalid regular expression "${pattern}": ${r.error}`;
}

type ListKind = "standard" | "expanded";

function listKey(a: ArgRecord): string {
  return a.number !== undefined ? String(a.number) : String(a.name);
}

/** Numbered lists first by number, then named ones by name, as IOS lists them. */
function listSort(key: string): (string | number)[] {
  return /^\d+$/.test(key) ? [0, Number(key)] : [1, key];
}

function listArgs(key: string, kind: ListKind, named: boolean): ArgRecord {
  return named ? { [kind]: kind, name: key } : { number: Number(key) };
}

function listFor<L extends CommunityList | ExtCommunityList>(lists: Record<string, L>, a: ArgRecord, kind: ListKind, what: string): L | Outcome {
  const key = listKey(a);
  const had = lists[key];
  if (had !== undefined && had.kind !== kind) return { error: `% ${what} list ${key} already exists as ${had.kind}` };
  return (lists[key] ??= { kind, named: a.number === undefined, entries: [] } as unknown as L);
}

function isList<L>(x: L | Outcome): x is L {
  return (x as { entries?: unknown }).entries !== undefined;
}

function sameValues(a: readonly (number | string)[] | undefined, b: readonly (number | string)[] | undefined): boolean {
  return (a ?? []).join(" ") === (b ?? []).join(" ");
}

function dropEmpty(m: RouterConfig, field: "communityLists" | "extcommunityLists", key: string): void {
  const lists = m[field];
  if (!lists) return;
  if (lists[key]?.entries.length === 0) delete lists[key];
  if (Object.keys(lists).length === 0) delete m[field];
}

function renderLists<L extends CommunityList | ExtCommunityList>(lists: Record<string, L> | undefined, kind: ListKind, entryArgs: (e: L["entries"][number]) => ArgRecord): RenderItem[] {
  return Object.entries(lists ?? {})
    .filter(([, l]) => l.kind === kind)
    .flatMap(([key, l]) => l.entries.map((e) => ({ args: { ...listArgs(key, kind, l.named), action: e.action, ...entryArgs(e) }, sort: listSort(key) })));
}

export const bgpListCommands: readonly ConfigCommand[] = [
  command({
    id: "ip.community-list.standard",
    mode: "config",
    syntax: `ip community-list (standard$standard WORD$name|<1-99>$number) (permit|deny)$action ${COMMUNITY_VALUES}`,
    help: [IP, "Add a community list entry", "Add a standard community-list entry", "Community list name", "Community list number (standard)", ...ACTION_HELP, ...COMMUNITY_HELP],
    order: ORDER,
    apply: (m, a) => {
      const l = listFor((m.communityLists ??= {}), a, "standard", "Community");
      if (!isList(l)) return l;
      const communities = communityValues(a.communities);
      if (!l.entries.some((e) => e.action === a.action && sameValues(e.communities, communities))) l.entries.push({ action: a.action, communities });
    },
    no: {
      syntax: `ip community-list (standard$standard WORD$name|<1-99>$number) [(permit|deny)$action ${COMMUNITY_VALUES}]`,
      apply: (m, a) => {
        const key = listKey(a);
        const l = m.communityLists?.[key];
        if (l === undefined || l.kind !== "standard") return;
        if (a.action === undefined) l.entries = [];
        else {
          const communities = communityValues(a.communities);
          l.entries = l.entries.filter((e) => !(e.action === a.action && sameValues(e.communities, communities)));
        }
        dropEmpty(m, "communityLists", key);
      },
    },
    render: (m) => renderLists(m.communityLists, "standard", (e) => ({ communities: communityArgs(e.communities ?? []) })),
  }),
  command({
    id: "ip.community-list.expanded",
    mode: "config",
    syntax: "ip community-list (expanded$expanded WORD$name|<100-500>$number) (permit|deny)$action LINE$regexp",
    help: [IP, "Add a community list entry", "Add an expanded community-list entry", "Community list name", "Community list number (expanded)", ...ACTION_HELP, "An ordered list as a regular-expression"],
    order: ORDER,
    apply: (m, a) => {
      const problem = regexpProblem(a.regexp);
      if (problem !== undefined) return { error: problem };
      const l = listFor((m.communityLists ??= {}), a, "expanded", "Community");
      if (!isList(l)) return l;
      if (!l.entries.some((e) => e.action === a.action && e.regexp === a.regexp)) l.entries.push({ action: a.action, regexp: a.regexp });
    },
    no: {
      syntax: "ip community-list (expanded$expanded WORD$name|<100-500>$number) [(permit|deny)$action LINE$regexp]",
      apply: (m, a) => {
        const key = listKey(a);
        const l = m.communityLists?.[key];
        if (l === undefined || l.kind !== "expanded") return;
        l.entries = a.action === undefined ? [] : l.entries.filter((e) => !(e.action === a.action && e.regexp === a.regexp));
        dropEmpty(m, "communityLists", key);
      },
    },
    render: (m) => renderLists(m.communityLists, "expanded", (e) => ({ regexp: e.regexp ?? "" })),
  }),
  command({
    id: "ip.extcommunity-list.standard",
    mode: "config",
    syntax: "ip extcommunity-list (standard$standard WORD$name|<1-99>$number) (permit|deny)$action [rt RT$rts...] [soo RT$soos...]",
    help: [IP, "Add a extended community list entry", "Add a standard extended community-list entry", "Extended community list name", "Extended community list number (standard)", "Specify community to accept", "Specify community to reject", "Route Target", "VPN extended community", "Site-of-Origin", "VPN extended community"],
    order: ORDER + 0.1,
    apply: (m, a) => {
      const l = listFor((m.extcommunityLists ??= {}), a, "standard", "Extended community");
      if (!isList(l)) return l;
      const rts = a.rts === undefined ? [] : [...a.rts];
      const soos = a.soos === undefined ? [] : [...a.soos];
      if (!l.entries.some((e) => e.action === a.action && sameValues(e.rts, rts) && sameValues(e.soos, soos))) {
        l.entries.push({ action: a.action, ...(rts.length > 0 ? { rts } : {}), ...(soos.length > 0 ? { soos } : {}) });
      }
    },
    no: {
      syntax: "ip extcommunity-list (standard$standard WORD$name|<1-99>$number) [(permit|deny)$action [rt RT$rts...] [soo RT$soos...]]",
      apply: (m, a) => {
        const key = listKey(a);
        const l = m.extcommunityLists?.[key];
        if (l === undefined || l.kind !== "standard") return;
        l.entries = a.action === undefined ? [] : l.entries.filter((e) => !(e.action === a.action && sameValues(e.rts, a.rts === undefined ? [] : [...a.rts]) && sameValues(e.soos, a.soos === undefined ? [] : [...a.soos])));
        dropEmpty(m, "extcommunityLists", key);
      },
    },
    render: (m) => renderLists(m.extcommunityLists, "standard", (e) => ({ ...(e.rts ? { rts: e.rts } : {}), ...(e.soos ? { soos: e.soos } : {}) })),
  }),
  command({
    id: "ip.extcommunity-list.expanded",
    mode: "config",
    syntax: "ip extcommunity-list (expanded$expanded WORD$name|<100-500>$number) (permit|deny)$action LINE$regexp",
    help: [IP, "Add a extended community list entry", "Add an expanded extended community-list entry", "Extended community list name", "Extended community list number (expanded)", "Specify community to accept", "Specify community to reject", "An ordered list as a regular-expression"],
    order: ORDER + 0.1,
    apply: (m, a) => {
      const problem = regexpProblem(a.regexp);
      if (problem !== undefined) return { error: problem };
      const l = listFor((m.extcommunityLists ??= {}), a, "expanded", "Extended community");
      if (!isList(l)) return l;
      if (!l.entries.some((e) => e.action === a.action && e.regexp === a.regexp)) l.entries.push({ action: a.action, regexp: a.regexp });
    },
    no: {
      syntax: "ip extcommunity-list (expanded$expanded WORD$name|<100-500>$number) [(permit|deny)$action LINE$regexp]",
      apply: (m, a) => {
        const key = listKey(a);
        const l = m.extcommunityLists?.[key];
        if (l === undefined || l.kind !== "expanded") return;
        l.entries = a.action === undefined ? [] : l.entries.filter((e) => !(e.action === a.action && e.regexp === a.regexp));
        dropEmpty(m, "extcommunityLists", key);
      },
    },
    render: (m) => renderLists(m.extcommunityLists, "expanded", (e) => ({ regexp: e.regexp ?? "" })),
  }),
  command({
    id: "ip.as-path.access-list",
    mode: "config",
    syntax: "ip as-path access-list <1-500>$number (permit|deny)$action LINE$regexp",
    help: [IP, "BGP autonomous system path filter", "Specify an access list number", "Regular expression access list number", "Specify packets to forward", "Specify packets to reject", "A regular-expression to match BGP AS paths"],
    order: ORDER + 0.2,
    apply: (m, a) => {
      const problem = regexpProblem(a.regexp);
      if (problem !== undefined) return { error: problem };
      const list = ((m.asPathLists ??= {})[String(a.number)] ??= []);
      if (!list.some((e) => e.action === a.action && e.regexp === a.regexp)) list.push({ action: a.action, regexp: a.regexp });
    },
    no: {
      syntax: "ip as-path access-list <1-500>$number [(permit|deny)$action LINE$regexp]",
      apply: (m, a) => {
        const lists = m.asPathLists;
        const key = String(a.number);
        if (!lists?.[key]) return;
        lists[key] = a.action === undefined ? [] : lists[key].filter((e) => !(e.action === a.action && e.regexp === a.regexp));
        if (lists[key].length === 0) delete lists[key];
        if (Object.keys(lists).length === 0) delete m.asPathLists;
      },
    },
    render: (m) =>
      Object.entries(m.asPathLists ?? {}).flatMap(([key, list]) => list.map((e) => ({ args: { number: Number(key), action: e.action, regexp: e.regexp }, sort: [Number(key)] }))),
  }),
];
