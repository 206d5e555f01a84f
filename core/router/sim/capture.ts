// Captures on a simulated router's Tunnel and Virtual-Access interfaces, as the agent's
// capture.start gives them on a running router: each payload in clear behind a Linux cooked
// header for a GRE device. A Virtual-Access that does not exist yet is tapped when it is
// cloned (and again if it is cloned anew under the same name). Ports are tapped where the
// harness builds them (SimTopology.port); `flexlab sim --capture` uses both.
import type { Nic } from "../io/nic";
import { TapNic } from "../io/tap";
import { TunnelInterface } from "../net/tunnel";
import { buildGreDeviceSll } from "../wire/sll";
import type { SimNode } from "./harness";

/** Whether `name` can be a tunnel interface that appears later. */
const TUNNEL_NAME = /^(Tunnel|Virtual-Access)\d+$/;

/** Taps tunnel `name` on `node`, now or when it appears; false when `name` is another kind of interface. */
export function tapTunnel(node: SimNode, name: string, onFrame: (frame: Uint8Array) => void): boolean {
  const stack = node.router.stack;
  const existing = stack.interface(name);
  if (existing === undefined ? !TUNNEL_NAME.test(name) : !(existing instanceof TunnelInterface)) return false;
  const attach = (iface: TunnelInterface): void => {
    iface.addTap((payload, protocol, direction) => onFrame(buildGreDeviceSll(payload, protocol, direction === "tx")));
  };
  if (existing instanceof TunnelInterface) attach(existing);
  stack.onInterfaceChange(({ interface: iface, change }) => {
    if (change === "added" && iface.name === name && iface instanceof TunnelInterface) attach(iface);
  });
  return true;
}

/** `nic` with every frame it receives and sends also handed to `onFrame` (for SimTopology.port). */
export function tappedPort(nic: Nic, onFrame: (frame: Uint8Array) => void): Nic {
  const tap = new TapNic(nic);
  tap.addTap((frame) => onFrame(frame));
  return tap;
}
