// The contract between IKEv2 and IPsec: what IKEv2 hands over for each child SA it
// negotiated (through `router.subsystem(ipsecSubsystem).install`), the lifetime events it
// gets back, and the handle it removes the pair with. Changes stay additive; ikev2/ imports
// this file and the subsystem instance, nothing else of ipsec/.
import type { Ipv4 } from "../wire/addr";

export type EspCipher = "aes-gcm-128" | "aes-gcm-256" | "aes-cbc-128" | "aes-cbc-256" | "null";
/** "none" goes with GCM, whose ICV is its own tag. */
export type EspInteg = "sha1-96" | "sha256-128" | "sha384-192" | "sha512-256" | "none";

/** One direction of a child SA, as IKEv2 negotiated it (keys from KEYMAT, RFC 7296 §2.17:
 * for GCM the key material includes the 4-byte salt at the end, RFC 4106 §8.1). */
export interface EspSaParams {
  /** The SPI on the wire for this direction. */
  readonly spi: number;
  readonly cipher: EspCipher;
  readonly integ: EspInteg;
  /** The cipher key (with the salt last for GCM). */
  readonly encKey: Uint8Array;
  readonly integKey?: Uint8Array;
  readonly mode: "transport" | "tunnel";
  /** Outer addresses: ours and the peer's. */
  readonly local: Ipv4;
  readonly remote: Ipv4;
  /** RFC 3948 UDP encapsulation, when IKEv2 detected a NAT. */
  readonly natT?: { readonly localPort: number; readonly remotePort: number };
  /** 64 by default (`crypto ipsec security-association replay window-size`). */
  readonly replayWindow: number;
  /** 3600 is IOS's default. */
  readonly lifetimeSeconds: number;
  /** 4608000 is IOS's default. */
  readonly lifetimeKilobytes: number;
}

/** A traffic selector as IKEv2 carries it (RFC 7296 §3.13.1), IPv4 only. */
export interface TrafficSelector {
  readonly protocol: number;
  readonly startAddress: Ipv4;
  readonly endAddress: Ipv4;
  readonly startPort: number;
  readonly endPort: number;
}

export interface ChildSaPair {
  readonly inbound: EspSaParams;
  readonly outbound: EspSaParams;
  /** What the SA protects, for `show crypto ipsec sa`'s idents; the tunnel's endpoints
   * (GRE, protocol 47) or anything (a VTI) when absent. */
  readonly trafficSelectors?: { readonly local: TrafficSelector; readonly remote: TrafficSelector };
  /** `PFS (Y/N)` and its DH group, for show. */
  readonly pfsGroup?: number;
}

/** What the ipsec subsystem tells the SA's owner (IKEv2) about its lifetime. */
export interface IpsecSaEvents {
  /** "soft": time to rekey (90% of a lifetime, or the sequence number running out);
   * "hard": the SA is gone, removed by ipsec itself. */
  expiring(kind: "soft" | "hard"): void;
}

/** An installed child SA pair; pass it to `remove`. */
export interface IpsecSaHandle {
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  /** The tunnel interface it protects. */
  readonly interfaceName: string;
}

/** IOS's defaults for a child SA (`show crypto ipsec security-association lifetime`). */
export const IPSEC_DEFAULT_LIFETIME_SECONDS = 3600;
export const IPSEC_DEFAULT_LIFETIME_KILOBYTES = 4_608_000;
export const IPSEC_DEFAULT_REPLAY_WINDOW = 64;

/** Key bytes each cipher takes, salt included for GCM (RFC 4106 §8.1). */
export function encKeyBytes(cipher: EspCipher): number {
  switch (cipher) {
    case "aes-gcm-128":
      return 16 + 4;
    case "aes-gcm-256":
      return 32 + 4;
    case "aes-cbc-128":
      return 16;
    case "aes-cbc-256":
      return 32;
    case "null":
      return 0;
  }
}

/** HMAC key bytes for each integrity algorithm (RFC 2404, RFC 4868: the hash's output size). */
export function integKeyBytes(integ: EspInteg): number {
  switch (integ) {
    case "sha1-96":
      return 20;
    case "sha256-128":
      return 32;
    case "sha384-192":
      return 48;
    case "sha512-256":
      return 64;
    case "none":
      return 0;
  }
}
