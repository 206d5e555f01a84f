import { describe, expect, it } from "vitest";
import { VirtualClock } from "../clock/virtual";
import { Router } from "../node/router";
import { MORE_PROMPT } from "../cli/pager";
import { ConsoleSession } from "./console-session";

const CONFIG = ["hostname R1", "interface Ethernet0/0", " ip address 10.0.12.1 255.255.255.0", " no shutdown", "end"].join("\n");

/**
 * A console on a router in virtual time, seen through a tiny terminal: IAC commands are
 * dropped, and CR, LF and backspace move the cursor, so `screen` is what the user sees.
 */
function console_() {
  const clock = new VirtualClock();
  const router = new Router({ clock });
  router.boot(CONFIG);
  clock.runDeferred();
  let ended = false;
  const lines: string[] = [""];
  let col = 0;
  const session = new ConsoleSession(router, {
    write: (bytes) => {
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === 255) {
          i += 2;
          continue;
        }
        if (b === 13) col = 0;
        else if (b === 10) {
          lines.push("");
          col = 0;
        } else if (b === 8) col = Math.max(0, col - 1);
        else if (b >= 32) {
          const row = lines.length - 1;
          const line = lines[row].padEnd(col);
          lines[row] = line.slice(0, col) + String.fromCharCode(b) + line.slice(col + 1);
          col++;
        }
      }
    },
    end: () => (ended = true),
  });
  session.start();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    clock,
    router,
    session,
    async type(text: string): Promise<void> {
      session.receive(new TextEncoder().encode(text));
      await settle();
    },
    async bytes(...b: number[]): Promise<void> {
      session.receive(Uint8Array.from(b));
      await settle();
    },
    get screen(): string {
      return lines.map((l) => l.trimEnd()).join("\n");
    },
    /** The line the cursor is on. */
    get current(): string {
      return lines[lines.length - 1].trimEnd();
    },
    get ended(): boolean {
      return ended;
    },
  };
}

describe("the telnet console", () => {
  it("waits for RETURN, then gives a user-exec prompt; enable needs no password", async () => {
    const c = console_();
    expect(c.screen).toContain("Press RETURN to get started.");
    await c.type("show version\r\n");
    expect(c.current).toBe("R1>"); // what was typed before RETURN is ignored
    await c.type("enable\r\n");
    expect(c.current).toBe("R1#");
  });

  it("closes the connection on exit", async () => {
    const c = console_();
    await c.type("\r\nexit\r\n");
    expect(c.ended).toBe(true);
  });

  it("pages long output with --More--: space for a page, Enter for a line, q to stop", async () => {
    const c = console_();
    await c.type("\r\nenable\r\nterminal length 5\r\nshow running-config\r\n");
    expect(c.current).toBe(MORE_PROMPT.trimEnd());
    const firstPage = c.screen.split("\n").slice(-5, -1);
    expect(firstPage[0]).toBe("Building configuration...");
    await c.type(" ");
    expect(c.current).toBe(MORE_PROMPT.trimEnd());
    await c.type("\r");
    expect(c.current).toBe(MORE_PROMPT.trimEnd());
    await c.type("q");
    expect(c.current).toBe("R1#"); // the --More-- erased, the prompt in its place
    expect(c.screen).not.toMatch(/^end$/m);
  });

  it("takes the page length from the client's window size (NAWS)", async () => {
    const c = console_();
    await c.bytes(255, 250, 31, 0, 80, 0, 6, 255, 240);
    await c.type("\r\nenable\r\nshow running-config\r\n");
    // Six rows: five lines of output, then --More-- on the last.
    expect(c.screen.split("\n").slice(-7)).toEqual([
      "R1#show running-config",
      "Building configuration...",
      "",
      expect.stringMatching(/^Current configuration/),
      "!",
      expect.stringMatching(/^! Last configuration change/),
      MORE_PROMPT.trimEnd(),
    ]);
  });

  it("leaves configuration mode on Ctrl-Z and shows %SYS-5-CONFIG_I under the new prompt", async () => {
    const c = console_();
    await c.type("\r\nenable\r\nconfigure terminal\r\ninterface Ethernet0/1\r\n\x1a");
    const tail = c.screen.split("\n").slice(-4);
    expect(tail[0]).toBe("R1(config-if)#^Z");
    expect(tail[1]).toBe("R1#");
    expect(tail[2]).toMatch(/: %SYS-5-CONFIG_I: Configured from console by console$/);
    expect(tail[3]).toBe("R1#");
  });

  it("runs what was typed before Ctrl-Z, then ends", async () => {
    const c = console_();
    await c.type("\r\nenable\r\nconfigure terminal\r\nhostname EDGE\x1a");
    expect(c.router.hostname).toBe("EDGE");
    expect(c.current).toBe("EDGE#");
  });

  it("prints log messages as they happen and redraws the prompt and the half-typed line", async () => {
    const c = console_();
    await c.type("\r\nenable\r\nshow ip");
    c.router.logMessage({ facility: "LINK", severity: 3, mnemonic: "UPDOWN", text: "%LINK-3-UPDOWN: Interface Ethernet0/0, changed state to down" });
    const tail = c.screen.split("\n").slice(-3);
    expect(tail[0]).toBe("R1#show ip");
    expect(tail[1]).toMatch(/: %LINK-3-UPDOWN: Interface Ethernet0\/0, changed state to down$/);
    expect(tail[2]).toBe("R1#show ip");
    await c.type(" interface brief\r\n");
    expect(c.screen).toContain("Ethernet0/0            10.0.12.1       YES NVRAM  up");
  });

  it("gives the prompt back on Ctrl-C while a command is still running", async () => {
    const c = console_();
    // Nobody answers and virtual time stands still: the ping waits for ever.
    await c.type("\r\nenable\r\nping 10.0.12.9 repeat 1000\r\n");
    expect(c.current).not.toBe("R1#");
    await c.type("\x03");
    expect(c.current).toBe("R1#");
    await c.type("show clock\r\n");
    expect(c.screen).toMatch(/R1#show clock\n\*?\d\d:\d\d:\d\d\.\d{3} UTC/);
  });

  it("keeps keys typed during a command for after it (type-ahead)", async () => {
    const c = console_();
    await c.type("\r\nenable\r\nping 10.0.12.9 repeat 1\r\nshow clock\r\n");
    expect(c.screen).not.toContain("R1#show clock");
    c.clock.advance(5_000); // the probe times out
    await c.type("");
    expect(c.screen).toContain("Success rate is 0 percent (0/1)");
    expect(c.screen).toContain("R1#show clock");
  });
});
