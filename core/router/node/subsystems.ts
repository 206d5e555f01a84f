// Every subsystem a Router attaches, one line each, in the order they reconcile. Adding a
// protocol is one line here; its code, commands, flags and drop reasons live in its folder.
import { bgpSubsystem } from "../bgp/subsystem";
import { cdpSubsystem } from "../cdp/subsystem";
import { ikev2Subsystem } from "../ikev2/subsystem";
import { ipsecSubsystem } from "../ipsec/subsystem";
import { registerDropReasons } from "../net/counters";
import { pkiSubsystem } from "../pki/subsystem";
import { nhrpSubsystem } from "../nhrp/subsystem";
import { mplsSubsystem } from "../routing/mpls-subsystem";
import { ipRoutingSubsystem } from "../routing/subsystem";
import { tunnelSubsystem } from "../tunnel/subsystem";
import { CORE_DEBUG_FLAGS } from "./debug";
import type { DebugFlagSpec, Subsystem, SubsystemExecCommand } from "./subsystem";

export const SUBSYSTEMS: readonly Subsystem<object>[] = [
  tunnelSubsystem,
  ipRoutingSubsystem,
  pkiSubsystem,
  mplsSubsystem,
  bgpSubsystem,
  ipsecSubsystem,
  ikev2Subsystem,
  nhrpSubsystem,
  cdpSubsystem,
];

for (const s of SUBSYSTEMS) registerDropReasons(s.dropReasons ?? []);

/** The exec and show commands the subsystems contribute to the CLI grammar. */
export function subsystemExecCommands(): SubsystemExecCommand[] {
  return SUBSYSTEMS.flatMap((s) => s.execCommands ?? []);
}

/** Every `debug` flag: the core's, then each subsystem's. */
export function debugFlags(): DebugFlagSpec[] {
  return [...CORE_DEBUG_FLAGS, ...SUBSYSTEMS.flatMap((s) => s.debugFlags ?? [])];
}
