// Parses configuration text (a startup-config, a file under `config check`, an editor
// buffer) into the model, line by line through a ConfigSession, collecting IOS's error for
// every line that fails and a warning for every command that is inert in a lab.
//
// A file, unlike a console paste, has structure in its indentation: the lines indented under
// a rejected line are its children (the block of an `interface` IOS refused, of a `router`
// it does not know). IOS pasting them would apply those that parse to whatever mode the
// session was last in, the previous interface; a file load skips them and says so, each
// with the line of the parent that took them down. An interactive paste (the CLI's own
// ConfigSession) keeps IOS's behaviour.

import type { ConfigCommand } from "./command";
import type { ModeId } from "./grammar/engine";
import { emptyConfig, type RouterConfig } from "./model/router";
import type { InterfaceConfig } from "./model/interface";
import { flexVpnMplsIpWarning } from "./commands/kept-mpls";
import { ConfigSession } from "./session";

export interface Diagnostic {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in the line as written (indentation included). */
  readonly column: number;
  /** The IOS text, e.g. "% Invalid input detected at '^' marker.". */
  readonly message: string;
  /** For a line skipped as the child of a rejected line: that line (1-based). */
  readonly parent?: number;
}

export interface InertWarning extends Diagnostic {
  /** Id of the inert command. */
  readonly command: string;
  /** Its family, for grouping ("OSPF", "AAA/RADIUS"); "other" when it has none. */
  readonly family: string;
}

export interface ParseResult {
  readonly model: RouterConfig;
  readonly diagnostics: readonly Diagnostic[];
  /** Commands that are kept but change nothing in a lab, with the reason. */
  readonly warnings: readonly InertWarning[];
  /** Informational output of commands (e.g. the VRF message), by line. */
  readonly notes: readonly Diagnostic[];
  /** The mode each line was read in (for editors placing completion). */
  readonly modes: readonly ModeId[];
}

export interface ParseOptions {
  /** Configuration to apply the text onto (merge); a fresh one by default. */
  readonly base?: RouterConfig;
}

export function parseConfig(text: string, options: ParseOptions = {}): ParseResult {
  const model = options.base ?? emptyConfig();
  const session = new ConfigSession<ConfigCommand>(model);
  const diagnostics: Diagnostic[] = [];
  const warnings: InertWarning[] = [];
  const notes: Diagnostic[] = [];
  const modes: ModeId[] = [];
  const lines = text.split(/\r?\n/);
  // Where each interface got `mpls ip`: whether it is a FlexVPN tunnel shows only once its
  // block is read (`tunnel protection` comes after it).
  const mplsIp = new Map<string, Diagnostic>();
  // The rejected line whose indented block is being skipped.
  let rejected: { line: number; indent: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    modes.push(session.mode);
    const indent = raw.length - raw.trimStart().length;
    if (!session.collecting) {
      const text = raw.trim();
      if (text === "" || text.startsWith("!")) continue;
      if (rejected && indent > rejected.indent) {
        diagnostics.push({ line: i + 1, column: indent + 1, message: `skipped: parent line ${rejected.line} was rejected`, parent: rejected.line });
        continue;
      }
      rejected = undefined;
      if (isSavedHeader(text)) continue;
    }
    const r = session.execute(raw);
    if (r.error) {
      diagnostics.push({ line: i + 1, column: r.error.column + 1, message: r.error.message });
      rejected = { line: i + 1, indent };
    }
    else if (r.command?.inert !== undefined) warnings.push({ line: i + 1, column: indent + 1, message: r.command.inert, command: r.command.id, family: r.command.family ?? "other" });
    for (const o of r.output) notes.push({ line: i + 1, column: indent + 1, message: o });
    if (r.command?.id === "mpls.ip" && "interface" in session.ctx) mplsIp.set(session.ctx.interface, { line: i + 1, column: indent + 1, message: "" });
    if (session.mode === "exec") {
      // `end` closes a configuration file; IOS reads no further.
      if (r.command?.id === "nav.end") {
        for (let j = i + 1; j < lines.length; j++) modes.push("exec");
        break;
      }
      session.enterConfig();
    }
  }
  for (const [name, at] of mplsIp) {
    const i = model.interfaces[name] as InterfaceConfig | undefined;
    const warning = i && flexVpnMplsIpWarning(i);
    if (warning !== undefined && !notes.some((n) => n.line === at.line)) notes.push({ ...at, message: warning });
  }
  notes.sort((a, b) => a.line - b.line);
  return { model, diagnostics, warnings, notes, modes };
}

/** The lines `show running-config` prints before the configuration itself (`Building
 * configuration...`, `Current configuration : 1234 bytes`), so a saved one loads as it is.
 * Its `!` comments, `version` and `end` are configuration lines already. */
function isSavedHeader(text: string): boolean {
  if (text === "Building configuration...") return true;
  const prefix = "Current configuration : ";
  if (!text.startsWith(prefix) || !text.endsWith(" bytes")) return false;
  const n = text.slice(prefix.length, -" bytes".length);
  return n.length > 0 && n.length <= 12 && [...n].every((ch) => ch >= "0" && ch <= "9");
}
