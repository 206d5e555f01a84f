import { describe, expect, it } from "vitest";
import { formatIpv4, type Ipv4 } from "../wire/addr";
import { command, type ConfigCommand } from "./command";
import { configCommands } from "./commands/index";
import { Grammar } from "./grammar/engine";
import { ConfigSession } from "./session";

/** A session over the real commands plus `extra`. */
function sessionWith(extra: ConfigCommand): ConfigSession {
  return new ConfigSession(undefined, new Grammar<ConfigCommand>([...configCommands, extra]));
}

describe("command(): handlers typed from the syntax string and the mode", () => {
  it("hands a handler the arguments its syntax binds, typed, and its mode's context", () => {
    const seen: { bytes: number; peer: Ipv4 | undefined; interface: string }[] = [];
    const probe = command({
      id: "test.probe",
      mode: "config-if",
      syntax: "probe <68-9976>$bytes [peer A.B.C.D$peer]",
      help: ["Probe", "Size", "Peer", "Peer address"],
      apply: (_m, a, c) => {
        seen.push({ bytes: a.bytes, peer: a.peer, interface: c.interface });
      },
    });
    const s = sessionWith(probe);
    for (const line of ["interface Ethernet0/1", "probe 1400 peer 10.0.0.2", "probe 68"]) expect(s.execute(line).error).toBeUndefined();
    expect(seen.map((x) => ({ ...x, peer: x.peer === undefined ? undefined : formatIpv4(x.peer) }))).toEqual([
      { bytes: 1400, peer: "10.0.0.2", interface: "Ethernet0/1" },
      { bytes: 68, peer: undefined, interface: "Ethernet0/1" },
    ]);
  });

  it("does not compile a handler that reads an argument its syntax lacks, or misuses one", () => {
    // Each directive below must meet an error, or tsc fails on the unused directive: the file
    // typechecking at all is the proof. The declarations also run, to show they are real.
    const mtu = command({
      id: "test.mtu",
      mode: "config-if",
      syntax: "ip mtu <68-9976>$bytes",
      help: ["IP", "MTU", "bytes"],
      apply: (m, a, c) => {
        // @ts-expect-error the syntax binds `bytes`, not `size`
        m.interfaces[c.interface].ipMtu = a.size;
      },
      no: {
        syntax: "ip mtu [<68-9976>$bytes]",
        apply: (m, a, c) => {
          // @ts-expect-error `bytes` is optional in the `no` form: it may be undefined
          const bytes: number = a.bytes;
          m.interfaces[c.interface].ipMtu = bytes;
        },
      },
    });
    const address = command({
      id: "test.address",
      mode: "config-if",
      syntax: "probe-address A.B.C.D$address",
      help: ["Probe", "Address"],
      apply: (m, a, c) => {
        // @ts-expect-error an address is an Ipv4, not text
        m.interfaces[c.interface].description = a.address;
        // @ts-expect-error an interface block's context has no VRF name
        m.interfaces[c.vrf].shutdown = true;
      },
    });
    const enters = command({
      id: "test.enters",
      mode: "config",
      syntax: "probe-block WORD$name",
      help: ["Probe", "Name"],
      enters: "ikev2-keyring",
      // @ts-expect-error entering a keyring hands over the keyring's name, not an interface's
      apply: (_m, a) => ({ ctx: { interface: a.name } }),
    });
    expect([mtu, address, enters].map((c) => c.id)).toEqual(["test.mtu", "test.address", "test.enters"]);
  });
});
