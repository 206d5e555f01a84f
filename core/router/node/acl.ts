// Access lists from the configuration to forwarding: each configured list compiled
// (routing/acl.ts) into the matches net/acl.ts applies (recompiled only when its entries change, so match counters
// survive unrelated commits), and each interface given the lists its `ip access-group` names.
// A name with no list behind it filters nothing, as in IOS.
import type { RouterConfig } from "../config/model/router";
import type { AccessList } from "../net/acl";
import type { NetStack } from "../net/stack";
import { compileAcl } from "../routing/acl";

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Recompiles the lists that changed and points every interface at its lists. */
export function applyAccessLists(stack: NetStack, compiled: Map<string, AccessList>, before: RouterConfig | undefined, after: RouterConfig): void {
  const was = before?.accessLists ?? {};
  const now = after.accessLists ?? {};
  for (const name of Object.keys(was)) if (!(name in now)) compiled.delete(name);
  for (const [name, l] of Object.entries(now)) if (!compiled.has(name) || !same(was[name], l)) compiled.set(name, compileAcl(l));
  for (const iface of stack.interfaces()) {
    const groups = after.interfaces[iface.name]?.accessGroup;
    iface.inputAcl = groups?.in === undefined ? undefined : compiled.get(groups.in);
    iface.outputAcl = groups?.out === undefined ? undefined : compiled.get(groups.out);
  }
}
