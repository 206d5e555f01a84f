// The session-level exec commands of IKEv2: `show crypto session [detail] [remote A]`, `show
// crypto ikev2 session [detailed]`, `show crypto ikev2 profile [NAME]` and `clear crypto
// session [remote A]`. The subsystem passes how to reach its instance on a router.

import { BOTH, subsystemExec, type SubsystemExecCommand, type SubsystemHost, type TableEntry } from "../node/subsystem";
import { formatIpv4 } from "../wire/addr";
import type { IkeEngine } from "./engine";
import { formatIkev2Profiles } from "./show-profile";
import { formatIkev2Session, ikev2SaRows } from "./show";

/** What these commands need of the subsystem's instance. */
export interface SessionOwner {
  readonly engine: IkeEngine;
  /** The inside VRF of a session's interface, undefined for the global table. */
  ivrfOf(interfaceName: string | undefined): string | undefined;
}

export function sessionCommands(ikev2: (router: SubsystemHost) => SessionOwner, sessions: TableEntry<"crypto-session", SubsystemHost>): SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.crypto.session",
      mode: BOTH,
      syntax: "show crypto session [detail$detail] [remote A.B.C.D$remote]",
      help: ["Show running system information", "Encryption module", "Show crypto sessions (tunnels)", "Crypto session detail information", "Show crypto session with the remote peer", "IP address of the remote peer"],
      pipe: true,
      run: ({ router, args, print }) => {
        const remote = args.optIp("remote");
        const tableArgs = { detail: args.has("detail"), ...(remote !== undefined ? { name: formatIpv4(remote) } : {}) };
        print(sessions.format(sessions.rows(router, tableArgs), tableArgs));
      },
    }),
    subsystemExec({
      id: "show.crypto.ikev2.session",
      mode: BOTH,
      syntax: "show crypto ikev2 session [detailed$detailed]",
      help: ["Show running system information", "Encryption module", "Shows ikev2 info", "Shows ikev2 active sessions", "detailed output"],
      pipe: true,
      run: ({ router, args, print }) => {
        const engine = ikev2(router).engine;
        const live = engine.sas().filter((s) => !s.superseded && s.state !== "dead");
        print(formatIkev2Session(ikev2SaRows(live, router.clock.now(), (sa) => ikev2(router).ivrfOf(sa.interfaceName)), args.has("detailed")));
      },
    }),
    subsystemExec({
      id: "show.crypto.ikev2.profile",
      mode: BOTH,
      syntax: "show crypto ikev2 profile [WORD$name]",
      help: ["Show running system information", "Encryption module", "Shows ikev2 info", "Shows ikev2 profiles", "Profile name"],
      pipe: true,
      run: ({ router, args, print }) => {
        const name = args.optStr("name");
        const all = Object.values(router.running.crypto.ikev2.profiles);
        const profiles = name === undefined ? all : all.filter((p) => p.name === name);
        const sas = ikev2(router).engine.sas();
        print(formatIkev2Profiles(profiles, (n) => sas.filter((s) => s.profile === n && s.state !== "dead" && !s.superseded).length));
      },
    }),
    subsystemExec({
      id: "clear.crypto.session",
      mode: BOTH,
      syntax: "clear crypto session [remote A.B.C.D$remote]",
      help: ["Reset functions", "Encryption module", "Clear crypto sessions (tunnels)", "Clear crypto session with the remote peer", "IP address of the remote peer"],
      // IOS deletes the IKE SA and its IPsec SAs, telling the peer; an initiator reconnects.
      run: ({ router, args }) => {
        const remote = args.optIp("remote");
        const engine = ikev2(router).engine;
        for (const sa of engine.sas()) if (remote === undefined || sa.remote.address === remote) engine.delete(sa, "Cleared by the operator");
      },
    }),
  ];
}
