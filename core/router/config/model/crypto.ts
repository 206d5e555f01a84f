// Crypto configuration: PKI trustpoints, certificate maps and chains; IKEv2 proposals,
// policies, keyrings, authorization policies and profiles; IPsec transform-sets and profiles.

import type { Ipv4 } from "../../wire/addr";

export interface Trustpoint {
  name: string;
  enrollment?: { kind: "url"; url: string } | { kind: "terminal" } | { kind: "selfsigned" };
  /** `password [TEXT]`: the challenge password; IOS shows a bare `password` line too. */
  password?: { value?: string };
  /** CA certificate fingerprint, upper-case hex. */
  fingerprint?: string;
  subjectName?: string;
  /** `revocation-check crl none`: methods in order of use. */
  revocationCheck?: ("crl" | "none" | "ocsp")[];
  rsakeypair?: { label: string; sizeBits?: number };
  /** `auto-enroll [PERCENT] [regenerate]`. */
  autoEnroll?: { percent?: number; regenerate: boolean };
  /** `vrf NAME`: the VRF enrolment reaches the CA through (the global table when absent). */
  vrf?: string;
}

export type CertificateField = "subject-name" | "issuer-name" | "alt-subject-name" | "name" | "unstructured-subject-name";
export type CertificateOp = "co" | "eq" | "nc" | "ne" | "ge" | "lt";

export interface CertificateMapEntry {
  name: string;
  seq: number;
  /** IOS lower-cases the values. */
  rules: { field: CertificateField; op: CertificateOp; value: string }[];
}

export interface Certificate {
  /** Serial number, upper-case hex. */
  serial: string;
  ca: boolean;
  /** `certificate self-signed N`: the router's own self-signed certificate (IOS makes one for
   * its HTTPS server, trustpoint TP-self-signed-…); kept, never used to authenticate. */
  selfSigned?: true;
  /** The certificate body as typed: lines of hex words. */
  hex: string[];
}

export interface CertificateChain {
  trustpoint: string;
  certificates: Certificate[];
}

export interface Ikev2Proposal {
  name: string;
  encryption: string[];
  integrity: string[];
  prf: string[];
  groups: number[];
}

export interface Ikev2Policy {
  name: string;
  proposals: string[];
  matchFvrf?: string;
  matchAddressLocal: Ipv4[];
}

export interface Ikev2KeyringPeer {
  name: string;
  address?: { address: Ipv4; mask?: Ipv4 };
  hostname?: string;
  identity?: { kind: "address"; address: Ipv4 } | { kind: "fqdn" | "email" | "key-id"; value: string };
  preSharedKey?: string;
  preSharedKeyLocal?: string;
  preSharedKeyRemote?: string;
}

export interface Ikev2Keyring {
  name: string;
  peers: Record<string, Ikev2KeyringPeer>;
}

export interface Ikev2AuthorizationPolicy {
  name: string;
  pool?: string;
  /** The text between the delimiters of `banner ^C text ^C`. */
  banner?: string;
  defDomain?: string;
  dns: Ipv4[];
  /** `route set interface [NAME]`: push the tunnel's (or NAME's) address as a route. */
  routeSetInterface?: { interface?: string };
  /** `route set access-list ACL`: the networks a standard ACL permits, pushed as routes. */
  routeSetAccessList?: string;
  /** `route set remote ipv4 A.B.C.D MASK`, pushed as routes. */
  routeSetRemote?: { address: Ipv4; mask: Ipv4 }[];
  /** `route accept any [tag N] [distance N]`: the tag and administrative distance of the
   * routes the peer pushes. Absent, they are accepted all the same with IOS's defaults. */
  routeAccept?: { tag?: number; distance?: number };
  netmask?: Ipv4;
}

export type Ikev2RemoteIdentity =
  | { kind: "fqdn"; value: string }
  | { kind: "fqdn-domain"; value: string }
  | { kind: "address"; address: Ipv4; mask?: Ipv4 }
  | { kind: "email"; value: string }
  | { kind: "email-domain"; value: string }
  | { kind: "key-id"; value: string }
  | { kind: "any" };

export type Ikev2LocalIdentity =
  | { kind: "dn" }
  | { kind: "fqdn"; value: string }
  | { kind: "address"; address: Ipv4 }
  | { kind: "email"; value: string }
  | { kind: "key-id"; value: string };

export type Ikev2AuthMethod = "rsa-sig" | "pre-share" | "ecdsa-sig";

export interface Ikev2AaaAuthorization {
  /** `aaa authorization group (cert|psk|eap) list LIST [NAME]`. */
  kind: "cert" | "psk" | "eap";
  list: string;
  name?: string;
}

export interface Ikev2Profile {
  name: string;
  description?: string;
  matchIdentityRemote: Ikev2RemoteIdentity[];
  matchCertificate: string[];
  matchFvrf?: string;
  identityLocal?: Ikev2LocalIdentity;
  authenticationLocal?: Ikev2AuthMethod;
  authenticationRemote: Ikev2AuthMethod[];
  keyring?: { kind: "local" | "aaa"; name: string };
  pkiTrustpoints: string[];
  dpd?: { intervalSec: number; retrySec: number; mode: "on-demand" | "periodic" };
  aaaAuthorization: Ikev2AaaAuthorization[];
  virtualTemplate?: number;
  lifetimeSec?: number;
  ivrf?: string;
}

export interface TransformSet {
  name: string;
  /** e.g. ["esp-aes", "256"] → "esp-aes 256"; kept as IOS spells them. */
  transforms: string[];
  mode: "tunnel" | "transport";
}

export interface IpsecProfile {
  name: string;
  ikev2Profile?: string;
  transformSets: string[];
  pfsGroup?: string;
  /** `set security-association lifetime seconds|kilobytes`: overrides the global lifetime. */
  lifetimeSec?: number;
  lifetimeKb?: number;
  responderOnly: boolean;
}

/** The global `crypto ipsec security-association …` settings; absent fields are IOS's defaults. */
export interface IpsecSaGlobals {
  lifetimeSec?: number;
  lifetimeKb?: number;
  /** `replay window-size N` (64 when absent). */
  replayWindow?: number;
  /** `replay disable`. */
  replayDisabled?: boolean;
}

/** `crypto pki server NAME`: a certificate server (a CA) on the router. */
export interface PkiServer {
  name: string;
  /** `issuer-name DN`: the CA certificate's subject (IOS's default is CN=NAME). */
  issuerName?: string;
  /** `grant auto` issues every request at once; `grant none` rejects them; absent: manual
   * (pending until `crypto pki server NAME grant`). */
  grant?: "auto" | "none";
  /** `lifetime certificate DAYS` (IOS default 365). */
  certificateLifetimeDays?: number;
  /** `lifetime ca-certificate DAYS` (IOS default 1095). */
  caCertificateLifetimeDays?: number;
  /** `database level minimum|names|complete`. */
  databaseLevel?: "minimum" | "names" | "complete";
  /** `database url URL`: where IOS writes its database; FlexLab keeps it in the node's NVRAM whatever the URL (pki/ca-server.ts). */
  databaseUrl?: string;
  /** `shutdown`: stopped (see crypto-pki.ts on the default). */
  shutdown: boolean;
}

export interface CryptoConfig {
  pki: {
    /** Absent in configs saved before certificate servers existed. */
    servers?: Record<string, PkiServer>;
    trustpoints: Record<string, Trustpoint>;
    /** By map name, entries in sequence order. */
    certificateMaps: Record<string, CertificateMapEntry[]>;
    certificateChains: Record<string, CertificateChain>;
  };
  ikev2: {
    proposals: Record<string, Ikev2Proposal>;
    policies: Record<string, Ikev2Policy>;
    keyrings: Record<string, Ikev2Keyring>;
    authorizationPolicies: Record<string, Ikev2AuthorizationPolicy>;
    profiles: Record<string, Ikev2Profile>;
    /** `crypto ikev2 fragmentation [mtu N]` (RFC 7383); absent: off, as on IOS. */
    fragmentation?: { mtu?: number };
  };
  ipsec: {
    transformSets: Record<string, TransformSet>;
    profiles: Record<string, IpsecProfile>;
    /** Absent in configs saved before the global SA settings existed. */
    sa?: IpsecSaGlobals;
  };
}

export function newCrypto(): CryptoConfig {
  return {
    pki: { servers: {}, trustpoints: {}, certificateMaps: {}, certificateChains: {} },
    ikev2: { proposals: {}, policies: {}, keyrings: {}, authorizationPolicies: {}, profiles: {} },
    ipsec: { transformSets: {}, profiles: {} },
  };
}
