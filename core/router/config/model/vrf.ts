// VRFs, in either IOS form: `vrf definition` (multi-protocol, address families) or the
// legacy `ip vrf`. The form is kept so running-config gives back what was configured.

export interface RouteTargets {
  import: string[];
  export: string[];
}

export interface VrfAddressFamily {
  routeTargets: RouteTargets;
}

export interface VrfConfig {
  name: string;
  style: "definition" | "ip-vrf";
  description?: string;
  /** Route distinguisher as IOS prints it ("1:1", "10.0.0.1:5"); see grammar/values.ts to decode. */
  rd?: string;
  routeTargets: RouteTargets;
  /** `vrf definition` only: `address-family ipv4` blocks. */
  addressFamilies: { ipv4?: VrfAddressFamily };
}

export function newVrf(name: string, style: VrfConfig["style"]): VrfConfig {
  return { name, style, routeTargets: { import: [], export: [] }, addressFamilies: {} };
}

/** The VRF's route targets and its IPv4 address family's together, as `show vrf detail` lists them. */
export function allRouteTargets(v: VrfConfig): RouteTargets {
  const af = v.addressFamilies.ipv4?.routeTargets;
  return { import: [...v.routeTargets.import, ...(af?.import ?? [])], export: [...v.routeTargets.export, ...(af?.export ?? [])] };
}
