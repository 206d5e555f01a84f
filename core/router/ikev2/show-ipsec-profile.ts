// `show crypto ipsec transform-set [NAME]` and `show crypto ipsec profile [NAME]`: what child
// SAs are negotiated from, as IOS prints it. They live with IKEv2 because IKEv2 is what reads
// them (proposals.ts, child.ts); the IPsec subsystem only installs the SAs it is handed. IOS's
// default transform sets and its implicit `default` profile are listed as IOS lists them, with
// the transforms our engine really offers for them (IOS_DEFAULT_TRANSFORM_SETS).

import type { IpsecProfile, IpsecSaGlobals, TransformSet } from "../config/model/crypto";
import type { DeepReadonly } from "../config/model/router";
import { CHILD_LIFETIME_KB, CHILD_LIFETIME_SEC } from "./child";
import { IOS_DEFAULT_TRANSFORM_SETS } from "./proposals";

/** A transform set's words as IOS shows them: `esp-aes 256` is "esp-256-aes", `esp-aes 128`
 * plain "esp-aes"; `esp-gcm 256` stays as typed. */
export function transformText(words: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const bits = words[i + 1];
    if (bits !== undefined && /^\d+$/.test(bits)) {
      i++;
      if (w === "esp-aes") out.push(bits === "128" ? "esp-aes" : `esp-${bits}-aes`);
      else out.push(bits === "128" ? w : `${w} ${bits}`);
    } else out.push(w);
  }
  return out.join(" ");
}

function setsByName(configured: Readonly<Record<string, DeepReadonly<TransformSet>>>): DeepReadonly<TransformSet>[] {
  return [...IOS_DEFAULT_TRANSFORM_SETS, ...Object.values(configured)];
}

/** `show crypto ipsec transform-set [NAME]`: IOS's default sets, then the configured ones. */
export function formatTransformSets(configured: Readonly<Record<string, DeepReadonly<TransformSet>>>, name?: string): string {
  const blocks = setsByName(configured)
    .filter((s) => name === undefined || s.name === name)
    .map((s) => [`Transform set ${s.name}: { ${transformText(s.transforms)}  } `, `   will negotiate = { ${s.mode === "transport" ? "Transport" : "Tunnel"},  }, `].join("\n"));
  return blocks.join("\n\n");
}

/** `show crypto ipsec profile [NAME]`: IOS's implicit `default` profile unless one is
 * configured under that name, then the configured ones. The implicit one uses the IKEv2
 * profile `default` when there is one (`hasDefaultIkev2Profile`; subsystem.ts initiates with
 * it). A profile without `set transform-set` negotiates with the default sets (child.ts), and
 * lists them. */
export function formatIpsecProfiles(config: {
  readonly profiles: Readonly<Record<string, DeepReadonly<IpsecProfile>>>;
  readonly transformSets: Readonly<Record<string, DeepReadonly<TransformSet>>>;
  readonly sa?: DeepReadonly<IpsecSaGlobals> | undefined;
}, hasDefaultIkev2Profile: boolean, name?: string): string {
  const implicit: DeepReadonly<IpsecProfile> = { name: "default", transformSets: [], responderOnly: false, ...(hasDefaultIkev2Profile ? { ikev2Profile: "default" } : {}) };
  const profiles = [...(config.profiles["default"] ? [] : [implicit]), ...Object.values(config.profiles)];
  const lines: string[] = [];
  for (const p of profiles) {
    if (name !== undefined && p.name !== name) continue;
    lines.push(`IPSEC profile ${p.name}`);
    if (p.ikev2Profile !== undefined) lines.push(`IKEv2 Profile: ${p.ikev2Profile}`);
    const kb = p.lifetimeKb ?? config.sa?.lifetimeKb ?? CHILD_LIFETIME_KB;
    const sec = p.lifetimeSec ?? config.sa?.lifetimeSec ?? CHILD_LIFETIME_SEC;
    lines.push(`Security association lifetime: ${kb} kilobytes/${sec} seconds`);
    lines.push("Dualstack (Y/N): N");
    lines.push(`Responder-Only (Y/N): ${p.responderOnly ? "Y" : "N"}`);
    lines.push(`PFS (Y/N): ${p.pfsGroup !== undefined ? "Y" : "N"}`);
    if (p.pfsGroup !== undefined) lines.push(`DH group:  ${p.pfsGroup}`);
    lines.push("Mixed-mode : Disabled");
    lines.push("Transform sets={ ");
    const sets = p.transformSets.length ? p.transformSets.map((n) => config.transformSets[n]).filter((s) => s !== undefined) : IOS_DEFAULT_TRANSFORM_SETS;
    for (const s of sets) lines.push(`${s.name}:  { ${transformText(s.transforms)}  } , `);
    lines.push("}");
  }
  return lines.join("\n");
}
