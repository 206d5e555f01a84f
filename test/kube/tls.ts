// A CA and a server certificate for 127.0.0.1, made with openssl for a test's fake API
// server, as a cluster's kubeconfig carries its CA (certificate-authority-data).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestTls {
  readonly ca: string;
  readonly key: string;
  readonly cert: string;
  /** A client certificate from the same CA (user "flexlab-tester", group system:masters). */
  readonly clientKey: string;
  readonly clientCert: string;
}

/** undefined when openssl is not installed. */
export function makeTestTls(): TestTls | undefined {
  const dir = mkdtempSync(join(tmpdir(), "flexlab-kube-tls-"));
  const ssl = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  try {
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=fake-kubernetes-ca");
    writeFileSync(join(dir, "ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver");
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext");
    writeFileSync(join(dir, "client-ext"), "extendedKeyUsage=clientAuth\n");
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/O=system:masters/CN=flexlab-tester");
    ssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "2", "-extfile", "client-ext");
    const read = (f: string): string => readFileSync(join(dir, f), "utf8");
    return { ca: read("ca.crt"), key: read("server.key"), cert: read("server.crt"), clientKey: read("client.key"), clientCert: read("client.crt") };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
