// Moving between modes and setting up the terminal: enable, disable, configure terminal,
// exit/logout, `do`, terminal length / monitor.
import { MODES } from "../../config/modes";
import { BOTH, exec, PRIV, type ExecCommand } from "../exec-command";

const CONFIG_MODES = MODES.filter((m) => m.parent !== undefined).map((m) => m.id);

export const sessionCommands: readonly ExecCommand[] = [
  exec({
    id: "enable",
    mode: BOTH,
    syntax: "enable",
    help: ["Turn on privileged commands"],
    run: ({ shell }) => shell.setPrivileged(true),
  }),
  exec({
    id: "disable",
    mode: PRIV,
    syntax: "disable",
    help: ["Turn off privileged commands"],
    run: ({ shell }) => shell.setPrivileged(false),
  }),
  exec({
    id: "configure",
    mode: PRIV,
    syntax: "configure [terminal$terminal]",
    help: ["Enter configuration mode", "Configure from the terminal"],
    run: async ({ shell, args, print }) => {
      if (!args.has("terminal")) {
        // IOS asks where from; any abbreviation of terminal (or nothing) is the terminal.
        const answer = (await shell.ask("Configuring from terminal, memory, or network [terminal]? ")).trim().toLowerCase();
        if (answer !== "" && !"terminal".startsWith(answer)) {
          if ("memory".startsWith(answer) || "network".startsWith(answer)) print(`% Configuring from ${"memory".startsWith(answer) ? "memory" : "network"} is not available on a FlexLab router`);
          else print('?Must be "terminal", "memory" or "network"');
          return;
        }
      }
      print("Enter configuration commands, one per line.  End with CNTL/Z.");
      shell.enterConfig();
    },
  }),
  exec({
    id: "exit",
    mode: BOTH,
    syntax: "exit",
    help: ["Exit from the EXEC"],
    run: ({ shell }) => void (shell.closed = true),
  }),
  exec({
    id: "logout",
    mode: BOTH,
    syntax: "logout",
    help: ["Exit from the EXEC"],
    run: ({ shell }) => void (shell.closed = true),
  }),
  exec({
    id: "do",
    mode: CONFIG_MODES,
    syntax: "do LINE$command",
    help: ["To run exec commands in config mode", "Exec Command"],
    run: async ({ shell, args, print, write }) => {
      await shell.runAsExec(args.str("command"), print, write);
    },
  }),
  exec({
    id: "terminal.length",
    mode: BOTH,
    syntax: "terminal length <0-512>$lines",
    help: ["Set terminal line parameters", "Set number of lines on a screen", "Number of lines on screen (0 for no pausing)"],
    run: ({ shell, args }) => void (shell.terminalLength = args.num("lines")),
  }),
  exec({
    id: "terminal.monitor",
    mode: BOTH,
    syntax: "terminal monitor",
    help: ["Set terminal line parameters", "Copy debug output to the current terminal line"],
    run: ({ shell }) => void (shell.monitor = true),
  }),
  exec({
    id: "terminal.no-monitor",
    mode: BOTH,
    syntax: "terminal no monitor",
    help: ["Set terminal line parameters", "Negate a command or set its defaults", "Copy debug output to the current terminal line"],
    run: ({ shell }) => void (shell.monitor = false),
  }),
];
