// IKEv2 numbers from the IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registry
// (RFC 7296 §3 and the RFCs that extend it). Keys are the IANA names, which IOS prints as is
// in `debug crypto ikev2` ("NOTIFY(INITIAL_CONTACT)", "ENCR_AES_CBC"); every field stays a
// plain number in the reprs, so a number missing here round-trips and its name reads
// "Unknown(n)".

/** Exchange types (RFC 7296 §3.1; IKE_SESSION_RESUME RFC 5723, IKE_INTERMEDIATE RFC 9242). */
export const IkeExchangeType = {
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
  IKE_SESSION_RESUME: 38,
  IKE_INTERMEDIATE: 43,
} as const;

/** Next Payload values (RFC 7296 §3.2; SKF RFC 7383). */
export const IkePayloadType = {
  NONE: 0,
  SA: 33,
  KE: 34,
  IDi: 35,
  IDr: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  Nonce: 40,
  N: 41,
  D: 42,
  V: 43,
  TSi: 44,
  TSr: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const;

/** Security protocol identifiers in proposals, notifies and deletes (RFC 7296 §3.3.1). */
export const IkeProtocolId = {
  IKE: 1,
  AH: 2,
  ESP: 3,
} as const;

/** Transform types (RFC 7296 §3.3.2). */
export const TransformType = {
  ENCR: 1,
  PRF: 2,
  INTEG: 3,
  DH: 4,
  ESN: 5,
} as const;

/** Transform type 1 IDs (RFC 7296 §3.3.2, RFC 4106/4309/7634). */
export const EncrId = {
  ENCR_DES_IV64: 1,
  ENCR_DES: 2,
  ENCR_3DES: 3,
  ENCR_NULL: 11,
  ENCR_AES_CBC: 12,
  ENCR_AES_CTR: 13,
  ENCR_AES_CCM_8: 14,
  ENCR_AES_CCM_12: 15,
  ENCR_AES_CCM_16: 16,
  ENCR_AES_GCM_8: 18,
  ENCR_AES_GCM_12: 19,
  ENCR_AES_GCM_16: 20,
  ENCR_CHACHA20_POLY1305: 28,
} as const;

/** Transform type 2 IDs. */
export const PrfId = {
  PRF_HMAC_MD5: 1,
  PRF_HMAC_SHA1: 2,
  PRF_AES128_XCBC: 4,
  PRF_HMAC_SHA2_256: 5,
  PRF_HMAC_SHA2_384: 6,
  PRF_HMAC_SHA2_512: 7,
  PRF_AES128_CMAC: 8,
} as const;

/** Transform type 3 IDs. */
export const IntegId = {
  NONE: 0,
  AUTH_HMAC_MD5_96: 1,
  AUTH_HMAC_SHA1_96: 2,
  AUTH_AES_XCBC_96: 5,
  AUTH_AES_CMAC_96: 8,
  AUTH_HMAC_SHA2_256_128: 12,
  AUTH_HMAC_SHA2_384_192: 13,
  AUTH_HMAC_SHA2_512_256: 14,
} as const;

/** Transform type 4 IDs: Diffie-Hellman groups, as IOS numbers them (`group 14`). */
export const DhGroup = {
  NONE: 0,
  MODP_768: 1,
  MODP_1024: 2,
  MODP_1536: 5,
  MODP_2048: 14,
  MODP_3072: 15,
  MODP_4096: 16,
  MODP_6144: 17,
  MODP_8192: 18,
  ECP_256: 19,
  ECP_384: 20,
  ECP_521: 21,
  MODP_2048_256: 24,
  CURVE25519: 31,
  CURVE448: 32,
} as const;

/** Transform type 5 IDs. */
export const EsnId = {
  NO_ESN: 0,
  ESN: 1,
} as const;

/** Transform attribute types (RFC 7296 §3.3.5). Key Length is always TV (the AF bit set). */
export const TransformAttributeType = {
  KEY_LENGTH: 14,
} as const;

/** ID types in IDi/IDr (RFC 7296 §3.5; ID_NULL RFC 7619). */
export const IkeIdType = {
  ID_IPV4_ADDR: 1,
  ID_FQDN: 2,
  ID_RFC822_ADDR: 3,
  ID_IPV6_ADDR: 5,
  ID_DER_ASN1_DN: 9,
  ID_DER_ASN1_GN: 10,
  ID_KEY_ID: 11,
  ID_FC_NAME: 12,
  ID_NULL: 13,
} as const;

/** Certificate encodings in CERT and CERTREQ (RFC 7296 §3.6; RAW_PUBLIC_KEY RFC 7670). */
export const CertEncoding = {
  PKCS7_WRAPPED_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_CERT_SIGNATURE: 4,
  KERBEROS_TOKEN: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_CERT_ATTRIBUTE: 10,
  HASH_URL_X509_CERT: 12,
  HASH_URL_X509_BUNDLE: 13,
  RAW_PUBLIC_KEY: 15,
} as const;

/** Authentication methods (RFC 7296 §3.8; ECDSA RFC 4754; 14 RFC 7427). */
export const AuthMethod = {
  RSA_DIGITAL_SIGNATURE: 1,
  SHARED_KEY_MIC: 2,
  DSS_DIGITAL_SIGNATURE: 3,
  ECDSA_SHA256_P256: 9,
  ECDSA_SHA384_P384: 10,
  ECDSA_SHA512_P521: 11,
  GENERIC_SECURE_PASSWORD: 12,
  NULL_AUTH: 13,
  DIGITAL_SIGNATURE: 14,
} as const;

/**
 * Notify message types (RFC 7296 §3.10.1). 1-16383 are errors, 16384 and up status.
 * MULTIPLE_AUTH_SUPPORTED and ANOTHER_AUTH_FOLLOWS RFC 4739, REDIRECT* RFC 5685, IKEV2_FRAGMENTATION_SUPPORTED RFC 7383, SIGNATURE_HASH_ALGORITHMS
 * RFC 7427, MOBIKE RFC 4555, EAP_ONLY_AUTHENTICATION RFC 5998, CHILDLESS RFC 6023.
 */
export const NotifyType = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  MOBIKE_SUPPORTED: 16396,
  MULTIPLE_AUTH_SUPPORTED: 16404,
  ANOTHER_AUTH_FOLLOWS: 16405,
  REDIRECT_SUPPORTED: 16406,
  REDIRECT: 16407,
  REDIRECTED_FROM: 16408,
  EAP_ONLY_AUTHENTICATION: 16417,
  CHILDLESS_IKEV2_SUPPORTED: 16418,
  IKEV2_FRAGMENTATION_SUPPORTED: 16430,
  SIGNATURE_HASH_ALGORITHMS: 16431,
} as const;

/** The first status type: anything below is an error (RFC 7296 §3.10.1). */
export const NOTIFY_FIRST_STATUS = 16384;

/** Traffic selector types (RFC 7296 §3.13.1). */
export const TsType = {
  TS_IPV4_ADDR_RANGE: 7,
  TS_IPV6_ADDR_RANGE: 8,
} as const;

/** Configuration payload types (RFC 7296 §3.15). */
export const CfgType = {
  CFG_REQUEST: 1,
  CFG_REPLY: 2,
  CFG_SET: 3,
  CFG_ACK: 4,
} as const;

/** Configuration attribute types (RFC 7296 §3.15.1). Cisco's private ones (16384-32767) are
 * in CiscoCfgAttributeType. */
export const CfgAttributeType = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
} as const;

/** Cisco's private configuration attributes that FlexVPN uses: the authorization policy's
 * `banner` and `def-domain` travel in the numbers of Cisco's Unity client extensions (named
 * UNITY_BANNER and UNITY_DEF_DOMAIN in strongSwan's attribute table and in Wireshark's IKEv1
 * one; Wireshark's IKEv2 table calls the whole range private use, so they stay unnamed in
 * cfgAttributeTypeName as they do there). Others round-trip unnamed. */
export const CiscoCfgAttributeType = {
  UNITY_BANNER: 28672,
  UNITY_DEF_DOMAIN: 28674,
} as const;

function namer(table: Readonly<Record<string, number>>): (n: number) => string {
  const names = new Map<number, string>(Object.entries(table).map(([name, value]) => [value, name]));
  return (n) => names.get(n) ?? `Unknown(${n})`;
}

/** "IKE_SA_INIT", or "Unknown(40)". */
export const ikeExchangeTypeName = namer(IkeExchangeType);
/** "SA", "N", "SKF", or "Unknown(49)". */
export const ikePayloadTypeName = namer(IkePayloadType);
export const ikeProtocolIdName = namer(IkeProtocolId);
export const transformTypeName = namer(TransformType);
export const ikeIdTypeName = namer(IkeIdType);
export const certEncodingName = namer(CertEncoding);
export const authMethodName = namer(AuthMethod);
/** "INVALID_KE_PAYLOAD", "NAT_DETECTION_SOURCE_IP", or "Unknown(40960)". */
export const notifyTypeName = namer(NotifyType);
export const tsTypeName = namer(TsType);
export const cfgTypeName = namer(CfgType);
export const cfgAttributeTypeName = namer(CfgAttributeType);

const transformIdNamers = new Map<number, (n: number) => string>([
  [TransformType.ENCR, namer(EncrId)],
  [TransformType.PRF, namer(PrfId)],
  [TransformType.INTEG, namer(IntegId)],
  [TransformType.DH, namer(DhGroup)],
  [TransformType.ESN, namer(EsnId)],
]);

/** A transform ID's name within its type: (1, 12) is "ENCR_AES_CBC", (4, 14) "MODP_2048". */
export function transformIdName(type: number, id: number): string {
  const name = transformIdNamers.get(type);
  return name ? name(id) : `Unknown(${id})`;
}
