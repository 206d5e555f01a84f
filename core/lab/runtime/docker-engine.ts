// The Docker engine as the docker runtime and the image builder see it: found through
// dockerode's defaults (DOCKER_HOST, else /var/run/docker.sock), asked for its API version
// once, and then always spoken to at a pinned version so its behaviour is the one we know.
// Failures come back as values with a message that says what to do.
import Docker from "dockerode";
import type { Result } from "../../api/result";

/** Docker 20.10 (Debian's docker.io): the oldest engine FlexLab drives. */
export const MIN_API_VERSION = "1.41";
/** The newest API whose container/network semantics we rely on: from 1.44 an endpoint's MAC
 * is honoured on every network, not only the first. */
export const MAX_API_VERSION = "1.44";

const PING_TIMEOUT_MS = 1500;

export const NO_ENGINE_HINT = "no Docker engine: install docker.io and start dockerd";

export interface Engine {
  readonly docker: Docker;
  /** The API version every request is pinned to, e.g. "1.41". */
  readonly apiVersion: string;
  /** The engine's own version, e.g. "20.10.24+dfsg1". */
  readonly engineVersion: string;
}

export type EngineResult = Result<{ engine: Engine }>;

/** "1.41" < "1.44" < "1.100": compares dotted numbers. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The version to pin for an engine speaking up to `engineApi`, or undefined when it is too old. */
export function pinnedApiVersion(engineApi: string): string | undefined {
  if (compareApiVersions(engineApi, MIN_API_VERSION) < 0) return undefined;
  return compareApiVersions(engineApi, MAX_API_VERSION) > 0 ? MAX_API_VERSION : engineApi;
}

/** Where dockerode will look for the engine, for messages. */
function engineAddress(): string {
  return process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
}

/** The HTTP status of a failed engine request (dockerode puts it on the error), if any. */
export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "statusCode" in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    if (typeof code === "number") return code;
  }
  return undefined;
}

/** The engine's own words for a failed request: its JSON `message`, else the error's text. */
export function engineMessage(err: unknown): string {
  if (typeof err === "object" && err !== null && "json" in err) {
    const json = (err as { json: unknown }).json;
    if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") return json.message;
    if (typeof json === "string" && json.trim()) return json.trim();
  }
  if (err instanceof Error) return err.message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, "").trim();
  return String(err);
}

/** Whether the error means the engine is not there at all (no socket, refused, timed out). */
export function isUnreachable(err: unknown): boolean {
  const code = typeof err === "object" && err !== null && "code" in err ? (err as { code: unknown }).code : undefined;
  return (
    ["ENOENT", "ECONNREFUSED", "EACCES", "ETIMEDOUT", "ECONNRESET", "EPIPE", "ABORT_ERR"].includes(String(code)) ||
    (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))
  );
}

function unreachableMessage(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : "";
  if (code === "EACCES") return `cannot talk to the Docker engine at ${engineAddress()}: permission denied (add yourself to the docker group, or run as root)`;
  return `${NO_ENGINE_HINT} (nothing answers at ${engineAddress()}: ${code || engineMessage(err)})`;
}

/** Whether an engine answers a ping within a short time. Never rejects. */
export async function dockerAvailable(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  try {
    await new Docker({ timeout: timeoutMs }).ping();
    return true;
  } catch {
    return false;
  }
}

/** Finds the engine, agrees on an API version, and returns a client pinned to it. */
export async function connectEngine(timeoutMs = PING_TIMEOUT_MS * 2): Promise<EngineResult> {
  let info: Docker.DockerVersion;
  try {
    info = await new Docker({ timeout: timeoutMs }).version();
  } catch (err) {
    return { ok: false, message: unreachableMessage(err) };
  }
  const pinned = pinnedApiVersion(info.ApiVersion);
  if (!pinned) {
    return {
      ok: false,
      message: `the Docker engine at ${engineAddress()} is too old (${info.Version}, API ${info.ApiVersion}); FlexLab needs API ${MIN_API_VERSION} (Docker 20.10) or newer`,
    };
  }
  return { ok: true, engine: { docker: new Docker({ version: `v${pinned}` }), apiVersion: pinned, engineVersion: info.Version } };
}
