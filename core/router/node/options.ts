// What a Router is built from: its clock, the ports the lab linked, its identity and what the
// lab handed over at boot. Apart from router.ts so subsystems can read it without the Router.
import type { Clock } from "../clock/clock";
import type { BugReporter } from "../clock/guarded";
import type { Nic } from "../io/nic";
import type { TrustpointMaterial } from "../pki/store";
import type { PlatformName } from "../config/platform";
import type { Mac } from "../wire/addr";
import type { Subsystem } from "./subsystem";

/** Where `write memory` puts the startup-config (a file in the lab folder, for the agent). */
export interface ConfigStorage {
  readStartup(): string | undefined;
  writeStartup(text: string): Promise<void>;
  /** The node's other NVRAM files, which survive a reload as the startup-config does (a
   * certificate server's database and key pair); absent: nothing else is kept. */
  readonly nvram?: NvramFiles;
}

/** Files in a node's NVRAM by name ("CA.ser"): read when a subsystem starts, replaced whole
 * and atomically when it changes them. */
export interface NvramFiles {
  /** The file's bytes, or undefined when there is none. */
  read(name: string): Uint8Array | undefined;
  /** Replaces the file; `secret` ones (private keys) are readable by their owner only. */
  write(name: string, data: Uint8Array, secret?: boolean): Promise<void>;
}

export interface RouterOptions {
  readonly clock: Clock;
  /** Ethernet ports the lab linked, by IOS name. */
  readonly ports?: Readonly<Record<string, Nic>>;
  /** The hardware it pretends to be (IOL by default): its port names, `show version`. */
  readonly platform?: PlatformName;
  /** How many ports the platform's hardware has (its default when absent); unlinked ones are
   * up with nothing on the wire, as an IOL port with no peer. */
  readonly builtinPorts?: number;
  /** Base of the burned-in MACs (IOL style: aabb.cc00.0N00). */
  readonly macBase?: Mac;
  readonly storage?: ConfigStorage;
  /** Serial number shown by `show version` and used as a stable identity. */
  readonly serial?: string;
  /** Certificates and keys per trustpoint, from the lab PKI. */
  readonly pki?: readonly TrustpointMaterial[];
  /** Where bugs caught inside the router go (the agent's reporter); by default its log gets %SYS-3-INTERNAL. */
  readonly reportBug?: BugReporter;
  /** The subsystems to attach; every registered one (subsystems.ts) unless a test says otherwise. */
  readonly subsystems?: readonly Subsystem<object>[];
}
