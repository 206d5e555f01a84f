// `show access-lists [NAME]`, `show ip access-lists [NAME]` and `clear access-list counters
// [NAME]`: each list with its entries' sequence numbers and, where an entry decided a packet,
// IOS's `(N matches)`. Remarks are configuration only, as on IOS.
import { aclEntryText } from "../../config/commands/acl";
import type { AccessListConfig, AclEntryConfig } from "../../config/model/acl";
import type { Router } from "../../node/router";
import { formatIpv4 } from "../../wire/addr";
import { BOTH, exec, PRIV, type ExecCommand } from "../exec-command";

const SHOW = "Show running system information";

/** A standard entry as show prints it: `permit 10.0.0.0, wildcard bits 0.0.0.255`. */
function standardText(e: AclEntryConfig): string {
  const a = e.args ?? {};
  const action = String(a.action).padEnd(6);
  const log = a.log !== undefined ? " log" : "";
  if (a.srcAny !== undefined) return `${action} any${log}`;
  if (typeof a.srcHost === "number") return `${action} ${formatIpv4(a.srcHost)}${log}`;
  const wild = typeof a.srcWild === "number" ? a.srcWild : 0;
  const address = formatIpv4(Number(a.srcAddr));
  return wild === 0 ? `${action} ${address}${log}` : `${action} ${address}, wildcard bits ${formatIpv4(wild)}${log}`;
}

/** Numbered lists by number, then named ones by name, as IOS lists them. */
function ordered(lists: readonly AccessListConfig[]): AccessListConfig[] {
  const num = (l: AccessListConfig): number => (/^\d+$/.test(l.name) ? Number(l.name) : Infinity);
  return [...lists].sort((a, b) => num(a) - num(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function showAccessLists(router: Router, name?: string): string {
  const lists = ordered(Object.values(router.running.accessLists ?? {}).filter((l) => name === undefined || l.name === name));
  const out: string[] = [];
  for (const l of lists) {
    out.push(`${l.kind === "standard" ? "Standard" : "Extended"} IP access list ${l.name}`);
    const compiled = router.accessLists.get(l.name);
    for (const e of l.entries) {
      if (e.remark !== undefined) continue;
      const at = compiled?.entries.findIndex((m) => m.seq === e.seq) ?? -1;
      const hits = at >= 0 ? (compiled?.hits[at] ?? 0) : 0;
      const text = l.kind === "standard" ? standardText(e) : aclEntryText(l.kind, e);
      out.push(`    ${e.seq} ${text}${hits > 0 ? ` (${hits} match${hits === 1 ? "" : "es"})` : ""}`);
    }
  }
  return out.join("\n");
}

export const aclShowCommands: readonly ExecCommand[] = [
  exec({
    id: "show.access-lists",
    mode: BOTH,
    syntax: "show access-lists [(<1-2699>$number|WORD$name)]",
    help: [SHOW, "List access lists", "ACL number", "ACL name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name") ?? (args.optNum("number") === undefined ? undefined : String(args.optNum("number")));
      const text = showAccessLists(router, name);
      if (text !== "") print(text);
    },
  }),
  exec({
    id: "show.ip.access-lists",
    mode: BOTH,
    syntax: "show ip access-lists [(<1-2699>$number|WORD$name)]",
    help: [SHOW, "IP information", "List IP access lists", "ACL number", "ACL name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.optStr("name") ?? (args.optNum("number") === undefined ? undefined : String(args.optNum("number")));
      const text = showAccessLists(router, name);
      if (text !== "") print(text);
    },
  }),
  exec({
    id: "clear.access-list.counters",
    mode: PRIV,
    syntax: "clear [ip$ip] access-list counters [(<1-2699>$number|WORD$name)]",
    help: ["Reset functions", "IP", "Clear access list statistical information", "Clear access list counters", "ACL number", "ACL name"],
    run: ({ router, args }) => {
      const name = args.optStr("name") ?? (args.optNum("number") === undefined ? undefined : String(args.optNum("number")));
      for (const [n, acl] of router.accessLists) if (name === undefined || n === name) acl.clearCounters();
    },
  }),
];
