// `show crypto ikev2 profile [NAME]`: each IKEv2 profile as IOS prints it, read from the
// running config (what the profile says) and the engine (how many SAs refer to it).

import type { Ikev2LocalIdentity, Ikev2Profile, Ikev2RemoteIdentity } from "../config/model/crypto";
import type { DeepReadonly } from "../config/model/router";
import { formatIpv4 } from "../wire/addr";

function remoteIdentity(id: DeepReadonly<Ikev2RemoteIdentity>): string {
  switch (id.kind) {
    case "fqdn":
      return `fqdn ${id.value}`;
    case "fqdn-domain":
      return `fqdn domain ${id.value}`;
    case "address":
      return `address ${formatIpv4(id.address)}${id.mask !== undefined ? ` ${formatIpv4(id.mask)}` : ""}`;
    case "email":
      return `email ${id.value}`;
    case "email-domain":
      return `email domain ${id.value}`;
    case "key-id":
      return `key-id ${id.value}`;
    case "any":
      return "any";
  }
}

function localIdentity(id: DeepReadonly<Ikev2LocalIdentity> | undefined): string {
  if (!id) return "none";
  switch (id.kind) {
    case "dn":
      return "DN";
    case "fqdn":
      return `fqdn ${id.value}`;
    case "address":
      return `address ${formatIpv4(id.address)}`;
    case "email":
      return `email ${id.value}`;
    case "key-id":
      return `key-id ${id.value}`;
  }
}

/** IOS's default IKE SA lifetime. */
const DEFAULT_LIFETIME_SEC = 86400;

/** `refCount(name)`: the SAs using the profile now. */
export function formatIkev2Profiles(profiles: readonly DeepReadonly<Ikev2Profile>[], refCount: (name: string) => number): string {
  const lines: string[] = [];
  for (const p of profiles) {
    lines.push(`IKEv2 profile: ${p.name}`);
    if (p.description) lines.push(` Description: ${p.description}`);
    lines.push(` Ref Count: ${refCount(p.name) + 1}`);
    lines.push(" Match criteria: ");
    lines.push(`  Fvrf: ${p.matchFvrf === undefined ? "global" : p.matchFvrf}`);
    lines.push("  Local address/interface: none");
    if (p.matchIdentityRemote.length) {
      lines.push("  Identities: ");
      for (const id of p.matchIdentityRemote) lines.push(`   ${remoteIdentity(id)}`);
    } else lines.push("  Identities: none");
    lines.push(`  Certificate maps: ${p.matchCertificate.length ? p.matchCertificate.join(" ") : "none"}`);
    lines.push(` Local identity: ${localIdentity(p.identityLocal)}`);
    lines.push(" Remote identity: none");
    lines.push(` Local authentication method: ${p.authenticationLocal ?? "none"}`);
    lines.push(` Remote authentication method(s): ${p.authenticationRemote.length ? p.authenticationRemote.join(", ") : "none"}`);
    lines.push(" EAP options: none");
    lines.push(` Keyring: ${p.keyring ? (p.keyring.kind === "aaa" ? `aaa ${p.keyring.name}` : p.keyring.name) : "none"}`);
    lines.push(` Trustpoint(s): ${p.pkiTrustpoints.length ? p.pkiTrustpoints.join(" ") : "none"}`);
    lines.push(` Lifetime: ${p.lifetimeSec ?? DEFAULT_LIFETIME_SEC} seconds`);
    lines.push(p.dpd ? ` DPD: interval ${p.dpd.intervalSec}, retry ${p.dpd.retrySec}, ${p.dpd.mode}` : " DPD: disabled");
    lines.push(" NAT-keepalive: disabled");
    lines.push(` Ivrf: ${p.ivrf ?? "none"}`);
    lines.push(` Virtual-template: ${p.virtualTemplate ?? "none"}`);
    lines.push(" mode auto: none");
    lines.push(" AAA AnyConnect EAP authentication mode: none");
    lines.push(" AAA EAP authen and author method list: none");
    lines.push(" AAA Accounting: none");
    const group = p.aaaAuthorization.filter((a) => a.kind !== "eap");
    if (group.length) {
      lines.push(" AAA group authorization:");
      for (const a of group) lines.push(`  ${a.kind} list ${a.list}${a.name ? `, name ${a.name}` : ""}`);
    } else lines.push(" AAA group authorization: none");
    lines.push(" AAA user authorization: none");
    lines.push("");
  }
  return lines.join("\n");
}
