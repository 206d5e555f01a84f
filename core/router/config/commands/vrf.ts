// VRFs: `vrf definition` (with `address-family ipv4`) and the legacy `ip vrf`, both with rd,
// route-target and description.

import { command, need, type ConfigCommand, type CtxOf, type Outcome, type RenderItem } from "../command";

/** `route-target (import|export|both) RT`. */
interface TargetArgs {
  readonly dir: "import" | "export" | "both";
  readonly rt: string;
}
import type { RouterConfig } from "../model/router";
import { newVrf, type RouteTargets, type VrfConfig } from "../model/vrf";
import { descriptionProblem, VRF_DESCRIPTION_MAX_CHARS, vrfNameProblem } from "../names";
import { TOP } from "./order";
import { setting } from "./setting";

const VRF_MODES = ["vrf-definition", "ip-vrf"] as const;

function vrf(m: RouterConfig, c: CtxOf<"ip-vrf">): VrfConfig {
  const v = m.vrfs[c.vrf];
  if (!v) throw new Error(`vrf ${c.vrf} vanished`);
  return v;
}

function enterVrf(m: RouterConfig, name: string, style: VrfConfig["style"]): Outcome<CtxOf<"ip-vrf">> {
  const problem = vrfNameProblem(name);
  if (problem) return { error: problem };
  const existing = m.vrfs[name];
  if (existing && existing.style !== style) {
    return { error: style === "definition" ? `% VRF ${name} is a legacy 'ip vrf'; remove it first` : `% VRF ${name} is a multi-protocol VRF; use 'vrf definition ${name}'` };
  }
  if (!existing) m.vrfs[name] = newVrf(name, style);
  return { ctx: { vrf: name } };
}

/** Removing a VRF takes it, and the IPv4 addresses, off its interfaces (IOS warns the same way). */
function removeVrf(m: RouterConfig, name: string): Outcome | void {
  if (!m.vrfs[name]) return { error: `% VRF ${name} not configured.` };
  delete m.vrfs[name];
  let touched = false;
  for (const i of Object.values(m.interfaces)) {
    if (i.vrf?.name !== name) continue;
    delete i.vrf;
    i.ipv4 = { kind: "none" };
    touched = true;
  }
  if (touched) return { output: [`% IPv4 addresses from all interfaces in VRF ${name} have been removed`] };
}

function addTargets(t: RouteTargets, a: TargetArgs): void {
  const rt = a.rt;
  const dir = a.dir;
  if ((dir === "import" || dir === "both") && !t.import.includes(rt)) t.import.push(rt);
  if ((dir === "export" || dir === "both") && !t.export.includes(rt)) t.export.push(rt);
}

function removeTargets(t: RouteTargets, a: TargetArgs): void {
  const rt = a.rt;
  const dir = a.dir;
  if (dir === "import" || dir === "both") t.import = t.import.filter((x) => x !== rt);
  if (dir === "export" || dir === "both") t.export = t.export.filter((x) => x !== rt);
}

/** IOS lists export targets, then import targets. */
function targetLines(t: RouteTargets): RenderItem[] {
  return [...t.export.map((rt) => ({ args: { dir: "export", rt } })), ...t.import.map((rt) => ({ args: { dir: "import", rt } }))];
}

const RT_HELP = ["Specify Target VPN Extended Communities", "Import Target-VPN community", "Export Target-VPN community", "Both import and export Target-VPN communities", "Target VPN Extended Community"];

export const vrfCommands: readonly ConfigCommand[] = [
  command({
    id: "vrf.definition",
    mode: "config",
    syntax: "vrf definition WORD$name",
    help: ["VRF commands", "VRF definition", "VRF name"],
    order: TOP.vrfDefinition,
    enters: "vrf-definition",
    apply: (m, a) => enterVrf(m, a.name, "definition"),
    no: { apply: (m, a) => removeVrf(m, a.name) },
    render: (m) =>
      Object.values(m.vrfs)
        .filter((v) => v.style === "definition")
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .map((v) => ({ args: { name: v.name }, child: { vrf: v.name } })),
  }),
  command({
    id: "vrf.ip-vrf",
    mode: "config",
    syntax: "ip vrf WORD$name",
    help: ["Global IP configuration subcommands", "Configure an IP VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name"],
    order: TOP.ipVrf,
    enters: "ip-vrf",
    apply: (m, a) => enterVrf(m, a.name, "ip-vrf"),
    no: { apply: (m, a) => removeVrf(m, a.name) },
    render: (m) =>
      Object.values(m.vrfs)
        .filter((v) => v.style === "ip-vrf")
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .map((v) => ({ args: { name: v.name }, child: { vrf: v.name } })),
  }),
  setting({
    id: "vrf.description",
    mode: VRF_MODES,
    syntax: "description LINE$text",
    noSyntax: "description [LINE$text]",
    help: ["VRF specific description", "Up to 244 characters describing this VRF"],
    order: 5,
    at: vrf,
    field: "description",
    arg: "text",
    check: (text) => descriptionProblem(text, VRF_DESCRIPTION_MAX_CHARS),
  }),
  command({
    id: "vrf.rd",
    mode: VRF_MODES,
    syntax: "rd RD$rd",
    help: ["Specify Route Distinguisher", "VPN Route Distinguisher"],
    order: 10,
    apply: (m, a, c) => {
      const v = vrf(m, c);
      const rd = a.rd;
      if (v.rd !== undefined && v.rd !== rd) return { error: `% Can't change RD, remove with 'no rd ${v.rd}' first` };
      v.rd = rd;
    },
    no: {
      syntax: "rd [RD$rd]",
      apply: (m, _a, c) => {
        delete vrf(m, c).rd;
      },
    },
    render: (m, c) => {
      const rd = vrf(m, c).rd;
      return rd === undefined ? [] : [{ args: { rd } }];
    },
  }),
  command({
    id: "vrf.route-target",
    mode: VRF_MODES,
    syntax: "route-target (import|export|both)$dir RT$rt",
    help: RT_HELP,
    order: 20,
    apply: (m, a, c) => addTargets(vrf(m, c).routeTargets, a),
    no: { apply: (m, a, c) => removeTargets(vrf(m, c).routeTargets, a) },
    render: (m, c) => targetLines(vrf(m, c).routeTargets),
  }),
  command({
    id: "vrf.address-family",
    mode: "vrf-definition",
    syntax: "address-family ipv4 [unicast]",
    help: ["Enter Address Family command mode", "Address family", "Address Family modifier"],
    order: 30,
    enters: "vrf-definition-af",
    apply: (m, _a, c) => {
      const v = vrf(m, c);
      v.addressFamilies.ipv4 ??= { routeTargets: { import: [], export: [] } };
      return { ctx: c };
    },
    no: {
      apply: (m, _a, c) => {
        delete vrf(m, c).addressFamilies.ipv4;
      },
    },
    render: (m, c) => (vrf(m, c).addressFamilies.ipv4 ? [{ args: {}, child: c }] : []),
  }),
  command({
    id: "vrf.af.route-target",
    mode: "vrf-definition-af",
    syntax: "route-target (import|export|both)$dir RT$rt",
    help: RT_HELP,
    order: 20,
    apply: (m, a, c) => addTargets(need(vrf(m, c).addressFamilies.ipv4, "ipv4 af").routeTargets, a),
    no: { apply: (m, a, c) => removeTargets(need(vrf(m, c).addressFamilies.ipv4, "ipv4 af").routeTargets, a) },
    render: (m, c) => targetLines(need(vrf(m, c).addressFamilies.ipv4, "ipv4 af").routeTargets),
  }),
];
