// The exec commands that show what IKEv2 negotiates from: `show crypto ikev2 proposal [NAME]`,
// `show crypto ikev2 policy [NAME]`, `show crypto ipsec transform-set [NAME]`, `show crypto
// ipsec profile [NAME]`, and `show ip local pool [NAME]` (the pools IKEv2 leases client
// addresses from). The subsystem passes how to reach its instance on a router.

import { BOTH, subsystemExec, type SubsystemExecCommand, type SubsystemHost } from "../node/subsystem";
import { formatIpsecProfiles, formatTransformSets } from "./show-ipsec-profile";
import { formatIkev2Policies, formatIkev2Proposals, ikev2ProposalRows } from "./show-policy";
import type { Ipv4 } from "../wire/addr";
import { formatLocalPoolDetail, formatLocalPools, localPoolRows, type PoolLease } from "./show-pool";

/** What these commands need of the subsystem's instance. */
export interface PoolOwner {
  /** The addresses leased from `pool` now, each with its session's interface. */
  poolLeases(pool: string): PoolLease[];
}

const SHOW = "Show running system information";
const CRYPTO = "Encryption module";

export function cryptoConfigCommands(ikev2: (router: SubsystemHost) => PoolOwner): SubsystemExecCommand[] {
  return [
    subsystemExec({
      id: "show.crypto.ikev2.proposal",
      mode: BOTH,
      syntax: "show crypto ikev2 proposal [WORD$name]",
      help: [SHOW, CRYPTO, "Shows ikev2 info", "Shows ikev2 proposals", "Proposal name"],
      pipe: true,
      run: ({ router, args, print }) => {
        print(formatIkev2Proposals(ikev2ProposalRows(Object.values(router.running.crypto.ikev2.proposals), args.optStr("name"))));
      },
    }),
    subsystemExec({
      id: "show.crypto.ikev2.policy",
      mode: BOTH,
      syntax: "show crypto ikev2 policy [WORD$name]",
      help: [SHOW, CRYPTO, "Shows ikev2 info", "Shows ikev2 policies", "Policy name"],
      pipe: true,
      run: ({ router, args, print }) => {
        print(formatIkev2Policies(Object.values(router.running.crypto.ikev2.policies), args.optStr("name")));
      },
    }),
    subsystemExec({
      id: "show.crypto.ipsec.transform-set",
      mode: BOTH,
      syntax: "show crypto ipsec transform-set [WORD$name]",
      help: [SHOW, CRYPTO, "Show IPSEC info", "Crypto transform sets", "Transform set name"],
      pipe: true,
      run: ({ router, args, print }) => print(formatTransformSets(router.running.crypto.ipsec.transformSets, args.optStr("name"))),
    }),
    subsystemExec({
      id: "show.crypto.ipsec.profile",
      mode: BOTH,
      syntax: "show crypto ipsec profile [WORD$name]",
      help: [SHOW, CRYPTO, "Show IPSEC info", "Show ipsec profile information", "ipsec profile name"],
      pipe: true,
      run: ({ router, args, print }) => print(formatIpsecProfiles(router.running.crypto.ipsec, router.running.crypto.ikev2.profiles["default"] !== undefined, args.optStr("name"))),
    }),
    subsystemExec({
      id: "show.ip.local.pool",
      mode: BOTH,
      syntax: "show ip local pool [WORD$name]",
      help: [SHOW, "IP information", "IP local options", "IP Local Address pool statistics", "Pool name"],
      pipe: true,
      run: ({ router, args, print }) => {
        const name = args.optStr("name");
        const owner = ikev2(router);
        const leased = (pool: string): ReadonlySet<Ipv4> => new Set(owner.poolLeases(pool).map((l) => l.address));
        const all = Object.values(router.running.localPools);
        if (name === undefined) {
          print(formatLocalPools(localPoolRows(all, leased)));
          return;
        }
        const pool = router.running.localPools[name];
        if (!pool) return;
        print(formatLocalPoolDetail(pool, localPoolRows([pool], leased), owner.poolLeases(name)));
      },
    }),
  ];
}
