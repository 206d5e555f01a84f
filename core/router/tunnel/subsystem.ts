// Tunnels' subsystem: the `tunnel …` lines of an `interface TunnelN` block applied to the
// TunnelInterface (net/tunnel.ts), and the drop reasons GRE and tunnels count. The interface
// itself is the core's (net/ makes it when the config names it); what rides it is this
// subsystem's, as IPsec protection and NHRP will be theirs.
import type { InterfaceConfig } from "../config/model/interface";
import { TUNNEL_DROP_REASONS, TunnelInterface } from "../net/tunnel";
import type { Interface } from "../net/interface";
import type { Subsystem, SubsystemHost, SubsystemInstance } from "../node/subsystem";

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

class TunnelsInstance implements SubsystemInstance {
  constructor(private readonly router: SubsystemHost) {}

  reconcileInterface(iface: Interface, before: InterfaceConfig | undefined, c: InterfaceConfig): void {
    if (!(iface instanceof TunnelInterface)) return;
    if (before !== undefined && same(before.tunnel, c.tunnel)) return;
    const t = c.tunnel;
    const mode = t?.mode ?? "gre-ip";
    iface.setMode(mode);
    iface.setKey(t?.key);
    iface.setDestination(t?.destination);
    const src = t?.source;
    if (src === undefined) iface.setSource(undefined);
    else if (src.kind === "address") iface.setSource({ address: src.address });
    else {
      const via = this.router.stack.interface(src.interface) ?? this.router.ensurePort(src.interface);
      iface.setSource(via ? { interface: via } : undefined);
      if (!via) this.router.warn(`% ${src.interface} does not exist: ${c.name} has no tunnel source`);
    }
  }
}

export const tunnelSubsystem: Subsystem<TunnelsInstance> = {
  name: "tunnels",
  attach: (router) => new TunnelsInstance(router),
  dropReasons: TUNNEL_DROP_REASONS,
};
