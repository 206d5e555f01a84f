// Cisco Discovery Protocol's configuration: the global `cdp run`, `cdp timer`, `cdp holdtime`
// and `cdp advertise-v2`, and the interface's `cdp enable`. Running-config shows what differs
// from IOS's defaults: `no cdp enable`, `no cdp advertise-v2`, `cdp timer 30`, and `cdp run`
// or `no cdp run` as typed (the default depends on the platform, which the model does not
// know: classic IOS runs CDP, IOS XE's virtual routers do not).

import { command, type ConfigCommand } from "../command";
import type { CdpConfig, RouterConfig } from "../model/router";
import { flag } from "./flag";
import { iface, IF_MODES } from "./interface";
import { setting } from "./setting";

const CDP = "Global CDP configuration subcommands";

function cdp(m: RouterConfig): CdpConfig {
  return (m.cdp ??= {});
}

/** Drops the block once nothing in it differs from the defaults. */
function tidy(m: RouterConfig): void {
  if (m.cdp !== undefined && Object.keys(m.cdp).length === 0) delete m.cdp;
}

export const cdpCommands: readonly ConfigCommand[] = [
  command({
    id: "cdp.run",
    mode: "config",
    syntax: "cdp run",
    help: [CDP, "Enable CDP"],
    order: 1252,
    apply: (m) => {
      cdp(m).run = true;
    },
    no: {
      apply: (m) => {
        cdp(m).run = false;
      },
    },
    render: (m) => (m.cdp?.run === undefined ? [] : [{ args: {}, no: !m.cdp.run }]),
  }),
  setting({
    id: "cdp.timer",
    mode: "config",
    syntax: "cdp timer <5-254>$seconds",
    noSyntax: "cdp timer [<5-254>$seconds]",
    help: [CDP, "Specify the rate at which CDP packets are sent (in sec)", "Rate at which CDP packets are sent (in  sec)"],
    order: 1252.001,
    at: cdp,
    peek: (m) => m.cdp,
    field: "timerSec",
    arg: "seconds",
  }),
  setting({
    id: "cdp.holdtime",
    mode: "config",
    syntax: "cdp holdtime <10-255>$seconds",
    noSyntax: "cdp holdtime [<10-255>$seconds]",
    help: [CDP, "Specify the holdtime (in sec) to be sent in packets", "Length  of time  (in sec) that receiver must keep this packet"],
    order: 1252.002,
    at: cdp,
    peek: (m) => m.cdp,
    field: "holdtimeSec",
    arg: "seconds",
  }),
  flag({
    id: "cdp.advertise-v2",
    mode: "config",
    syntax: "cdp advertise-v2",
    help: [CDP, "CDP sends version-2 advertisements"],
    order: 1252.003,
    defaultOn: true,
    get: (m) => m.cdp?.advertiseV2 !== false,
    set: (m, _c, on) => {
      if (on) {
        if (m.cdp) delete m.cdp.advertiseV2;
        tidy(m);
      } else cdp(m).advertiseV2 = false;
    },
  }),
  flag({
    id: "interface.cdp-enable",
    mode: IF_MODES,
    syntax: "cdp enable",
    help: ["CDP interface subcommands", "Enable CDP on interface"],
    order: 77,
    defaultOn: true,
    get: (m, c) => iface(m, c).cdpEnable !== false,
    set: (m, c, on) => {
      const i = iface(m, c);
      if (on) delete i.cdpEnable;
      else i.cdpEnable = false;
    },
  }),
];
