// Where each top-level command's lines go in running-config, in IOS's order. Orders in
// different fifties are different sections, set apart by a `!` line.

export const TOP = {
  version: 100,
  serviceTimestamps: 101,
  servicePasswordEncryption: 102,
  hostname: 200,
  bootStart: 300,
  bootEnd: 301,
  logging: 350,
  enable: 351,
  vrfDefinition: 400,
  aaaNewModel: 500,
  aaaAuthorization: 600,
  clock: 700,
  ipVrf: 800,
  ipDomainLookup: 900,
  ipDomainName: 901,
  ipCef: 902,
  ipv6Cef: 903,
  multilink: 1000,
  mplsLabelRange: 1001,
  mplsLdp: 1002,
  pkiToken: 1100,
  pkiServer: 1150,
  pkiTrustpoint: 1200,
  pkiCertMap: 1201,
  pkiChain: 1202,
  username: 1290,
  redundancy: 1300,
  ikev2Proposal: 1400,
  ikev2Policy: 1401,
  ikev2Keyring: 1402,
  ikev2AuthPolicy: 1403,
  ikev2Profile: 1404,
  ikev2Global: 1405,
  ipsecSaGlobal: 1499,
  ipsecTransformSet: 1500,
  ipsecProfile: 1501,
  interface: 1600,
  routerBgp: 1700,
  ipLocalPool: 1800,
  ipForwardProtocol: 1801,
  ipHttpServer: 1900,
  ipHttpSecureServer: 1901,
  ipSsh: 1902,
  ipRoute: 2000,
  ipPrefixList: 2050,
  routeMap: 2100,
  controlPlane: 2150,
  banner: 2160,
  line: 2200,
} as const;

export function sectionOf(order: number): number {
  return Math.floor(order / 50);
}

/** Orders lines by their sort keys: numbers numerically, text by character code. */
export function compareSortKeys(a: readonly (string | number)[] = [], b: readonly (string | number)[] = []): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
