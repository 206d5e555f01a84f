// What each mgmt API method does on a router (the contract is core/api/mgmt.ts). Handlers get
// params already validated and return an outcome value; the server (mgmt-server.ts) does the
// WebSocket, the envelopes and the error mapping. Watches belong to the connection that made
// them and end with it.
import type { MgmtError, MgmtMethod, MgmtParams, MgmtPushParams, MgmtResult } from "../../api/mgmt";
import { parseTableRows, type TableName } from "../../api/tables";
import { Shell } from "../cli/shell";
import { parseConfig } from "../config/parse";
import type { CableNic } from "../io/cable-nic";
import type { TapNic } from "../io/tap";
import type { UdpTunnelNic } from "../io/udp-tunnel";
import type { Router } from "../node/router";
import { tableRows } from "./tables";
import { TunnelInterface } from "../net/tunnel";
import { LinkType } from "../wire/pcap";
import { buildGreDeviceSll } from "../wire/sll";
import type { BugReporter } from "../clock/guarded";

/** The node the handlers serve. */
export interface NodeContext {
  readonly name: string;
  readonly router: Router;
  readonly version: string;
  /** Capturable Ethernet ports, by IOS name. */
  readonly taps: ReadonlyMap<string, TapNic>;
  /** The linked ports' cables (impairment, carrier), by IOS name. */
  readonly cables: ReadonlyMap<string, CableNic>;
  /** The UDP-tunnel ports (their peers are set by `link.peers`), by IOS name; absent: none. */
  readonly tunnels?: ReadonlyMap<string, UdpTunnelNic>;
  readonly reportBug: BugReporter;
}

interface Watch {
  readonly kind: "tables" | "events" | "capture";
  stop(): void;
}

/** One mgmt connection: where its pushes go and the watches it holds. */
export interface MgmtPeer {
  push(params: MgmtPushParams): void;
  /** The socket's send buffer is full: captures drop frames rather than queue without end. */
  readonly congested: boolean;
  readonly watches: Map<number, Watch>;
}

/** A result (and what to do once it has been sent, such as a watch's first push), or an error. */
export type Outcome<T> = { readonly result: T; readonly afterReply?: () => void } | { readonly error: MgmtError };

export type MgmtHandlers = {
  readonly [M in MgmtMethod]: (params: MgmtParams<M>, peer: MgmtPeer) => Outcome<MgmtResult<M>> | Promise<Outcome<MgmtResult<M>>>;
};

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** How long a timed-out command may take to reach its next stopping point before the reply goes anyway. */
const STOP_GRACE_MS = 2_000;
const DEFAULT_WATCH_INTERVAL_MS = 1_000;

/** Wall-clock nanoseconds for capture timestamps: the epoch from Date, the resolution from hrtime. */
const EPOCH_OFFSET_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const nowNs = (): string => (process.hrtime.bigint() + EPOCH_OFFSET_NS).toString();

export function mgmtHandlers(ctx: NodeContext): MgmtHandlers {
  const { router } = ctx;
  let lastWatchId = 0;

  function addWatch(peer: MgmtPeer, kind: Watch["kind"], start: (watchId: number) => () => void): number {
    const watchId = ++lastWatchId;
    peer.watches.set(watchId, { kind, stop: start(watchId) });
    return watchId;
  }

  function stopWatch(peer: MgmtPeer, watchId: number, kind?: Watch["kind"]): Outcome<Record<string, never>> {
    const watch = peer.watches.get(watchId);
    if (!watch || (kind !== undefined && watch.kind !== kind)) return { error: { code: "not-found", message: `no ${kind === "capture" ? "capture" : "watch"} ${watchId} on this connection` } };
    peer.watches.delete(watchId);
    watch.stop();
    return { result: {} };
  }

  /** A table's rows, checked against its schema: a row the schema refuses is a router bug. */
  function validRows(table: TableName, rows: unknown = tableRows(router, table)): unknown[] {
    const checked = parseTableRows(table, rows);
    if (!checked.ok) throw new Error(checked.message);
    return checked.rows;
  }

  return {
    exec: async ({ command, timeoutMs }) => {
      const shell = new Shell(router, { privileged: true });
      shell.terminalLength = 0;
      let output = "";
      const print = (text: string): void => void (output += text + "\n");
      const write = (text: string): void => void (output += text);
      const escape = new AbortController();
      const run = (async () => {
        // Several lines are a paste: the shell applies their config once, at the end.
        const lines = command.split(/\r?\n/);
        for (let i = 0; i < lines.length; i++) {
          if (escape.signal.aborted) break;
          await shell.execute(lines[i], print, write, escape.signal, { more: i < lines.length - 1 });
          if (shell.closed) break;
        }
        if (shell.configuring) shell.ctrlZ();
      })();
      const limitMs = timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([run.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), limitMs)))]);
      clearTimeout(timer);
      if (timedOut) {
        // A ping stops sending, a filter or a paste at its next slice. The answer waits for
        // that, so "stopped" is true when the caller reads it: nothing more is applied after
        // the reply (bounded, in case the command is stuck somewhere that never yields).
        escape.abort();
        await Promise.race([run, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
        clearTimeout(timer);
        return { error: { code: "timeout", message: `not finished after ${limitMs} ms (stopped); output so far:\n${output}` } };
      }
      return { result: { output } };
    },

    "config.get": ({ which }) => ({ result: { text: which === "running" ? router.runningConfigText() : (router.startupConfigText() ?? "") } }),

    "config.apply": ({ text, mode }) => {
      // replace: a whole new config, as `configure replace` makes it, and like it all or
      // nothing: a file with a rejected line changes nothing. merge: lines on top, each taken
      // or rejected on its own, as `copy file running-config` does.
      const parsed = mode === "replace" ? parseConfig(text) : parseConfig(text, { base: router.running });
      const diagnostics = parsed.diagnostics.map(({ line, column, message }) => ({ line, column, message }));
      if (mode === "replace" && diagnostics.length) return { result: { diagnostics } };
      if (mode === "replace") router.replaceRunning(parsed.model);
      else router.commit();
      // What IOS prints as it takes a line (`% Interface … removed due to enabling VRF …`): the
      // config layer says it once, at its line.
      for (const { line, column, message } of parsed.notes) diagnostics.push({ line, column, message });
      // Problems applying it (an interface that cannot exist here) belong to no one line.
      for (const message of router.takeWarnings()) diagnostics.push({ line: 0, column: 0, message });
      return { result: { diagnostics } };
    },

    "tables.get": ({ table }) => ({ result: { rows: validRows(table) } }),

    "tables.watch": ({ table, intervalMs }, peer) => {
      let last: string | undefined;
      let queued = false;
      let stopped = false;
      const check = (): void => {
        queued = false;
        if (stopped) return;
        try {
          const rows = tableRows(router, table);
          const json = JSON.stringify(rows);
          if (json === last) return;
          last = json;
          peer.push({ stream: "tables", watchId, data: { table, rows: validRows(table, rows) } });
        } catch (err) {
          ctx.reportBug(`tables.watch ${table}`, err);
        }
      };
      const watchId = addWatch(peer, "tables", () => {
        // Router events (an interface going down, config applied) usually change tables: look
        // soon after one, and on the interval for what changes quietly (ARP ages, route ages).
        const timer = setInterval(check, intervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
        const unsubscribe = router.onLog(() => {
          if (queued) return;
          queued = true;
          setImmediate(check);
        });
        return () => {
          stopped = true;
          clearInterval(timer);
          unsubscribe();
        };
      });
      // The current rows go out right after the reply, so a watcher starts from the whole table.
      return { result: { watchId }, afterReply: check };
    },

    "events.watch": (_params, peer) => {
      const watchId = addWatch(peer, "events", (id) =>
        router.onLog((line) => {
          const data = { timeMs: line.timeMs, severity: line.severity, text: line.text, formatted: router.formatLogLine(line) };
          peer.push({ stream: "events", watchId: id, data });
        }),
      );
      return { result: { watchId } };
    },

    unwatch: ({ watchId }, peer) => stopWatch(peer, watchId),

    "capture.start": ({ iface }, peer) => {
      const send = (id: number, frame: Uint8Array, direction: "rx" | "tx"): void => {
        if (peer.congested) return; // the reader is not keeping up: drop, as a capture does
        const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
        peer.push({ stream: "capture", watchId: id, data: { timestampNs: nowNs(), direction, frame: bytes.toString("base64") } });
      };
      const tap = ctx.taps.get(iface);
      if (tap) {
        const watchId = addWatch(peer, "capture", (id) => tap.addTap((frame, direction) => send(id, frame, direction)));
        return { result: { watchId, linkType: LinkType.Ethernet } };
      }
      // A Tunnel or Virtual-Access: the payloads in clear, each behind a Linux cooked header
      // for a GRE device, as tcpdump on Linux's gre0 writes them (Wireshark decodes IPv4, MPLS
      // and NHRP by their GRE protocol type).
      const tunnel = router.stack.interface(iface);
      if (tunnel instanceof TunnelInterface) {
        const watchId = addWatch(peer, "capture", (id) =>
          tunnel.addTap((payload, protocol, direction) => {
            try {
              send(id, buildGreDeviceSll(payload, protocol, direction === "tx"), direction);
            } catch (err) {
              ctx.reportBug(`capture on ${iface}`, err); // the tap runs in the forwarding path: the packet goes on
            }
          }),
        );
        return { result: { watchId, linkType: LinkType.LinuxSll } };
      }
      const tunnels = [...router.stack.interfaces()].filter((i) => i instanceof TunnelInterface).map((i) => i.name);
      const known = [...ctx.taps.keys(), ...tunnels].join(", ") || "none";
      return { error: { code: "not-found", message: `no capturable interface ${iface} (capturable: ${known})` } };
    },

    "capture.stop": ({ watchId }, peer) => stopWatch(peer, watchId, "capture"),

    "link.set": ({ iface, impair, carrier }) => {
      const cable = ctx.cables.get(iface);
      if (!cable) return { error: { code: "not-found", message: `no linked port ${iface} (linked: ${[...ctx.cables.keys()].join(", ") || "none"})` } };
      if (impair !== undefined) {
        try {
          cable.setImpairment(impair ?? undefined);
        } catch (err) {
          return { error: { code: "bad-request", message: err instanceof Error ? err.message : String(err) } };
        }
      }
      if (carrier !== undefined) cable.setCarrier(carrier === "up");
      const now = cable.impairment;
      return { result: { iface, ...(now ? { impair: { ...now } } : {}), carrier: cable.carrierUp ? "up" : "down" } };
    },

    "link.peers": ({ iface, peers }) => {
      const tunnel = ctx.tunnels?.get(iface);
      if (!tunnel) return { error: { code: "not-found", message: `no tunnel port ${iface} (tunnels: ${[...(ctx.tunnels?.keys() ?? [])].join(", ") || "none"})` } };
      try {
        tunnel.setPeers(peers);
      } catch (err) {
        return { error: { code: "bad-request", message: err instanceof Error ? err.message : String(err) } };
      }
      return { result: { iface, peers: tunnel.peers.map((p) => ({ host: p.host, port: p.port })) } };
    },

    "node.info": () => ({
      result: { name: ctx.name, hostname: router.hostname, uptimeMs: Math.max(0, router.clock.now() - router.bootTimeMs), version: ctx.version },
    }),
  };
}
