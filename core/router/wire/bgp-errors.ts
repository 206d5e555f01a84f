// BGP's error vocabulary, shared by the message parser (bgp.ts) and the path attribute parser
// (bgp-attributes.ts): the NOTIFICATION error codes and subcodes (RFC 4271 §4.5, RFC 4486,
// RFC 5492, RFC 7313) and `BgpError`, a WireError that also says what a speaker should do
// about it under RFC 7606 (reset the session, treat the UPDATE as a withdraw, or discard the
// attribute) and which NOTIFICATION to send when that is a reset (RFC 4271 §6).

import { WireError } from "./errors";

/** NOTIFICATION error codes (RFC 4271 §4.5; 7 from RFC 7313). */
export const BgpErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FiniteStateMachine: 5,
  Cease: 6,
  RouteRefreshMessage: 7,
} as const;

/** Message Header Error subcodes (RFC 4271 §6.1). */
export const BgpHeaderSubcode = { ConnectionNotSynchronized: 1, BadMessageLength: 2, BadMessageType: 3 } as const;

/** OPEN Message Error subcodes (RFC 4271 §6.2; 7 from RFC 5492). 0 is "unspecific". */
export const BgpOpenSubcode = {
  Unspecific: 0,
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 §6.3). */
export const BgpUpdateSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** Cease subcodes (RFC 4486 §4). */
export const BgpCeaseSubcode = {
  MaximumPrefixesReached: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
} as const;

/** ROUTE-REFRESH Message Error subcodes (RFC 7313 §5). */
export const BgpRouteRefreshSubcode = { InvalidMessageLength: 1 } as const;

const codeNames = new Map<number, string>(Object.entries(BgpErrorCode).map(([name, value]) => [value, name]));
const subcodeNames = new Map<number, Map<number, string>>(
  (
    [
      [BgpErrorCode.MessageHeader, BgpHeaderSubcode],
      [BgpErrorCode.OpenMessage, BgpOpenSubcode],
      [BgpErrorCode.UpdateMessage, BgpUpdateSubcode],
      [BgpErrorCode.Cease, BgpCeaseSubcode],
      [BgpErrorCode.RouteRefreshMessage, BgpRouteRefreshSubcode],
    ] as const
  ).map(([code, subcodes]) => [code, new Map(Object.entries(subcodes).map(([name, value]) => [value as number, name]))]),
);

/** "UpdateMessage", or "Unknown(9)". */
export function bgpErrorCodeName(code: number): string {
  return codeNames.get(code) ?? `Unknown(${code})`;
}

/** "MalformedAsPath" for (3, 11); "Unspecific" for subcode 0 of any code; "Unknown(n)" else. */
export function bgpErrorSubcodeName(code: number, subcode: number): string {
  if (subcode === 0) return "Unspecific";
  return subcodeNames.get(code)?.get(subcode) ?? `Unknown(${subcode})`;
}

/**
 * What RFC 7606 says a speaker does about an error, least drastic last:
 * - "session-reset": send the NOTIFICATION this error carries and close the session;
 * - "treat-as-withdraw": withdraw every route the UPDATE carries (its NLRI, its
 *   MP_REACH_NLRI's and its MP_UNREACH_NLRI's) instead of installing any of them (§2);
 * - "attribute-discard": drop the one attribute and process the UPDATE without it (§2).
 */
export type BgpErrorAction = "session-reset" | "treat-as-withdraw" | "attribute-discard";

const SEVERITY: Record<BgpErrorAction, number> = { "session-reset": 2, "treat-as-withdraw": 1, "attribute-discard": 0 };

/** The more drastic of two actions (session reset beats treat-as-withdraw beats discard). */
export function worseAction(a: BgpErrorAction, b: BgpErrorAction): BgpErrorAction {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** A BGP parse error: a WireError (protocol "bgp", field, offset, reason) that also carries
 * the RFC 7606 action and the NOTIFICATION (code, subcode, data per RFC 4271 §6) to send
 * when the action is a session reset. */
export class BgpError extends WireError {
  constructor(
    field: string,
    offset: number,
    reason: string,
    readonly action: BgpErrorAction,
    readonly code: number,
    readonly subcode: number,
    /** The NOTIFICATION's data field, e.g. the erroneous attribute (type, length, value). */
    readonly data: Uint8Array = new Uint8Array(0),
    /** The path attribute type code at fault, when the error is in one. */
    readonly attributeType?: number,
  ) {
    super("bgp", field, offset, reason);
  }

  override toString(): string {
    return `${super.toString()} (${this.action}, NOTIFICATION ${bgpErrorCodeName(this.code)}/${bgpErrorSubcodeName(this.code, this.subcode)})`;
  }
}

/** A session-reset error with a NOTIFICATION code and subcode: the common case outside
 * path attributes. */
export function bgpReset(field: string, offset: number, reason: string, code: number, subcode: number, data?: Uint8Array): BgpError {
  return new BgpError(field, offset, reason, "session-reset", code, subcode, data);
}
