// The IOS configuration layer: one grammar for every command, the typed configuration model,
// the config-text parser, the per-line session the CLI drives, and the running-config
// renderer. Pure and browser-safe (the desktop app's editor imports it).
//
//   parseConfig(text)              → { model, diagnostics, warnings, notes, modes }
//   renderRunningConfig(model)     → "hostname R1\n!\n...\nend\n"
//   new ConfigSession(model).execute(line) → { output, error, mode }
//   configGrammar().help(mode, text) / .complete(mode, line)
//
// Exec commands (the CLI's) are declared the same way: an object extending GrammarEntry with
// `mode: "exec"` (or "user-exec"), a syntax, one help string per token, and whatever the CLI
// needs to run it; a `new Grammar<MyExecCommand>(entries)` then parses, helps and completes
// them with the same IOS rules and errors. See grammar/engine.ts.

export { Grammar, splitWords, compareLabels, NO_HELP } from "./grammar/engine";
export type { GrammarEntry, CompiledEntry, Match, MatchResult, MatchSpan, HelpItem, HelpResult, ModeId, Word } from "./grammar/engine";
export { Args, type ArgRecord } from "./grammar/args";
export type { ArgValue } from "./grammar/tokens";
export { errorMessage, errorLines, INVALID_INPUT, INCOMPLETE, type CommandError } from "./grammar/errors";
export { formatHelp, CR } from "./grammar/help";
export { renderSyntax } from "./grammar/render-syntax";
export {
  canonicalInterfaceName,
  compareInterfaceNames,
  formatInterfaceName,
  INTERFACE_TYPES,
  parentInterface,
  parseInterfaceName,
  type InterfaceName,
  type InterfaceType,
} from "./grammar/interface-name";
export { formatRouteDistinguisher, parseAsn, parseRouteDistinguisher, type RouteDistinguisher } from "./grammar/values";

export { MODES, modeDef, modeChain, promptFor, isConfigMode, type ModeDef } from "./modes";
export { command, isConfigCommand, type ConfigCommand, type Effect, type ModeCtx, type Outcome, type RenderItem } from "./command";
export { configCommands, configGrammar } from "./commands/index";
export { ConfigSession, type ExecuteResult, type SessionError } from "./session";
export { parseConfig, type Diagnostic, type InertWarning, type ParseOptions, type ParseResult } from "./parse";
export { ConfigRenderer, renderInterface, renderRunningConfig } from "./render";
export { completionsAt, type Completions } from "./editor";

export * from "./model/router";
export * from "./model/interface";
export * from "./model/vrf";
export * from "./model/routing";
export * from "./model/bgp";
export * from "./model/crypto";
export * from "./model/kept";
export * from "./model/acl";
