// What `flexlab link LINK impair …|clear|down|up` does: finds the link in the running lab's
// state, asks the runtime to change it, and prints the link as it is now. Declared in
// ../commands/link.ts.
import { parseImpairWords } from "../../lab/link-impair";
import { findRunningLab, interfaceName } from "../../lab/running-lab";
import type { LinkChange, LinkState } from "../../lab/runtime/types";
import type { LabOption } from "../options";
import { fail, failWith, formatLinkTable, runningLab } from "./lab-context";

/** The link a user named: its index, or one of its endpoints as NODE:IFACE (abbreviations too). */
export function findLink(links: readonly LinkState[], text: string): LinkState | string {
  if (/^\d+$/.test(text)) {
    const link = links.find((l) => l.index === Number(text));
    return link ?? `no link ${text} (links: ${links.map((l) => l.index).join(", ") || "none"})`;
  }
  const m = /^([^:]+):(.+)$/.exec(text);
  if (!m) return `"${text}" names no link: give its position in lab.yaml (0, 1, …) or an endpoint like R1:Ethernet0/0`;
  const iface = interfaceName(m[2]);
  const link = links.find((l) => l.endpoints.some((e) => e.node === m[1] && e.iface === iface));
  return link ?? `no link has the endpoint ${m[1]}:${iface}`;
}

export async function link(target: string, action: string, values: readonly string[], options: LabOption): Promise<void> {
  let change: LinkChange;
  switch (action) {
    case "impair": {
      const parsed = parseImpairWords(values);
      if (!parsed.ok) return fail(parsed.message, 2);
      change = { impair: parsed.impairment };
      break;
    }
    case "clear":
      change = { impair: null };
      break;
    case "down":
    case "up":
      change = { carrier: action };
      break;
    default:
      return fail(`"${action}" is not a link action (impair, clear, down, up)`, 2);
  }
  if (action !== "impair" && values.length) return fail(`${action} takes no values`, 2);
  const lab = await runningLab(options);
  if (!lab) return;
  const found = findLink(lab.state.links, target);
  if (typeof found === "string") return fail(found, 2);
  if (!lab.runtime.changeLink) return fail(`the ${lab.state.runtime} runtime cannot change links while the lab runs (sim, process and docker can)`);
  try {
    await lab.runtime.changeLink(lab.state, found.index, change);
  } catch (err) {
    return failWith(err);
  }
  const after = await findRunningLab(options.lab);
  const now = after.ok ? after.value.state.links.find((l) => l.index === found.index) : undefined;
  process.stdout.write(formatLinkTable(now ? [now] : [found]));
}
