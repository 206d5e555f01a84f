// `debug …`, `undebug all` / `no debug all` and `show debugging`. One `debug` command per flag
// the core and the subsystems declare (node/subsystems.ts), so a protocol's flags need no
// edit here. Debug output is delivered as log lines, so it reaches the console (and vty
// sessions with `terminal monitor`).
import type { DebugFlagSpec } from "../../node/subsystem";
import { debugFlags } from "../../node/subsystems";
import { BOTH, exec, PRIV, type ExecCommand } from "../exec-command";

export function debugCommands(flags: readonly DebugFlagSpec[] = debugFlags()): ExecCommand[] {
  const byFlag = new Map(flags.map((f) => [f.flag, f]));
  return [
    ...flags.map((f) =>
      exec({
        id: `debug.${f.flag.replace(/ /g, ".")}`,
        mode: PRIV,
        syntax: `debug ${f.flag}`,
        help: ["Debugging functions (see also 'undebug')", ...f.help],
        run: ({ router, print }) => {
          router.debug.enable(f.flag);
          print(f.description);
        },
      }),
    ),
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
        // IOS groups the flags that are on under their protocol's heading.
        const sections = new Map<string, string[]>();
        for (const flag of router.debug.enabledFlags()) {
          const spec = byFlag.get(flag);
          if (!spec) continue;
          const lines = sections.get(spec.heading) ?? [];
          lines.push(`  ${spec.description}`);
          sections.set(spec.heading, lines);
        }
        for (const [heading, lines] of sections) {
          print(`${heading}:`);
          for (const line of lines) print(line);
        }
      },
    }),
  ];
}
