// show version, show clock, show running-config, show startup-config, show history,
// show logging; write memory and copy running-config startup-config.
import { portHardware } from "../../config/platform";
import { renderInterface } from "../../config/render";
import type { Router } from "../../node/router";
import { configChangeTime, showClock, uptimeText } from "../../node/time";
import { BOTH, exec, PRIV, type ExecCommand, type ExecContext } from "../exec-command";

const SHOW = "Show running system information";
const NVRAM_BYTES = 262144;

function runningConfigBody(ctx: ExecContext): string {
  const r = ctx.router;
  const text = r.runningConfigText();
  const header = `!\n! Last configuration change at ${configChangeTime(r.lastChangeMs, r.timeZone)}\n!\n`;
  return header + text;
}

/** What IOS says after the file system's reason, for the errors a save can meet. */
const FS_ERROR_TEXT: Readonly<Record<string, string>> = {
  EACCES: "Permission denied",
  EPERM: "Permission denied",
  EROFS: "Read-only file system",
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EIO: "I/O error",
};

/**
 * IOS's words for a startup-config the storage could not write (a read-only folder, a full
 * disk), from the file system error's code; undefined for anything else, which is a bug.
 */
export function writeMemoryFailure(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== "string") return undefined;
  if (code === "ENOSPC" || code === "EDQUOT") return "% Not enough space on device (nvram:/startup-config)";
  const reason = FS_ERROR_TEXT[code];
  if (reason === undefined) return undefined;
  return `%Error ${syscall === "open" ? "opening" : "writing"} nvram:/startup-config (${reason})`;
}

async function writeMemory({ router, print }: ExecContext): Promise<void> {
  print("Building configuration...");
  let ok: boolean;
  try {
    ok = await router.writeStartup();
  } catch (err) {
    const failure = writeMemoryFailure(err);
    if (failure === undefined) throw err;
    print(failure);
    return;
  }
  print(ok ? "[OK]" : "%% Non-volatile configuration memory is not present");
}

/** IOS's first lines for the platform (parsers read the release from them), then the line
 * saying what this really is, then the hardware the node pretends to have. */
function showVersion(router: Router): string {
  const p = router.platform;
  // One count line per port type, in the order the ports come: "4 Gigabit Ethernet interfaces".
  const counts = new Map<string, number>();
  for (const i of router.stack.interfaces()) {
    if (i.kind !== "ethernet") continue;
    const noun = portHardware(p, i.name).countNoun;
    counts.set(noun, (counts.get(noun) ?? 0) + 1);
  }
  return [
    ...p.versionBanner,
    "",
    `ROM: ${p.rom}`,
    "",
    `${router.hostname} uptime is ${uptimeText(router.clock.now() - router.bootTimeMs)}`,
    "System returned to ROM by power-on",
    `System image file is "${p.image}"`,
    "",
    `${p.processor} with 262144K/65536K bytes of memory.`,
    `Processor board ID ${router.serial}`,
    ...[...counts].map(([noun, n]) => `${n} ${noun}${n === 1 ? "" : "s"}`),
    "256K bytes of NVRAM.",
    "",
    "Configuration register is 0x2102",
  ].join("\n");
}

export const systemShowCommands: readonly ExecCommand[] = [
  exec({
    id: "show.version",
    mode: BOTH,
    syntax: "show version",
    help: [SHOW, "System hardware and software status"],
    pipe: true,
    run: ({ router, print }) => print(showVersion(router)),
  }),
  exec({
    id: "show.inventory",
    mode: BOTH,
    syntax: "show inventory",
    help: [SHOW, "Show the physical inventory"],
    pipe: true,
    run: ({ router, print }) => {
      const inv = router.platform.inventory;
      print(`NAME: "${inv.name}", DESCR: "${inv.descr}"\nPID: ${inv.pid.padEnd(18)}, VID: ${inv.vid.padEnd(4)}, SN: ${router.serial}\n`);
    },
  }),
  exec({
    id: "show.clock",
    mode: BOTH,
    syntax: "show clock",
    help: [SHOW, "Display the system clock"],
    run: ({ router, print }) => print(showClock(router.clock.now(), router.timeZone)),
  }),
  exec({
    id: "show.running-config",
    mode: PRIV,
    syntax: "show running-config",
    help: [SHOW, "Current operating configuration"],
    pipe: true,
    run: (ctx) => {
      const body = runningConfigBody(ctx);
      ctx.print(`Building configuration...\n\nCurrent configuration : ${body.length} bytes`);
      ctx.print(body.replace(/\n$/, ""));
    },
  }),
  exec({
    id: "show.running-config.interface",
    mode: PRIV,
    syntax: "show running-config interface INTERFACE$name",
    help: [SHOW, "Current operating configuration", "Show interface configuration", "Interface name"],
    pipe: true,
    run: ({ router, args, print }) => {
      const name = args.str("name");
      const block = renderInterface(router.running, name);
      if (block === undefined) {
        print(`% Interface ${name} not configured`); // not shown on IOS for real ports; we keep it honest
        return;
      }
      const body = block.endsWith("\n") ? block : block + "\n";
      print(`Building configuration...\n\nCurrent configuration : ${body.length} bytes`);
      print(body + "end");
    },
  }),
  exec({
    id: "show.startup-config",
    mode: PRIV,
    syntax: "show startup-config",
    help: [SHOW, "Contents of startup configuration"],
    pipe: true,
    run: ({ router, print }) => {
      const text = router.startupConfigText();
      if (text === undefined) {
        print("startup-config is not present");
        return;
      }
      print(`Using ${text.length} out of ${NVRAM_BYTES} bytes`);
      print(text.replace(/\n$/, ""));
    },
  }),
  exec({
    id: "show.history",
    mode: BOTH,
    syntax: "show history",
    help: [SHOW, "Display the session command history"],
    run: ({ shell, print }) => {
      for (const line of shell.history) print(`  ${line}`);
    },
  }),
  exec({
    id: "show.logging",
    mode: PRIV,
    syntax: "show logging",
    help: [SHOW, "Show the contents of logging buffers"],
    pipe: true,
    run: ({ router, print }) => {
      const lines = router.logHistory();
      print(`Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns)`);
      print(`    Console logging: level debugging, ${lines.length} messages logged`);
      print(`    Buffer logging:  level debugging, ${lines.length} messages logged`);
      print("");
      print(`Log Buffer (${500 * 80} bytes):`);
      for (const l of lines) print(router.formatLogLine(l));
    },
  }),
  exec({
    id: "write.memory",
    mode: PRIV,
    syntax: "write [memory]",
    help: ["Write running configuration to memory, network, or terminal", "Write to NV memory"],
    run: writeMemory,
  }),
  exec({
    id: "copy.run.start",
    mode: PRIV,
    syntax: "copy running-config startup-config",
    help: ["Copy from one file to another", "Copy from current system configuration", "Copy to startup configuration"],
    run: async (ctx) => {
      ctx.print("Destination filename [startup-config]? ");
      await writeMemory(ctx);
    },
  }),
];
