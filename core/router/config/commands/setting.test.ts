import { describe, expect, it } from "vitest";
import type { ConfigCommand } from "../command";
import { Grammar } from "../grammar/engine";
import { renderInterface } from "../render";
import { ConfigSession } from "../session";
import { configCommands } from "./index";
import { iface } from "./interface";
import { setting } from "./setting";

describe("setting(): one model field bound to apply, no and render", () => {
  it("sets the field from the argument, renders it while set, and no deletes it", () => {
    const s = new ConfigSession();
    const run = (line: string) => expect(s.execute(line).error).toBeUndefined();
    run("interface Tunnel1");
    run("ip mtu 1400");
    run("tunnel key 55");
    run("description to the hub");
    const tu = s.model.interfaces.Tunnel1;
    expect([tu.ipMtu, tu.tunnel?.key, tu.description]).toEqual([1400, 55, "to the hub"]);
    expect(renderInterface(s.model, "Tunnel1")).toBe("interface Tunnel1\n description to the hub\n no ip address\n ip mtu 1400\n tunnel key 55\n");
    run("no ip mtu");
    run("no tunnel key 55");
    run("no description");
    expect([tu.ipMtu, tu.tunnel?.key, tu.description]).toEqual([undefined, undefined, undefined]);
    expect(renderInterface(s.model, "Tunnel1")).toBe("interface Tunnel1\n no ip address\n");
  });

  it("refuses a value its check refuses, leaving the field as it was", () => {
    const s = new ConfigSession();
    s.execute("interface Loopback0");
    s.execute("description short");
    expect(s.execute(`description ${"x".repeat(241)}`).error?.message).toBe("% Description is longer than 240 characters.");
    expect(s.model.interfaces.Loopback0.description).toBe("short");
  });

  it("does not compile when the argument does not fit the field, the field is required, or either does not exist", () => {
    // Each directive must meet an error, or tsc fails on the unused directive.
    const declared: ConfigCommand[] = [
      // @ts-expect-error text does not fit the numeric ipMtu
      setting({ id: "t.1", mode: "config-if", syntax: "probe WORD$v", help: ["p", "v"], order: 1, at: iface, field: "ipMtu", arg: "v" }),
      // @ts-expect-error shutdown is not optional: `no` could not delete it
      setting({ id: "t.2", mode: "config-if", syntax: "probe <0-1>$v", help: ["p", "v"], order: 1, at: iface, field: "shutdown", arg: "v" }),
      // @ts-expect-error the syntax binds `v`, not `w`
      setting({ id: "t.3", mode: "config-if", syntax: "probe <68-9000>$v", help: ["p", "v"], order: 1, at: iface, field: "ipMtu", arg: "w" }),
      // @ts-expect-error interfaces have no `mtuBytes` field
      setting({ id: "t.4", mode: "config-if", syntax: "probe <68-9000>$v", help: ["p", "v"], order: 1, at: iface, field: "mtuBytes", arg: "v" }),
    ];
    // The same shapes that do fit are real commands a grammar takes.
    const ok = setting({ id: "t.ok", mode: "config-if", syntax: "probe <68-9000>$v", help: ["p", "v"], order: 1, at: iface, field: "ipMtu", arg: "v" });
    const s = new ConfigSession(undefined, new Grammar<ConfigCommand>([...configCommands, ok]));
    s.execute("interface Loopback1");
    expect(s.execute("probe 1500").error).toBeUndefined();
    expect(s.model.interfaces.Loopback1.ipMtu).toBe(1500);
    expect(declared).toHaveLength(4);
  });
});
