// IKEv2's subsystem: the engine (engine.ts) on a router. Sockets on UDP 500 and 4500 in the
// global VRF (the profiles' `match fvrf` VRFs too), tunnels with `tunnel protection ipsec
// profile P` and a destination initiating (FlexVPN spokes, static VTIs), responders binding a
// session to the static tunnel toward the peer or to a Virtual-Access cloned from the
// profile's `virtual-template`, IKEv2 configuration mode (`ip address negotiated`, `ip local
// pool` through `crypto ikev2 authorization policy`, `route set interface`), and `show crypto
// ikev2 sa [detailed]`, table "ikev2-sa", `debug crypto ikev2`.

import type { InterfaceConfig } from "../config/model/interface";
import type { DeepReadonly, RouterConfig } from "../config/model/router";
import type { Ikev2AuthorizationPolicy, Ikev2Profile } from "../config/model/crypto";
import { compileAcl } from "../routing/acl";
import { TABLE_ROWS } from "../../api/tables";
import { TunnelInterface } from "../net/tunnel";
import type { UdpDatagram, UdpSocket } from "../net/sockets";
import type { Vrf } from "../net/vrf";
import { BOTH, subsystemExec, type Subsystem, type SubsystemHost, type SubsystemInstance, type TableEntry } from "../node/subsystem";
import { ipsecSubsystem } from "../ipsec/subsystem";
import { IPSEC_DEFAULT_REPLAY_WINDOW, type EspSaParams, type IpsecSaHandle } from "../ipsec/sa";
import { pkiSubsystem } from "../pki/subsystem";
import { formatIpv4, ipv4, maskLength, prefix, type Ipv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { IKE_NAT_T_PORT, IKE_PORT, classifyUdp4500, stripNonEspMarker, withNonEspMarker } from "../wire/ikev2";
import type { CfgAttribute } from "../wire/ikev2-payloads";
import { CfgAttributeType, CiscoCfgAttributeType } from "../wire/ikev2-registry";
import { cfgIpv4, cfgIpv4Subnet, cfgIpv4Value, cfgText, cfgTextValue } from "../wire/ikev2-values";
import { IkeEngine, type IkeHost } from "./engine";
import type { ChildSa, Endpoint, IkeSa } from "./sa";
import { formatIkev2Sa, formatIkev2Stats, ikev2SaRows } from "./show";
import { cryptoSessionRows, formatCryptoSession, type IdleTunnel } from "./show-session";
import { sessionCommands } from "./session-commands";
import { cryptoConfigCommands } from "./config-commands";
import type { PoolLease } from "./show-pool";
import { DEBUG_IKEV2, DEBUG_IKEV2_INTERNAL, DEBUG_IKEV2_PACKET } from "./debug";
import type { Timer } from "../clock/clock";

/** How often a spoke whose SA is down tries again (IOS FlexVPN client: on its own timer). */
export const REINITIATE_INTERVAL_MS = 10_000;
/** An initiator whose SA went down (cleared, deleted by the peer, failed) tries again after
 * this, doubling per failure up to REINITIATE_INTERVAL_MS, back to it once an SA comes up. */
export const REINITIATE_FIRST_MS = 500;
/** How long a shortcut waits for the session its peer is already starting toward us. */
const SHORTCUT_CROSSING_WAIT_MS = 5_000;
const HOST_MASK = ipv4(255, 255, 255, 255);
/** The administrative distance of the routes IKEv2 installs when `route accept any` names none. */
const IKEV2_ROUTE_DISTANCE = 2;

/** An initiating tunnel's wish, from its config. */
interface Wanted {
  readonly tunnel: string;
  readonly ipsecProfile: string;
  readonly ikev2Profile: string;
  readonly destination: Ipv4;
  readonly vti: boolean;
  readonly wantsAddress: boolean;
  readonly fvrf: string | undefined;
}

/** The IKEv2 profile an initiator of `tunnel protection ipsec profile NAME` uses, and its
 * front-door VRF; undefined when NAME cannot start a session. IOS smart defaults: the
 * `default` IPsec profile exists without being configured (default transform set, IKEv2
 * profile `default`); any other name must be configured, and not `responder-only`. */
function initiatorProfiles(config: RouterConfig, ipsecName: string): { ikev2Profile: string; fvrf: string | undefined } | undefined {
  const ipsec = config.crypto.ipsec.profiles[ipsecName];
  if ((!ipsec && ipsecName !== "default") || ipsec?.responderOnly) return undefined;
  const ikev2Profile = ipsec?.ikev2Profile ?? (config.crypto.ikev2.profiles["default"] ? "default" : undefined);
  if (!ikev2Profile) return undefined;
  const fvrf = config.crypto.ikev2.profiles[ikev2Profile]?.matchFvrf;
  return { ikev2Profile, fvrf: fvrf === "any" ? undefined : fvrf };
}

export class Ikev2Instance implements SubsystemInstance, IkeHost {
  readonly engine: IkeEngine;
  private readonly sockets = new Map<string, { ike: UdpSocket; natT: UdpSocket }>();
  /** Initiating tunnels by name, and their SA when one is up or being negotiated. */
  private wanted = new Map<string, Wanted>();
  private readonly byTunnel = new Map<string, IkeSa>();
  /** Pool addresses handed out, by pool name. */
  private readonly leases = new Map<string, Set<Ipv4>>();
  private readonly retry;
  /** The ipsec subsystem's handle for each installed child SA. */
  private readonly installed = new Map<ChildSa, IpsecSaHandle>();
  /** Per initiating tunnel: failures since its last SA came up, and the pending retry. */
  private readonly backoff = new Map<string, { failures: number; timer: Timer | undefined }>();
  /** Shortcut sessions this router started, and who waits for each to come up. */
  private readonly shortcutSas = new Set<IkeSa>();
  /** Who waits for a session to an NBMA address to protect its Virtual-Access. */
  private readonly remoteWaiters = new Map<Ipv4, ((interfaceName: string) => void)[]>();

  constructor(private readonly router: SubsystemHost) {
    this.engine = new IkeEngine(this);
    this.retry = router.clock.every(REINITIATE_INTERVAL_MS, () => this.initiateWanted());
  }

  get clock() {
    return this.router.clock;
  }

  config(): RouterConfig {
    return this.router.running;
  }

  trustpoint(name: string) {
    return this.router.subsystem(pkiSubsystem).store.get(name);
  }

  log(facility: string, severity: number, mnemonic: string, text: string): void {
    this.router.logMessage({ facility, severity, mnemonic, text: `%${facility}-${severity}-${mnemonic}: ${text}` });
  }

  debugOn(flag?: "packet" | "internal"): boolean {
    return this.router.debug.isOn(flag === undefined ? DEBUG_IKEV2 : flag === "packet" ? DEBUG_IKEV2_PACKET : DEBUG_IKEV2_INTERNAL);
  }

  debug(text: string): void {
    this.router.debug.emit(text);
  }

  // --- Sockets -----------------------------------------------------------------------------

  private vrfOf(fvrf: string | undefined): Vrf | undefined {
    return fvrf === undefined ? this.router.stack.globalVrf : this.router.stack.vrf(fvrf);
  }

  private listen(fvrf: string | undefined): void {
    const key = fvrf ?? "";
    if (this.sockets.has(key)) return;
    const vrf = this.vrfOf(fvrf);
    if (!vrf) return;
    const ike = this.router.stack.udp.bind({ vrf, port: IKE_PORT }, (d) => this.engine.receive(fvrf, { address: d.dst, port: d.dstPort }, { address: d.src, port: d.srcPort }, d.payload));
    const natT = this.router.stack.udp.bind({ vrf, port: IKE_NAT_T_PORT }, (d) => this.receiveNatT(fvrf, d));
    if (typeof ike === "string" || typeof natT === "string") {
      if (typeof ike !== "string") ike.close();
      if (typeof natT !== "string") natT.close();
      this.router.warn(`% IKEv2 cannot listen in ${fvrf ?? "the global table"}: ${typeof ike === "string" ? ike : natT}`);
      return;
    }
    this.sockets.set(key, { ike, natT });
  }

  private receiveNatT(fvrf: string | undefined, d: UdpDatagram): void {
    const kind = classifyUdp4500(d.payload);
    if (kind === "keepalive" || isWireError(kind)) return;
    if (kind === "esp") {
      // ESP-in-UDP (RFC 3948) belongs to IPsec; it decrypts in place in the received buffer.
      const p = d.payload;
      this.router.subsystem(ipsecSubsystem).receiveUdpEncapsulated(d.inInterface, new Uint8Array(p.buffer), p.byteOffset, p.byteOffset + p.length, d.src, d.srcPort, d.dst, d.dstPort);
      return;
    }
    const message = stripNonEspMarker(d.payload);
    if (isWireError(message)) return;
    this.engine.receive(fvrf, { address: d.dst, port: d.dstPort }, { address: d.src, port: d.srcPort }, message);
  }

  send(fvrf: string | undefined, local: Endpoint, remote: Endpoint, message: Uint8Array): void {
    const s = this.sockets.get(fvrf ?? "");
    if (!s) return;
    if (local.port === IKE_NAT_T_PORT) s.natT.send(remote.address, remote.port, withNonEspMarker(message), { src: local.address });
    else s.ike.send(remote.address, remote.port, message, { src: local.address });
  }

  // --- Config → initiators -------------------------------------------------------------------

  reconcile(_before: RouterConfig | undefined, after: RouterConfig): void {
    const crypto = after.crypto;
    const active = Object.keys(crypto.ikev2.profiles).length > 0 || Object.values(after.interfaces).some((i) => i.tunnel?.protectionProfile);
    if (active) {
      this.listen(undefined);
      for (const p of Object.values(crypto.ikev2.profiles)) if (p.matchFvrf && p.matchFvrf !== "any") this.listen(p.matchFvrf);
    }
    const wanted = new Map<string, Wanted>();
    for (const iface of Object.values(after.interfaces)) {
      const w = this.wantFor(after, iface);
      if (w) wanted.set(iface.name, w);
    }
    for (const [name, sa] of this.byTunnel) {
      const w = wanted.get(name);
      const old = this.wanted.get(name);
      if (!w || JSON.stringify(w) !== JSON.stringify(old)) {
        this.byTunnel.delete(name);
        this.engine.delete(sa, "Tunnel configuration changed");
      }
    }
    this.wanted = wanted;
    this.router.clock.defer(() => this.initiateWanted());
  }

  private wantFor(config: RouterConfig, iface: DeepReadonly<InterfaceConfig>): Wanted | undefined {
    const t = iface.tunnel;
    if (!t?.protectionProfile || t.destination === undefined || iface.shutdown || !iface.name.startsWith("Tunnel")) return undefined;
    const profiles = initiatorProfiles(config, t.protectionProfile);
    if (profiles === undefined) return undefined;
    return {
      tunnel: iface.name,
      ipsecProfile: t.protectionProfile,
      ikev2Profile: profiles.ikev2Profile,
      destination: t.destination,
      vti: t.mode === "ipsec-ipv4",
      wantsAddress: iface.ipv4.kind === "negotiated",
      fvrf: profiles.fvrf,
    };
  }

  private initiateWanted(): void {
    for (const w of this.wanted.values()) {
      const sa = this.byTunnel.get(w.tunnel);
      if (sa && sa.state !== "dead") continue;
      // The peer's SA may be the tunnel's (it initiated too, and ours was the duplicate).
      if (this.engine.sas().some((s) => s.state !== "dead" && !s.superseded && s.interfaceName === w.tunnel && s.remote.address === w.destination)) continue;
      const tunnel = this.router.stack.interface(w.tunnel);
      if (!(tunnel instanceof TunnelInterface)) continue;
      const local = tunnel.resolveSourceAddress();
      if (local === undefined) continue;
      this.listen(w.fvrf);
      const next = this.engine.initiate({ tunnel: w.tunnel, ikev2Profile: w.ikev2Profile, ipsecProfile: w.ipsecProfile, fvrf: w.fvrf, local, remote: w.destination, vti: w.vti, wantsAddress: w.wantsAddress });
      if (next.state !== "dead") this.byTunnel.set(w.tunnel, next);
    }
  }

  // --- Spoke-to-spoke shortcuts (NHRP) ----------------------------------------------------------

  /**
   * NHRP's spoke-to-spoke session (FlexVPN `ip nhrp shortcut virtual-template N`): an IKEv2
   * and IPsec session to `remote` (an NBMA address) on a Virtual-Access cloned from
   * `template`. `up(interfaceName)` is called, from a later task, once the session's IPsec SA
   * protects that interface: at once when a session to `remote` is already up (either end may
   * have started it), else when the one started now is. Returns IOS's complaint when the
   * template cannot carry a session.
   */
  shortcut(template: string, remote: Ipv4, up: (interfaceName: string) => void): string | undefined {
    const existing = this.sessionTo(remote);
    if (existing !== undefined) {
      this.router.clock.defer(() => up(existing));
      return undefined;
    }
    const waiting = this.remoteWaiters.get(remote);
    if (waiting) {
      waiting.push(up);
      return undefined;
    }
    // The peer may be bringing a session up to us right now (it answered our own request
    // first): wait for that one rather than cross it with a second.
    if (this.engine.sas().some((sa) => sa.remote.address === remote && sa.role === "responder" && sa.state !== "dead" && sa.state !== "established")) {
      this.remoteWaiters.set(remote, [up]);
      this.router.clock.after(SHORTCUT_CROSSING_WAIT_MS, () => {
        const still = this.remoteWaiters.get(remote);
        if (still === undefined) return;
        this.remoteWaiters.delete(remote);
        for (const cb of still) this.shortcut(template, remote, cb);
      });
      return undefined;
    }
    const config = this.router.running;
    const vt = config.interfaces[template];
    if (!vt) return `% ${template} does not exist`;
    const ipsecName = vt.tunnel?.protectionProfile;
    if (!ipsecName) return `% ${template} has no tunnel protection`;
    const profiles = initiatorProfiles(config, ipsecName);
    if (profiles === undefined) return `% IPsec profile ${ipsecName} has no IKEv2 profile`;
    const { ikev2Profile, fvrf } = profiles;
    const vrf = this.vrfOf(fvrf);
    const local = vrf ? this.router.stack.forwarding.sourceToward(vrf, remote) : undefined;
    if (local === undefined) return `% No route to ${formatIpv4(remote)}`;
    this.listen(fvrf);
    const binding = this.cloneVirtualAccess(vt, local, remote);
    const sa = this.engine.initiate({ tunnel: binding.interfaceName, ikev2Profile, ipsecProfile: ipsecName, fvrf, local, remote, vti: binding.vti, wantsAddress: false });
    this.shortcutSas.add(sa);
    if (sa.state === "dead") {
      this.router.stack.removeInterface(binding.interfaceName);
      return `% IKEv2 could not start toward ${formatIpv4(remote)}`;
    }
    this.remoteWaiters.set(remote, [up]);
    return undefined;
  }

  /** The Virtual-Access an established session to `remote` protects, if any. */
  sessionTo(remote: Ipv4): string | undefined {
    for (const sa of this.engine.sas()) {
      if (sa.state !== "established" || sa.remote.address !== remote || !sa.interfaceName?.startsWith("Virtual-Access")) continue;
      if (sa.children.some((c) => this.installed.has(c))) return sa.interfaceName;
    }
    return undefined;
  }

  /** Ends the session bound to `interfaceName` (NHRP: the last shortcut over it aged out). */
  closeSession(interfaceName: string): void {
    for (const sa of this.engine.sas()) if (sa.interfaceName === interfaceName && sa.state !== "dead") this.engine.delete(sa, "Idle shortcut");
  }

  // --- Responder binding, configuration mode ----------------------------------------------------

  bindResponder(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>): { interfaceName: string; ipsecProfile: string | undefined; vti: boolean } | undefined {
    const config = this.router.running;
    // A static tunnel toward this peer (site-to-site, static VTI).
    for (const iface of Object.values(config.interfaces)) {
      const t = iface.tunnel;
      if (!t?.protectionProfile || t.destination !== sa.remote.address || !iface.name.startsWith("Tunnel")) continue;
      return { interfaceName: iface.name, ipsecProfile: t.protectionProfile, vti: t.mode === "ipsec-ipv4" };
    }
    if (profile.virtualTemplate === undefined) return undefined;
    const template = config.interfaces[`Virtual-Template${profile.virtualTemplate}`];
    if (!template) return undefined;
    return this.cloneVirtualAccess(template, sa.local.address, sa.remote.address);
  }

  /** Clones Virtual-AccessN from the template for one session (FlexVPN server, and both ends
   * of a spoke-to-spoke shortcut). */
  private cloneVirtualAccess(template: DeepReadonly<InterfaceConfig>, local: Ipv4, remote: Ipv4): { interfaceName: string; ipsecProfile: string | undefined; vti: boolean } {
    const stack = this.router.stack;
    // IOS hands out the lowest free Virtual-Access number.
    let n = 1;
    while (stack.interface(`Virtual-Access${n}`)) n++;
    const name = `Virtual-Access${n}`;
    const va = stack.addTunnel(name, { hardware: "Virtual Access interface", clonedFrom: template.name });
    // IVRF: the template's `vrf forwarding` (before its addresses, which a VRF move clears).
    if (template.vrf) {
      const problem = stack.setInterfaceVrf(va, template.vrf.name);
      if (problem) this.router.warn(problem);
    }
    if (template.ipv4.kind === "unnumbered") va.setUnnumbered(stack.interface(template.ipv4.interface));
    else if (template.ipv4.kind === "static") va.setAddress(template.ipv4.primary.address, template.ipv4.primary.prefixLen);
    va.setMode(template.tunnel?.mode === "gre-multipoint" ? "gre-multipoint" : "gre-ip");
    va.setSource({ address: local });
    va.setDestination(remote);
    return { interfaceName: name, ipsecProfile: template.tunnel?.protectionProfile, vti: template.tunnel?.mode === "ipsec-ipv4" };
  }

  private authorizationPolicy(profile: DeepReadonly<Ikev2Profile>) {
    const aaa = profile.aaaAuthorization.find((a) => a.kind === (profile.authenticationRemote.includes("rsa-sig") ? "cert" : "psk")) ?? profile.aaaAuthorization[0];
    if (!aaa) return undefined;
    return this.router.running.crypto.ikev2.authorizationPolicies[aaa.name ?? "default"];
  }

  /** The address an interface's `route set interface` pushes: its own, or the one it borrows. */
  private interfaceAddress(name: string | undefined): Ipv4 | undefined {
    if (name === undefined) return undefined;
    const iface = this.router.stack.interface(name);
    return iface?.address?.address ?? iface?.unnumbered?.address?.address;
  }

  configRequest(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>): CfgAttribute[] {
    const out: CfgAttribute[] = [];
    if (sa.request?.wantsAddress) out.push({ type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: new Uint8Array(0) });
    // Ask for the default domain and banner too (empty attributes, RFC 7296 §3.15.1).
    out.push({ type: CiscoCfgAttributeType.UNITY_DEF_DOMAIN, value: new Uint8Array(0) }, { type: CiscoCfgAttributeType.UNITY_BANNER, value: new Uint8Array(0) });
    out.push(...this.pushedRoutes(sa, this.authorizationPolicy(profile)));
    return out;
  }

  /**
   * The routes an authorization policy pushes to the peer: `route set interface` (the
   * session's interface address, or NAME's), the networks a standard ACL of `route set
   * access-list` permits, and each `route set remote ipv4`. Cisco's route-push attribute
   * numbers are not public: routes travel as INTERNAL_IP4_SUBNET (address and mask).
   */
  private pushedRoutes(sa: IkeSa, policy: DeepReadonly<Ikev2AuthorizationPolicy> | undefined): CfgAttribute[] {
    if (!policy) return [];
    const routes: { address: Ipv4; mask: Ipv4 }[] = [];
    const own = policy.routeSetInterface ? this.interfaceAddress(policy.routeSetInterface.interface ?? sa.interfaceName) : undefined;
    if (own !== undefined) routes.push({ address: own, mask: HOST_MASK });
    const acl = policy.routeSetAccessList === undefined ? undefined : this.router.running.accessLists?.[policy.routeSetAccessList];
    if (acl?.kind === "standard") {
      for (const entry of compileAcl(acl).entries) {
        // A permit of a network whose wildcard is a mask's inverse is a route (IOS pushes
        // those); denies and discontiguous wildcards are not routes.
        const mask = ~entry.srcWildcard >>> 0;
        if (!entry.permit || maskLength(mask) === undefined) continue;
        routes.push({ address: entry.src as Ipv4, mask: mask as Ipv4 });
      }
    }
    for (const r of policy.routeSetRemote ?? []) routes.push({ address: r.address, mask: r.mask });
    return routes.map((r) => ({ type: CfgAttributeType.INTERNAL_IP4_SUBNET, value: cfgIpv4Value(r.address, r.mask) }));
  }

  configReply(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, request: readonly CfgAttribute[]): CfgAttribute[] | undefined {
    const policy = this.authorizationPolicy(profile);
    const out: CfgAttribute[] = [];
    this.acceptRoutes(sa, request, policy);
    if (request.some((a) => a.type === CfgAttributeType.INTERNAL_IP4_ADDRESS)) {
      if (policy?.pool) {
        const address = this.lease(policy.pool);
        if (address === undefined) return undefined;
        sa.assignedAddress = address;
        out.push({ type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: cfgIpv4Value(address) });
        out.push({ type: CfgAttributeType.INTERNAL_IP4_NETMASK, value: cfgIpv4Value(policy.netmask ?? HOST_MASK) });
        this.installRoute(sa, address, HOST_MASK, policy);
      }
    }
    for (const dns of policy?.dns ?? []) out.push({ type: CfgAttributeType.INTERNAL_IP4_DNS, value: cfgIpv4Value(dns) });
    // The default domain and banner go whenever the policy has them, asked for or not, as
    // with the DNS servers: what the client does not understand it ignores (§3.15.1).
    if (policy?.defDomain !== undefined) out.push({ type: CiscoCfgAttributeType.UNITY_DEF_DOMAIN, value: cfgTextValue(policy.defDomain) });
    if (policy?.banner !== undefined) out.push({ type: CiscoCfgAttributeType.UNITY_BANNER, value: cfgTextValue(policy.banner) });
    out.push(...this.pushedRoutes(sa, policy));
    return out;
  }

  applyConfigReply(sa: IkeSa, attributes: readonly CfgAttribute[]): void {
    for (const a of attributes) {
      if (a.type === CiscoCfgAttributeType.UNITY_DEF_DOMAIN && a.value.length > 0) sa.defaultDomain = cfgText(a.value);
      else if (a.type === CiscoCfgAttributeType.UNITY_BANNER && a.value.length > 0) sa.banner = cfgText(a.value);
    }
    const address = attributes.map((a) => (a.type === CfgAttributeType.INTERNAL_IP4_ADDRESS ? cfgIpv4(a.value) : undefined)).find((a) => a !== undefined);
    if (address !== undefined && sa.request?.wantsAddress) {
      const iface = this.router.stack.interface(sa.request.tunnel);
      if (iface && iface.address?.address !== address) {
        const problem = iface.setAddress(address, 32);
        if (problem) this.router.warn(problem);
        else sa.assignedAddress = address;
      }
    }
    const profile = sa.profile === undefined ? undefined : this.router.running.crypto.ikev2.profiles[sa.profile];
    this.acceptRoutes(sa, attributes, profile ? this.authorizationPolicy(profile) : undefined);
  }

  /** Routes the peer pushed (INTERNAL_IP4_SUBNET), installed as static routes out of the
   * session's interface, as IOS shows them, with our policy's `route accept any` tag and
   * distance. */
  private acceptRoutes(sa: IkeSa, attributes: readonly CfgAttribute[], policy: DeepReadonly<Ikev2AuthorizationPolicy> | undefined): void {
    for (const a of attributes) {
      if (a.type !== CfgAttributeType.INTERNAL_IP4_SUBNET) continue;
      const subnet = cfgIpv4Subnet(a.value);
      if (!subnet) continue;
      sa.remoteSubnets.push(subnet);
      this.installRoute(sa, subnet.address, subnet.mask, policy);
    }
  }

  /**
   * A route IKEv2 installs for the session. Without `route accept any` IOS still accepts what
   * the peer pushes, at distance 2 (the smart-default policy reads `route accept any tag : 1
   * distance : 2`; the tag is that policy's own, so a configured policy without the line adds
   * none here). The responder's route to the address it leased follows the same settings.
   */
  private installRoute(sa: IkeSa, address: Ipv4, mask: Ipv4, policy: DeepReadonly<Ikev2AuthorizationPolicy> | undefined): void {
    if (!sa.interfaceName) return;
    const len = maskLength(mask);
    if (len === undefined) return;
    const accept = policy?.routeAccept;
    this.router.routing.rib.upsert(this.ivrfOf(sa.interfaceName), {
      prefix: prefix(address, len),
      protocol: "static",
      instance: `ikev2-${sa.id}-${formatIpv4(address)}`,
      distance: accept?.distance ?? IKEV2_ROUTE_DISTANCE,
      metric: 0,
      ...(accept?.tag !== undefined ? { tag: accept.tag } : {}),
      nextHops: [{ interface: sa.interfaceName }],
    });
  }

  /** `show ip local pool`: the addresses leased from `pool`, each with the interface of the
   * session holding it. */
  poolLeases(pool: string): PoolLease[] {
    const live = this.engine.sas().filter((s) => s.role === "responder" && s.state !== "dead" && !s.superseded);
    return [...(this.leases.get(pool) ?? [])].map((address) => {
      const holder = live.find((s) => s.assignedAddress === address);
      return { address, ...(holder?.interfaceName !== undefined ? { interfaceName: holder.interfaceName } : {}) };
    });
  }

  private lease(pool: string): Ipv4 | undefined {
    const p = this.router.running.localPools[pool];
    if (!p) return undefined;
    const used = this.leases.get(pool) ?? new Set<Ipv4>();
    this.leases.set(pool, used);
    for (const r of p.ranges) {
      for (let a = r.start >>> 0; a <= r.end >>> 0; a++) {
        if (!used.has(a as Ipv4)) {
          used.add(a as Ipv4);
          return a as Ipv4;
        }
      }
    }
    return undefined;
  }

  // --- SA events ------------------------------------------------------------------------------

  /** Hands a negotiated child SA to IPsec (the contract in ipsec/sa.ts), which protects the
   * session's tunnel with it; a rekeyed pair replaces the old one make-before-break. */
  childUp(sa: IkeSa, child: ChildSa): void {
    const tunnel = sa.interfaceName ? this.router.stack.interface(sa.interfaceName) : undefined;
    if (!(tunnel instanceof TunnelInterface)) return;
    const nat = sa.natLocal || sa.natRemote ? { localPort: sa.local.port, remotePort: sa.remote.port } : undefined;
    const params = (d: ChildSa["inbound"]): EspSaParams => ({
      spi: d.spi,
      cipher: child.suite.cipher,
      integ: child.suite.integ,
      encKey: d.encKey,
      ...(d.integKey.length ? { integKey: d.integKey } : {}),
      mode: child.mode,
      local: sa.local.address,
      remote: sa.remote.address,
      ...(nat ? { natT: nat } : {}),
      replayWindow: replay,
      lifetimeSeconds: child.lifetimeSec,
      lifetimeKilobytes: child.lifetimeKb,
    });
    // `crypto ipsec security-association replay window-size N | disable`.
    const globals = this.router.running.crypto.ipsec.sa;
    const replay = globals?.replayDisabled ? 0 : (globals?.replayWindow ?? IPSEC_DEFAULT_REPLAY_WINDOW);
    const pair = { inbound: params(child.inbound), outbound: params(child.outbound), ...(child.pfsGroup !== undefined ? { pfsGroup: child.pfsGroup } : {}) };
    const handle = this.router.subsystem(ipsecSubsystem).install(tunnel, pair, {
      expiring: (kind) => {
        if (kind === "soft") this.engine.childSoftExpired(child);
        else {
          // IPsec removed it at its hard lifetime (no rekey made it in time): the peer is told.
          this.installed.delete(child);
          this.engine.childHardExpired(child);
        }
      },
    });
    this.installed.set(child, handle);
    const waiters = sa.interfaceName?.startsWith("Virtual-Access") ? this.remoteWaiters.get(sa.remote.address) : undefined;
    if (waiters && sa.interfaceName) {
      this.remoteWaiters.delete(sa.remote.address);
      const name = sa.interfaceName;
      for (const up of waiters) up(name);
    }
    this.dropCrossedShortcut(sa);
  }

  /** Two spokes that resolved each other at the same moment each started a session to the
   * other. Both ends keep the one started by the lower address; the end that started the
   * other deletes it (its Virtual-Access and the NHRP entries on it go; traffic that used it
   * is redirected onto the one kept). */
  private dropCrossedShortcut(sa: IkeSa): void {
    if (!sa.interfaceName?.startsWith("Virtual-Access")) return;
    const startedBy = (s: IkeSa): number => (s.role === "initiator" ? s.local.address : s.remote.address);
    for (const other of this.engine.sas()) {
      if (other === sa || other.state !== "established" || other.remote.address !== sa.remote.address || !other.interfaceName?.startsWith("Virtual-Access")) continue;
      if (!other.children.some((c) => this.installed.has(c))) continue;
      const loser = startedBy(other) > startedBy(sa) ? other : startedBy(sa) > startedBy(other) ? sa : undefined;
      if (loser?.role === "initiator") this.engine.delete(loser, "Crossed spoke-to-spoke session");
    }
  }

  childDown(_sa: IkeSa, child: ChildSa): void {
    const handle = this.installed.get(child);
    if (!handle) return;
    this.installed.delete(child);
    this.router.subsystem(ipsecSubsystem).remove(handle);
  }

  saUp(sa: IkeSa): void {
    if (sa.request) this.backoff.delete(sa.request.tunnel);
  }

  /** An initiator's SA went down while its tunnel still wants one: try again soon, not on the
   * next REINITIATE_INTERVAL_MS tick (IOS's FlexVPN client reconnects at once). */
  private reinitiateSoon(tunnel: string): void {
    const b = this.backoff.get(tunnel) ?? { failures: 0, timer: undefined };
    this.backoff.set(tunnel, b);
    if (b.timer) return;
    const delay = Math.min(REINITIATE_FIRST_MS * 2 ** b.failures, REINITIATE_INTERVAL_MS);
    b.failures++;
    b.timer = this.router.clock.after(delay, () => {
      b.timer = undefined;
      this.initiateWanted();
    });
  }

  /** Initiating tunnels with no IKE SA: `show crypto session` lists them as DOWN. */
  idleTunnels(): IdleTunnel[] {
    return [...this.wanted.values()].filter((w) => !this.byTunnel.has(w.tunnel)).map((w) => ({ interfaceName: w.tunnel, peer: formatIpv4(w.destination), fvrf: w.fvrf }));
  }

  saReplaced(old: IkeSa, next: IkeSa): void {
    for (const [name, s] of this.byTunnel) if (s === old) this.byTunnel.set(name, next);
    if (this.shortcutSas.delete(old)) this.shortcutSas.add(next);
  }

  saDown(sa: IkeSa): void {
    for (const [name, s] of this.byTunnel) if (s === sa) this.byTunnel.delete(name);
    const tunnel = sa.request?.tunnel ?? sa.interfaceName;
    if (tunnel !== undefined && this.wanted.has(tunnel)) this.reinitiateSoon(tunnel);
    const policyPool = sa.profile ? (() => {
      const profile = this.router.running.crypto.ikev2.profiles[sa.profile!];
      return profile ? this.authorizationPolicy(profile)?.pool : undefined;
    })() : undefined;
    if (sa.role === "responder" && sa.assignedAddress !== undefined && policyPool) this.leases.get(policyPool)?.delete(sa.assignedAddress);
    this.withdrawRoutes(sa);
    if (sa.role === "initiator" && sa.assignedAddress !== undefined && sa.request) {
      const iface = this.router.stack.interface(sa.request.tunnel);
      if (iface?.address?.address === sa.assignedAddress) iface.removeAddresses();
    }
    const shortcut = this.shortcutSas.delete(sa);
    if ((sa.role === "responder" || shortcut) && sa.interfaceName?.startsWith("Virtual-Access")) this.router.stack.removeInterface(sa.interfaceName);
  }

  /** The inside VRF of a session's interface (its routes go there), undefined for global. */
  ivrfOf(interfaceName: string | undefined): string | undefined {
    const vrf = interfaceName === undefined ? undefined : this.router.stack.interface(interfaceName)?.vrf;
    return vrf === undefined || vrf.isGlobal ? undefined : vrf.name;
  }

  private withdrawRoutes(sa: IkeSa): void {
    const ivrf = this.ivrfOf(sa.interfaceName);
    const addresses = [...sa.remoteSubnets.map((s) => ({ a: s.address, m: s.mask })), ...(sa.role === "responder" && sa.assignedAddress !== undefined ? [{ a: sa.assignedAddress, m: HOST_MASK }] : [])];
    for (const { a, m } of addresses) {
      const len = maskLength(m);
      if (len !== undefined) this.router.routing.rib.withdraw(ivrf, prefix(a, len), "static", `ikev2-${sa.id}-${formatIpv4(a)}`);
    }
  }

  close(): void {
    this.retry.cancel();
    for (const b of this.backoff.values()) b.timer?.cancel();
    this.engine.close();
    for (const s of this.sockets.values()) {
      s.ike.close();
      s.natT.close();
    }
    this.sockets.clear();
  }
}

const IKEV2_SA: TableEntry<"ikev2-sa", SubsystemHost> = {
  name: "ikev2-sa",
  schema: TABLE_ROWS["ikev2-sa"],
  rows: (router) => {
    const ikev2 = router.subsystem(ikev2Subsystem);
    return ikev2SaRows(ikev2.engine.sas(), router.clock.now(), (sa) => ikev2.ivrfOf(sa.interfaceName));
  },
  format: (rows, args) => formatIkev2Sa(rows, args?.detail ?? false),
};

/** Table "crypto-session": the sessions, `args.name` a peer address to filter by. */
const CRYPTO_SESSION: TableEntry<"crypto-session", SubsystemHost> = {
  name: "crypto-session",
  schema: TABLE_ROWS["crypto-session"],
  rows: (router, args) => {
    const ikev2 = router.subsystem(ikev2Subsystem);
    return cryptoSessionRows(ikev2.engine.sas(), router.subsystem(ipsecSubsystem).rows(), ikev2.idleTunnels(), router.clock.now(), args?.name);
  },
  format: (rows, args) => formatCryptoSession(rows, args?.detail ?? false),
};

export const ikev2Subsystem: Subsystem<Ikev2Instance> = {
  name: "ikev2",
  attach: (router) => new Ikev2Instance(router),
  tables: [IKEV2_SA, CRYPTO_SESSION],
  debugFlags: [
    {
      flag: DEBUG_IKEV2,
      help: ["Cryptographic subsystem", "IKEv2 debug messages"],
      heading: "Crypto Subsystem",
      description: "IKEv2 default debugging is on",
    },
    { flag: DEBUG_IKEV2_PACKET, help: ["Cryptographic subsystem", "IKEv2 debug messages", "IKEv2 Packet debug messages"], heading: "Crypto Subsystem", description: "IKEv2 packet debugging is on" },
    { flag: DEBUG_IKEV2_INTERNAL, help: ["Cryptographic subsystem", "IKEv2 debug messages", "IKEv2 Internal debug messages"], heading: "Crypto Subsystem", description: "IKEv2 internal debugging is on" },
  ],
  execCommands: [
    ...sessionCommands((router) => router.subsystem(ikev2Subsystem), CRYPTO_SESSION),
    ...cryptoConfigCommands((router) => router.subsystem(ikev2Subsystem)),
    subsystemExec({
      id: "show.crypto.ikev2.sa",
      mode: BOTH,
      syntax: "show crypto ikev2 sa [detailed$detailed]",
      help: ["Show running system information", "Encryption module", "Shows ikev2 info", "Shows ikev2 SAs", "detailed output"],
      pipe: true,
      run: ({ router, args, print }) => {
        const tableArgs = { detail: args.has("detailed") };
        print(IKEV2_SA.format(IKEV2_SA.rows(router, tableArgs), tableArgs));
      },
    }),
    subsystemExec({
      id: "show.crypto.ikev2.stats",
      mode: BOTH,
      syntax: "show crypto ikev2 stats",
      help: ["Show running system information", "Encryption module", "Shows ikev2 info", "Shows ikev2 sa statistics"],
      pipe: true,
      run: ({ router, print }) => {
        const engine = router.subsystem(ikev2Subsystem).engine;
        print(formatIkev2Stats(engine.stats, engine.sas()));
      },
    }),
    subsystemExec({
      id: "clear.crypto.ikev2.sa",
      mode: BOTH,
      syntax: "clear crypto ikev2 sa [(fvrf WORD$fvrf|local A.B.C.D$local|remote A.B.C.D$remote)]",
      help: ["Reset functions", "Encryption module", "IKEv2 information", "Clear IKEv2 SAs", "Front door VRF", "VRF name", "Local address", "Local IPv4 address", "Remote address", "Remote IPv4 address"],
      run: ({ router, args }) => {
        const remote = args.optIp("remote");
        const local = args.optIp("local");
        const fvrf = args.optStr("fvrf");
        const engine = router.subsystem(ikev2Subsystem).engine;
        for (const sa of engine.sas()) {
          if (remote !== undefined && sa.remote.address !== remote) continue;
          if (local !== undefined && sa.local.address !== local) continue;
          // The global table's SAs have no front-door VRF.
          if (fvrf !== undefined && sa.fvrf !== fvrf) continue;
          engine.delete(sa, "Cleared by the operator");
        }
      },
    }),
  ],
};
