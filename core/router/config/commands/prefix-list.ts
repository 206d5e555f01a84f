// `ip prefix-list NAME [seq N] permit|deny A.B.C.D/M [ge G] [le L]`: what route-maps'
// `match ip address prefix-list` and BGP policy match prefixes against
// (routing/route-map.ts evaluates them). Without `seq`, IOS numbers a line 5 past the list's
// highest; running-config always shows the number.
import { formatPrefix, maskOf } from "../../wire/addr";
import { command, type ConfigCommand } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { PrefixListEntry } from "../model/routing";
import { TOP } from "./order";

const IP = "Global IP configuration subcommands";

export const prefixListCommands: readonly ConfigCommand[] = [
  command({
    id: "ip.prefix-list",
    mode: "config",
    syntax: "ip prefix-list WORD$name [seq <1-4294967294>$seq] (permit|deny)$action A.B.C.D/M$prefix [ge <1-32>$ge] [le <1-32>$le]",
    help: [
      IP,
      "Build a prefix list",
      "Name of a prefix list",
      "sequence number of an entry",
      "Sequence number",
      "Specify packets to forward",
      "Specify packets to reject",
      "IP prefix <network>/<length>, e.g., 35.0.0.0/8",
      "Minimum prefix length to be matched",
      "Minimum prefix length",
      "Maximum prefix length to be matched",
      "Maximum prefix length",
    ],
    order: TOP.ipPrefixList,
    apply: (m, a) => {
      const len = a.prefix.len;
      const ge = a.ge;
      const le = a.le;
      // IOS: len < ge <= le <= 32.
      if ((ge !== undefined && ge <= len) || (le !== undefined && (le < len || (ge !== undefined && le < ge)))) {
        return { error: `% Invalid prefix range for ${formatPrefix(a.prefix)}, make sure: len < ge-value <= le-value` };
      }
      const lists = (m.prefixLists ??= {});
      const list = (lists[a.name] ??= []);
      const seq = a.seq ?? (list.length === 0 ? 5 : Math.floor(Math.max(...list.map((e) => e.seq)) / 5) * 5 + 5);
      const entry: PrefixListEntry = { seq, action: a.action, prefix: { addr: ((a.prefix.addr & maskOf(len)) >>> 0) as PrefixListEntry["prefix"]["addr"], len }, ...(ge !== undefined ? { ge } : {}), ...(le !== undefined ? { le } : {}) };
      const next = list.filter((e) => e.seq !== seq);
      next.push(entry);
      next.sort((x, y) => x.seq - y.seq);
      lists[a.name] = next;
    },
    no: {
      syntax: "ip prefix-list WORD$name [seq <1-4294967294>$seq] [(permit|deny)$action A.B.C.D/M$prefix [ge <1-32>$ge] [le <1-32>$le]]",
      apply: (m, a) => {
        const lists = m.prefixLists;
        if (!lists?.[a.name]) return;
        const p = a.prefix;
        if (a.seq === undefined && p === undefined) {
          delete lists[a.name];
        } else {
          lists[a.name] = lists[a.name].filter((e) => !((a.seq === undefined || e.seq === a.seq) && (p === undefined || (e.prefix.addr === ((p.addr & maskOf(p.len)) >>> 0) && e.prefix.len === p.len))));
          if (lists[a.name].length === 0) delete lists[a.name];
        }
        if (Object.keys(lists).length === 0) delete m.prefixLists;
      },
    },
    render: (m) =>
      Object.entries(m.prefixLists ?? {}).flatMap(([name, list]) =>
        list.map((e) => {
          const args: ArgRecord = { name, seq: e.seq, action: e.action, prefix: e.prefix, ...(e.ge !== undefined ? { ge: e.ge } : {}), ...(e.le !== undefined ? { le: e.le } : {}) };
          return { args, sort: [name, e.seq] };
        }),
      ),
  }),
];
