// `debug …`, `undebug all` / `no debug all` and `show debugging`. Debug output is delivered
// as log lines, so it reaches the console (and vty sessions with `terminal monitor`).
import type { DebugFlag } from "../../node/debug";
import { BOTH, exec, PRIV, type ExecCommand } from "../exec-command";

/** What each debug flag reports, in `show debugging`'s words. */
export const DEBUG_FLAGS: Readonly<Record<DebugFlag, string>> = {
  "ip icmp": "ICMP packet debugging is on",
  "ip routing": "IP routing debugging is on",
};

export const debugCommands: readonly ExecCommand[] = [
  exec({
    id: "debug",
    mode: PRIV,
    syntax: "debug ip (icmp|routing)$what",
    help: ["Debugging functions (see also 'undebug')", "IP information", "ICMP transactions", "Routing table events"],
    run: ({ router, args, print }) => {
      const flag: DebugFlag = args.str("what") === "icmp" ? "ip icmp" : "ip routing";
      router.debug.enable(flag);
      print(DEBUG_FLAGS[flag]);
    },
  }),
  exec({
    id: "undebug.all",
    mode: PRIV,
    syntax: "undebug all",
    help: ["Disable debugging functions (see also 'debug')", "Disable all debugging"],
    run: ({ router, print }) => {
      router.debug.disableAll();
      print("All possible debugging has been turned off");
    },
  }),
  exec({
    id: "no.debug.all",
    mode: PRIV,
    syntax: "no debug all",
    help: ["Negate a command or set its defaults", "Debugging functions (see also 'undebug')", "Enable all debugging"],
    run: ({ router, print }) => {
      router.debug.disableAll();
      print("All possible debugging has been turned off");
    },
  }),
  exec({
    id: "show.debugging",
    mode: BOTH,
    syntax: "show debugging",
    help: ["Show running system information", "State of each debugging option"],
    run: ({ router, print }) => {
      const on = router.debug.enabledFlags();
      if (on.length === 0) return;
      print("IP:");
      for (const flag of on) print(`  ${DEBUG_FLAGS[flag]}`);
    },
  }),
];
