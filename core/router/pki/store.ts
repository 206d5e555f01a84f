// A router's certificates and keys, by trustpoint: what `crypto pki authenticate` and
// `crypto pki enroll` would have left in NVRAM. The lab PKI hands them over at boot; IKEv2
// will read them to sign and to check its peers.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { byCharCode } from "../config/names";

/** PEM texts for one trustpoint, as the lab PKI writes them. */
export interface TrustpointMaterial {
  readonly trustpoint: string;
  readonly caCertPem: string;
  readonly certPem?: string;
  readonly keyPem?: string;
}

export interface TrustpointCerts {
  readonly trustpoint: string;
  readonly ca: X509Certificate;
  readonly cert: X509Certificate | undefined;
  readonly key: KeyObject | undefined;
}

export class PkiStore {
  private readonly byTrustpoint = new Map<string, TrustpointCerts>();

  /** Installs one trustpoint's material; returns an IOS-style complaint when it does not fit. */
  install(m: TrustpointMaterial): string | undefined {
    let ca: X509Certificate;
    let cert: X509Certificate | undefined;
    let key: KeyObject | undefined;
    try {
      ca = new X509Certificate(m.caCertPem);
      cert = m.certPem ? new X509Certificate(m.certPem) : undefined;
      key = m.keyPem ? createPrivateKey(m.keyPem) : undefined;
    } catch (err) {
      return `%PKI-3-CERTIFICATE_INVALID: trustpoint ${m.trustpoint}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (cert && !cert.verify(ca.publicKey)) return `%PKI-3-CERTIFICATE_INVALID_NOT_ISSUED: trustpoint ${m.trustpoint}: certificate not issued by its CA`;
    if (cert && key && !cert.checkPrivateKey(key)) return `%PKI-3-KEY_MISMATCH: trustpoint ${m.trustpoint}: key does not match the certificate`;
    this.byTrustpoint.set(m.trustpoint, { trustpoint: m.trustpoint, ca, cert, key });
    return undefined;
  }

  /** Puts what `crypto pki authenticate` (the CA) or `enroll` (the certificate and key) got. */
  put(certs: TrustpointCerts): void {
    this.byTrustpoint.set(certs.trustpoint, certs);
  }

  get(trustpoint: string): TrustpointCerts | undefined {
    return this.byTrustpoint.get(trustpoint);
  }

  all(): TrustpointCerts[] {
    return [...this.byTrustpoint.values()].sort((a, b) => byCharCode(a.trustpoint, b.trustpoint));
  }
}
