// Console and terminal lines, control-plane, and the login-related global commands IOS
// configs carry (enable secret, username, banners, logging, ssh). A lab router's console is
// a telnet port with no line settings: all of these are inert, kept and rendered back.

import { command, type ConfigCommand, type CtxOf, type RenderItem } from "../command";
import type { LineConfig, RouterConfig } from "../model/router";
import { parseBanner } from "./banner";
import { TOP } from "./order";
import { stored } from "./stored";

const LINE_INERT = "a lab console has no line settings";
const LOGIN_INERT = "no login on FlexLab consoles";

function lineKey(kind: string, first: number, last: number | undefined): string {
  return last === undefined ? `${kind} ${first}` : `${kind} ${first} ${last}`;
}

function line(m: RouterConfig, c: CtxOf<"line">): LineConfig {
  const l = m.lines[c.line];
  if (!l) throw new Error(`line ${c.line} vanished`);
  return l;
}

const KIND_RANK: Record<LineConfig["kind"], number> = { con: 0, aux: 1, vty: 2 };

interface LineSettingSpec {
  readonly id: string;
  readonly syntax: string;
  readonly help: readonly string[];
  readonly order: number;
  readonly noSyntax?: string;
}

/** A line-mode setting stored as its arguments; `no` stores the negated line. */
function lineSetting(spec: LineSettingSpec): ConfigCommand {
  return command({
    id: spec.id,
    mode: "line",
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    inert: LINE_INERT,
    family: "terminal lines",
    apply: (m, a, c) => {
      line(m, c).settings[spec.id] = { command: spec.id, no: false, args: a };
    },
    no: {
      syntax: spec.noSyntax,
      apply: (m, a, c) => {
        line(m, c).settings[spec.id] = { command: spec.id, no: true, args: a };
      },
    },
    render: (m, c) => {
      const s = line(m, c).settings[spec.id];
      return s ? [{ args: s.args, no: s.no }] : [];
    },
  });
}

/** `banner motd|login|exec|incoming c text c`, over several lines when the delimiter is not on the first. */
function banner(m: RouterConfig, a: { readonly kind: string; readonly text: string }) {
  const kind = a.kind;
  const b = parseBanner(a.text);
  const key = `banner:${kind}`;
  let text = b.text;
  const save = () => {
    m.misc[key] = { command: "banner", no: false, args: { kind, text } };
  };
  save();
  if (b.closed) return;
  return {
    collect: (next: string) => {
      const end = next.indexOf(b.delimiter);
      text = `${text}\n${end < 0 ? next : next.slice(0, end)}`;
      save();
      return end >= 0;
    },
  };
}

export const lineCommands: readonly ConfigCommand[] = [
  stored({
    id: "service.password-encryption",
    syntax: "service password-encryption",
    help: ["Modify use of network based services", "Encrypt system passwords"],
    order: TOP.servicePasswordEncryption,
    inert: "passwords are kept as typed",
  }),
  stored({
    id: "logging",
    syntax: "logging (buffered|console|monitor)$where [<4096-2147483647>$size] [(emergencies|alerts|critical|errors|warnings|notifications|informational|debugging)$level]",
    help: [
      "Modify message logging facilities",
      "Set buffered logging parameters",
      "Set console logging parameters",
      "Set terminal line (monitor) logging parameters",
      "Logging buffer size",
      "Immediate action needed           (severity=0)",
      "Immediate action needed           (severity=1)",
      "Critical conditions               (severity=2)",
      "Error conditions                  (severity=3)",
      "Warning conditions                (severity=4)",
      "Normal but significant conditions (severity=5)",
      "Informational messages            (severity=6)",
      "Debugging messages                (severity=7)",
    ],
    noSyntax: "logging (buffered|console|monitor)$where",
    slot: (a) => a.where,
    order: TOP.logging,
    inert: "log messages go to the lab's event stream",
  }),
  stored({
    id: "enable",
    syntax: "enable (secret|password)$kind LINE$value",
    help: ["Modify enable password parameters", "Assign the privileged level secret", "Assign the privileged level password", "The password"],
    noSyntax: "enable (secret|password)$kind [LINE$value]",
    no: "remove",
    slot: (a) => a.kind,
    order: TOP.enable,
    inert: LOGIN_INERT,
  }),
  stored({
    id: "username",
    syntax: "username WORD$name LINE$rest",
    help: ["Establish User Name Authentication", "User name", "privilege, secret or password"],
    noSyntax: "username WORD$name [LINE$rest]",
    no: "remove",
    slot: (a) => a.name,
    order: TOP.username,
    inert: LOGIN_INERT,
  }),
  stored({
    id: "ip.ssh.version",
    syntax: "ip ssh version <1-2>$version",
    help: ["Global IP configuration subcommands", "Configure ssh options", "Specify protocol version supported", "Protocol version"],
    noSyntax: "ip ssh version [<1-2>$version]",
    no: "remove",
    order: TOP.ipSsh,
    inert: "consoles are telnet; there is no SSH server",
  }),
  stored({
    id: "control-plane",
    syntax: "control-plane",
    help: ["Configure control plane services"],
    order: TOP.controlPlane,
    enters: "control-plane",
    no: "remove",
    inert: "no control-plane policing in a lab",
  }),
  command({
    id: "banner",
    mode: "config",
    syntax: "banner (motd|login|exec|incoming)$kind LINE$text",
    help: ["Define a login banner", "Set Message of the Day banner", "Set login banner", "Set EXEC process creation banner", "Set incoming terminal line banner", "c banner-text c, where 'c' is a delimiting character"],
    order: TOP.banner,
    inert: "consoles print no banner",
    family: "system",
    apply: (m, a) => banner(m, a),
    no: {
      syntax: "banner (motd|login|exec|incoming)$kind [LINE$text]",
      apply: (m, a) => {
        delete m.misc[`banner:${a.kind}`];
      },
    },
    render: (m) =>
      Object.values(m.misc)
        .filter((s) => s.command === "banner")
        .map((s): RenderItem => ({ args: { kind: s.args.kind, text: `^C${String(s.args.text)}^C` }, sort: [String(s.args.kind)] })),
  }),
  command({
    id: "line",
    mode: "config",
    syntax: "line (con|console|aux|vty)$kind <0-1869>$first [<1-1869>$last]",
    help: ["Configure a terminal line", "Primary terminal line", "Primary terminal line", "Auxiliary line", "Virtual terminal", "First Line number", "Last Line number"],
    order: TOP.line,
    enters: "line",
    inert: LINE_INERT,
    family: "terminal lines",
    apply: (m, a) => {
      const kind = (a.kind === "console" ? "con" : a.kind) as LineConfig["kind"];
      const first = a.first;
      const last = a.last;
      const key = lineKey(kind, first, last);
      m.lines[key] ??= last === undefined ? { kind, first, settings: {} } : { kind, first, last, settings: {} };
      return { ctx: { line: key } };
    },
    no: {
      apply: (m, a) => {
        const kind = a.kind === "console" ? "con" : a.kind;
        delete m.lines[lineKey(kind, a.first, a.last)];
      },
    },
    render: (m) =>
      Object.entries(m.lines).map(([key, l]) => ({
        args: { kind: l.kind, first: l.first, last: l.last },
        child: { line: key },
        sort: [KIND_RANK[l.kind], l.first],
      })),
  }),
  lineSetting({ id: "line.exec-timeout", syntax: "exec-timeout <0-35791>$minutes [<0-2147483>$seconds]", noSyntax: "exec-timeout", help: ["Set the EXEC timeout", "Timeout in minutes", "Timeout in seconds"], order: 10 }),
  lineSetting({ id: "line.privilege", syntax: "privilege level <0-15>$level", noSyntax: "privilege level [<0-15>$level]", help: ["Change privilege level for line", "Assign default privilege level for line", "Default privilege level for line"], order: 20 }),
  lineSetting({ id: "line.password", syntax: "password LINE$value", noSyntax: "password [LINE$value]", help: ["Set a password", "The password"], order: 30 }),
  lineSetting({ id: "line.logging-synchronous", syntax: "logging synchronous", help: ["Modify message logging facilities", "Synchronized message output"], order: 40 }),
  lineSetting({ id: "line.login", syntax: "login [local$local]", help: ["Enable password checking", "Local password checking"], order: 50 }),
  lineSetting({
    id: "line.transport-input",
    syntax: "transport input (all|none|ssh|telnet)$protocols...",
    noSyntax: "transport input [(all|none|ssh|telnet)$protocols...]",
    help: ["Define transport protocols for line", "Define which protocols to use when connecting to the terminal server", "All protocols", "No protocols", "TCP/IP SSH protocol", "TCP/IP Telnet protocol"],
    order: 60,
  }),
  lineSetting({ id: "line.stopbits", syntax: "stopbits <1-2>$bits", noSyntax: "stopbits [<1-2>$bits]", help: ["Set async line stop bits", "Number of stop bits"], order: 70 }),
];
