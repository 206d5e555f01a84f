// IP access lists: numbered (`access-list 10 permit …`, `access-list 101 deny tcp …`) and named
// (`ip access-list standard|extended NAME` with `[SEQ] permit|deny …` and `remark` lines), and
// `ip access-group NAME in|out` on interfaces. Entries keep their sequence numbers (10, 20, …
// unless typed); running-config prints a number only where it differs from that count, as
// IOS 15 does. node/acl.ts turns the entries into the matches forwarding applies.

import { command, type ConfigCommand, type CtxOf, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import { renderSyntax } from "../grammar/render-syntax";
import { parseSyntax, type SyntaxNode } from "../grammar/syntax";
import type { AccessListConfig, AclEntryConfig } from "../model/acl";
import type { RouterConfig } from "../model/router";
import { iface, IF_MODES } from "./interface";
import { TOP } from "./order";

/** Well-known ports IOS names in access lists (TCP and UDP together). */
export const ACL_PORT_NAMES: Readonly<Record<string, number>> = {
  bgp: 179,
  bootpc: 68,
  bootps: 67,
  domain: 53,
  ftp: 21,
  "ftp-data": 20,
  isakmp: 500,
  "non500-isakmp": 4500,
  ntp: 123,
  pop3: 110,
  rip: 520,
  smtp: 25,
  snmp: 161,
  snmptrap: 162,
  syslog: 514,
  telnet: 23,
  tftp: 69,
  www: 80,
};

/** ICMP message names: type, and code where the name implies one. */
export const ACL_ICMP_NAMES: Readonly<Record<string, { readonly type: number; readonly code?: number }>> = {
  "administratively-prohibited": { type: 3, code: 13 },
  echo: { type: 8 },
  "echo-reply": { type: 0 },
  "host-unreachable": { type: 3, code: 1 },
  "net-unreachable": { type: 3, code: 0 },
  "packet-too-big": { type: 3, code: 4 },
  "port-unreachable": { type: 3, code: 3 },
  redirect: { type: 5 },
  "time-exceeded": { type: 11 },
  traceroute: { type: 30 },
  "ttl-exceeded": { type: 11, code: 0 },
  unreachable: { type: 3 },
};

export const ACL_PROTOCOLS: Readonly<Record<string, number>> = { ip: 0, tcp: 6, udp: 17, icmp: 1, gre: 47, esp: 50, ahp: 51, ospf: 89, eigrp: 88, pim: 103, igmp: 2 };

const PORT_NAMES = Object.keys(ACL_PORT_NAMES);
const port = (name: string): { syntax: string; help: string[] } => ({
  syntax: `(<0-65535>|${PORT_NAMES.join("|")})$${name}`,
  help: ["Port number", ...PORT_NAMES.map((n) => `${n} (${ACL_PORT_NAMES[n]})`)],
});

function address(p: string, who: string, wildcardOptional: boolean): { syntax: string; help: string[] } {
  const wild = wildcardOptional ? `[A.B.C.D$${p}Wild]` : `A.B.C.D$${p}Wild`;
  return {
    syntax: `(any$${p}Any|host A.B.C.D$${p}Host|A.B.C.D$${p}Addr ${wild})`,
    help: [`Any ${who} host`, `A single ${who} host`, `${who[0].toUpperCase()}${who.slice(1)} address`, `Address to match`, `${who[0].toUpperCase()}${who.slice(1)} wildcard bits`],
  };
}

function ports(p: string): { syntax: string; help: string[] } {
  const one = port(`${p}Port`);
  const lo = port(`${p}Lo`);
  const hi = port(`${p}Hi`);
  return {
    syntax: `[(eq|neq|lt|gt)$${p}Op ${one.syntax}|range$${p}Range ${lo.syntax} ${hi.syntax}]`,
    help: [
      "Match only packets on a given port number",
      "Match only packets not on a given port number",
      "Match only packets with a lower port number",
      "Match only packets with a greater port number",
      ...one.help,
      "Match only packets in the range of port numbers",
      ...lo.help,
      ...hi.help,
    ],
  };
}

const ICMP_NAMES = Object.keys(ACL_ICMP_NAMES);
const PROTOCOL_NAMES = Object.keys(ACL_PROTOCOLS);
const PROTOCOL_HELP: Record<string, string> = {
  ip: "Any Internet Protocol",
  tcp: "Transmission Control Protocol",
  udp: "User Datagram Protocol",
  icmp: "Internet Control Message Protocol",
  gre: "Cisco's GRE tunneling",
  esp: "Encapsulation Security Payload",
  ahp: "Authentication Header Protocol",
  ospf: "OSPF routing protocol",
  eigrp: "Cisco's EIGRP routing protocol",
  pim: "Protocol Independent Multicast",
  igmp: "Internet Gateway Message Protocol",
};

const ACTION = { syntax: "(permit|deny)$action", help: ["Specify packets to forward", "Specify packets to reject"] };
const STD_SRC = address("src", "source", true);
const SRC = address("src", "source", false);
const DST = address("dst", "destination", false);
const SRC_PORTS = ports("src");
const DST_PORTS = ports("dst");

/** A standard entry after its sequence number: `permit 10.0.0.0 0.0.0.255 log`. */
const STD_BODY = { syntax: `${ACTION.syntax} ${STD_SRC.syntax} [log$log]`, help: [...ACTION.help, ...STD_SRC.help, "Log matches against this entry"] };
/** An extended entry after its sequence number. */
const EXT_BODY = {
  syntax: [
    ACTION.syntax,
    `(${PROTOCOL_NAMES.join("|")}|<0-255>)$protocol`,
    SRC.syntax,
    SRC_PORTS.syntax,
    DST.syntax,
    DST_PORTS.syntax,
    `[(${ICMP_NAMES.join("|")}|<0-255>)$icmpType [<0-255>$icmpCode]]`,
    "{established$established|fragments$fragments|log$log|log-input$logInput}",
  ].join(" "),
  help: [
    ...ACTION.help,
    ...PROTOCOL_NAMES.map((n) => PROTOCOL_HELP[n]),
    "An IP protocol number",
    ...SRC.help,
    ...SRC_PORTS.help,
    ...DST.help,
    ...DST_PORTS.help,
    ...ICMP_NAMES.map((n) => `${n} (ICMP type ${ACL_ICMP_NAMES[n].type})`),
    "ICMP message type",
    "ICMP message code",
    "Match established connections",
    "Check non-initial fragments",
    "Log matches against this entry",
    "Log matches against this entry, including input interface",
  ],
};

let bodies: { std: SyntaxNode; ext: SyntaxNode } | undefined;

/** An entry's text without its sequence number, as running-config and show print it. */
export function aclEntryText(kind: AccessListConfig["kind"], e: AclEntryConfig): string {
  if (e.remark !== undefined) return `remark ${e.remark}`;
  bodies ??= { std: parseSyntax(STD_BODY.syntax, STD_BODY.help), ext: parseSyntax(EXT_BODY.syntax, EXT_BODY.help) };
  const text = renderSyntax(kind === "standard" ? bodies.std : bodies.ext, e.args ?? {});
  if (text === undefined) throw new Error(`cannot render access-list entry ${JSON.stringify(e.args)}`);
  return text;
}

function lists(m: RouterConfig): Record<string, AccessListConfig> {
  return (m.accessLists ??= {});
}

function list(m: RouterConfig, c: CtxOf<"acl-std" | "acl-ext">): AccessListConfig {
  const l = m.accessLists?.[c.acl];
  if (!l) throw new Error(`access list ${c.acl} vanished`);
  return l;
}

const withoutSeq = (a: ArgRecord): ArgRecord => {
  const rest: Record<string, ArgRecord[string]> = { ...a };
  delete rest.seq;
  return rest;
};
const sameArgs = (x: ArgRecord | undefined, y: ArgRecord): boolean => JSON.stringify(withoutSeq(x ?? {})) === JSON.stringify(withoutSeq(y));

/** Adds an entry at its sequence number, or after the last one (+10), as IOS numbers them. */
function addEntry(l: AccessListConfig, seq: number | undefined, entry: Omit<AclEntryConfig, "seq">): string | undefined {
  if (entry.args !== undefined && l.entries.some((e) => e.remark === undefined && sameArgs(e.args, entry.args!))) return undefined; // IOS ignores a repeated entry
  const at = seq ?? (l.entries.length ? l.entries[l.entries.length - 1].seq + 10 : 10);
  if (l.entries.some((e) => e.seq === at)) return "% Duplicate sequence number";
  if (at > 2147483647) return "% Sequence number out of range";
  l.entries.push({ seq: at, ...entry });
  l.entries.sort((a, b) => a.seq - b.seq);
  return undefined;
}

function removeEntry(l: AccessListConfig, a: ArgRecord, remark: string | undefined): void {
  const seq = typeof a.seq === "number" ? a.seq : undefined;
  l.entries = l.entries.filter((e) => {
    if (seq !== undefined) return e.seq !== seq;
    return remark !== undefined ? e.remark !== remark : e.remark !== undefined || !sameArgs(e.args, a);
  });
}

/** The list, created with its kind; IOS's refusal when the name holds the other kind. */
function open(m: RouterConfig, name: string, kind: AccessListConfig["kind"], named: boolean): AccessListConfig | string {
  const existing = lists(m)[name] as AccessListConfig | undefined;
  if (existing && existing.kind !== kind) return `% A ${existing.named ? "named" : "numbered"} ${existing.kind} IP access list with this name already exists`;
  return existing ?? (lists(m)[name] = { name, kind, named, entries: [] });
}

/** Entry lines rendered with a sequence number only where it is not the running count. */
function entryItems(l: AccessListConfig, numbered: boolean): RenderItem[] {
  const out: RenderItem[] = [];
  let expected = 10;
  for (const e of l.entries) {
    const seq = e.seq === expected ? undefined : e.seq;
    expected = e.seq + 10;
    const key = numbered ? [Number(l.name), e.seq] : [e.seq];
    if (e.remark !== undefined) out.push({ args: numbered ? { number: Number(l.name), text: e.remark } : { seq, text: e.remark }, sort: key });
    else out.push({ args: numbered ? { ...e.args, number: Number(l.name) } : { ...e.args, seq }, sort: key });
  }
  return out;
}

const numberedOf = (m: RouterConfig, kind: AccessListConfig["kind"] | "any") =>
  Object.values(m.accessLists ?? {}).filter((l) => !l.named && (kind === "any" || l.kind === kind));

const SEQ = "[<1-2147483647>$seq]";
const SEQ_HELP = ["Sequence Number"];

/** `access-list N …`: an entry of numbered list N, whose number range says its kind. */
function numberedAclEntry(kind: AccessListConfig["kind"], ranges: string, body: { syntax: string; help: string[] }): ConfigCommand {
  return command({
    id: `acl.numbered-${kind}`,
    mode: "config",
    syntax: `access-list ${ranges}$number ${body.syntax}`,
    help: ["Add an access list entry", `IP ${kind} access list`, `IP ${kind} access list (expanded range)`, ...body.help],
    order: TOP.ipRoute + 75,
    apply: (m, a) => {
      const l = open(m, String(a.number), kind, false);
      if (typeof l === "string") return { error: l };
      const rest: Record<string, ArgRecord[string]> = { ...a };
      delete rest.number;
      return addEntry(l, undefined, { args: rest }) === undefined ? undefined : { error: "% Duplicate sequence number" };
    },
    render: (m) => numberedOf(m, kind).flatMap((l) => entryItems(l, true).filter((i) => i.args.text === undefined)),
  });
}

export const aclCommands: readonly ConfigCommand[] = [
  command({
    id: "acl.named",
    mode: "config",
    syntax: "ip access-list (standard$standard|extended$extended) (<1-2699>$number|WORD$name)",
    help: ["Global IP configuration subcommands", "Named access-list", "Standard Access List", "Extended Access List", "Access list number", "Access-list name"],
    order: TOP.ipRoute + 50, // after the static routes, in a section of their own
    enters: (a) => (a.standard !== undefined ? "acl-std" : "acl-ext"),
    apply: (m, a) => {
      const name = a.name ?? String(a.number);
      const l = open(m, name, a.standard !== undefined ? "standard" : "extended", true);
      if (typeof l === "string") return { error: l };
      return { ctx: { acl: name } };
    },
    no: {
      apply: (m, a) => {
        delete lists(m)[a.name ?? String(a.number)];
      },
    },
    render: (m) =>
      Object.values(m.accessLists ?? {})
        .filter((l) => l.named)
        .map((l) => {
          const n = Number(l.name);
          const id = Number.isInteger(n) && String(n) === l.name ? { number: n } : { name: l.name };
          return { args: { ...(l.kind === "standard" ? { standard: "standard" } : { extended: "extended" }), ...id }, child: { acl: l.name }, sort: [l.kind === "standard" ? 0 : 1, l.name] };
        }),
  }),
  command({
    id: "acl.std-entry",
    mode: "acl-std",
    syntax: `${SEQ} ${STD_BODY.syntax}`,
    help: [...SEQ_HELP, ...STD_BODY.help],
    order: 10,
    apply: (m, a, c) => {
      const problem = addEntry(list(m, c), typeof a.seq === "number" ? a.seq : undefined, { args: withoutSeq(a) });
      return problem ? { error: problem } : undefined;
    },
    no: { apply: (m, a, c) => removeEntry(list(m, c), a, undefined) },
    render: (m, c) => entryItems(list(m, c), false).filter((i) => i.args.text === undefined),
  }),
  command({
    id: "acl.ext-entry",
    mode: "acl-ext",
    syntax: `${SEQ} ${EXT_BODY.syntax}`,
    help: [...SEQ_HELP, ...EXT_BODY.help],
    order: 10,
    apply: (m, a, c) => {
      const problem = addEntry(list(m, c), typeof a.seq === "number" ? a.seq : undefined, { args: withoutSeq(a) });
      return problem ? { error: problem } : undefined;
    },
    no: { apply: (m, a, c) => removeEntry(list(m, c), a, undefined) },
    render: (m, c) => entryItems(list(m, c), false).filter((i) => i.args.text === undefined),
  }),
  command({
    id: "acl.remark",
    mode: ["acl-std", "acl-ext"],
    syntax: `${SEQ} remark LINE$text`,
    help: [...SEQ_HELP, "Access list entry comment", "Comment up to 100 characters"],
    order: 10,
    apply: (m, a, c) => {
      const problem = addEntry(list(m, c), a.seq, { remark: a.text });
      return problem ? { error: problem } : undefined;
    },
    no: { apply: (m, a, c) => removeEntry(list(m, c), a, a.text) },
    render: (m, c) => entryItems(list(m, c), false).filter((i) => i.args.text !== undefined),
  }),
  numberedAclEntry("standard", "(<1-99>|<1300-1999>)", STD_BODY),
  numberedAclEntry("extended", "(<100-199>|<2000-2699>)", EXT_BODY),
  command({
    id: "acl.numbered-remark",
    mode: "config",
    syntax: "access-list <1-2699>$number remark LINE$text",
    help: ["Add an access list entry", "Access list number", "Access list entry comment", "Comment up to 100 characters"],
    order: TOP.ipRoute + 75,
    apply: (m, a) => {
      const n = a.number;
      const l = open(m, String(n), (n >= 100 && n <= 199) || n >= 2000 ? "extended" : "standard", false);
      if (typeof l === "string") return { error: l };
      return addEntry(l, undefined, { remark: a.text }) === undefined ? undefined : { error: "% Duplicate sequence number" };
    },
    // `no access-list N …` removes the whole list, as IOS does.
    no: {
      syntax: "access-list <1-2699>$number [LINE$rest]",
      apply: (m, a) => {
        delete lists(m)[String(a.number)];
      },
    },
    render: (m) => numberedOf(m, "any").flatMap((l) => entryItems(l, true).filter((i) => i.args.text !== undefined)),
  }),
  command({
    id: "interface.ip-access-group",
    mode: IF_MODES,
    syntax: "ip access-group (<1-2699>$number|WORD$name) (in|out)$direction",
    help: ["Interface Internet Protocol config commands", "Specify access control for packets", "IP access list (standard or extended)", "Access-list name", "inbound packets", "outbound packets"],
    order: 53.5,
    apply: (m, a, c) => {
      const i = iface(m, c);
      i.accessGroup = { ...i.accessGroup, [a.direction]: a.name ?? String(a.number) };
    },
    no: {
      syntax: "ip access-group [(<1-2699>$number|WORD$name)] (in|out)$direction",
      apply: (m, a, c) => {
        const i = iface(m, c);
        if (!i.accessGroup) return;
        delete i.accessGroup[a.direction];
        if (i.accessGroup.in === undefined && i.accessGroup.out === undefined) delete i.accessGroup;
      },
    },
    render: (m, c) => {
      const g = m.interfaces[c.interface]?.accessGroup;
      if (!g) return [];
      const item = (name: string, direction: string): RenderItem => {
        const n = Number(name);
        return { args: Number.isInteger(n) && String(n) === name ? { number: n, direction } : { name, direction } };
      };
      return [...(g.in !== undefined ? [item(g.in, "in")] : []), ...(g.out !== undefined ? [item(g.out, "out")] : [])];
    },
  }),
];
