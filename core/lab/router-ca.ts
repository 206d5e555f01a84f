// A lab whose own router is the CA (`crypto pki server` with `ip http server`, as the seed's
// enrollment URLs point at INET): the trustpoints whose enrollment url names that router
// enrol with it over SCEP when they boot (`auto-enroll`, or `crypto pki enroll` typed on the
// console), so the lab PKI issues them nothing.
import { formatIpv4 } from "../router/wire/addr";
import type { RouterConfig } from "../router/config/model/router";
import type { Trustpoint } from "../router/config/model/crypto";

/** The addresses of the lab's routers that run an enabled certificate server and answer HTTP. */
export function routerCaAddresses(configs: readonly RouterConfig[]): Set<string> {
  const out = new Set<string>();
  for (const c of configs) {
    if (c.ipHttpServer !== true || !Object.values(c.crypto.pki.servers ?? {}).some((s) => !s.shutdown)) continue;
    for (const iface of Object.values(c.interfaces)) {
      if (iface.ipv4.kind !== "static") continue;
      for (const a of [iface.ipv4.primary, ...iface.ipv4.secondaries]) out.add(formatIpv4(a.address));
    }
  }
  return out;
}

/** Whether `tp` enrols with one of those routers: its URL's host is one of their addresses. */
export function enrolsWithRouterCa(tp: Trustpoint, caAddresses: ReadonlySet<string>): boolean {
  if (tp.enrollment?.kind !== "url") return false;
  const host = /^http:\/\/([^/:]+)/i.exec(tp.enrollment.url)?.[1];
  return host !== undefined && caAddresses.has(host);
}
