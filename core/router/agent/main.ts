// The router node's process: `node --import tsx core/router/agent/main.ts --name R1 --dir
// NODEDIR --config R1.cfg --port Ethernet0/0=udp:40001:40002 …`. Both runtimes start it this
// way (a child process, or a container's entrypoint). Once the console and mgmt API listen it
// prints exactly one line on stdout, `flexlab-agent ready name=R1 console=PORT mgmt=PORT`;
// SIGTERM or SIGINT stops it with exit code 0. Errors go to stderr. With `--router-host ID`
// it is a router host instead, running many routers (host-main.ts).
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import pkg from "../../../package.json" with { type: "json" };
import { startAgent, type Agent } from "./agent";
import { startProcessHousekeeping } from "./housekeeping";
import { runRouterHost } from "./host-main";
import { parseIpv4, parsePrefix } from "../wire/addr";
import { findInterfaceInPrefix } from "../io/host-interfaces";
import { PLATFORM_NAMES, type PlatformName } from "../config/platform";
import { parsePortSpec, PORT_SPEC_FORMS, type PortSpec } from "./ports";

const STOP_DEADLINE_MS = 800;

function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("a TCP port 0-65535 (0 picks a free one)");
  return n;
}

function nodeIndex(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 0xffff) throw new InvalidArgumentError("a node index 1-65535");
  return n;
}

function platformName(value: string): PlatformName {
  const p = PLATFORM_NAMES.find((n) => n === value);
  if (p === undefined) throw new InvalidArgumentError(`one of ${PLATFORM_NAMES.join(", ")}`);
  return p;
}

function portCount(value: string): number {
  const n = Number(value);
  if (!/^\d{1,3}$/.test(value) || n < 1) throw new InvalidArgumentError("a port count, 1 or more");
  return n;
}

/** An address, or a prefix meaning "this host's address inside it" (a swarm task learns its
 * management address only when it starts: io/host-interfaces.ts). */
function bindAddress(value: string): string {
  if (parseIpv4(value) === undefined && parsePrefix(value) === undefined) {
    throw new InvalidArgumentError("an IPv4 address, e.g. 127.0.0.1 (or 0.0.0.0 for every address), or a prefix A.B.C.D/LEN holding one of this host's addresses");
  }
  return value;
}

function resolveBind(value: string): string {
  const p = parsePrefix(value);
  if (p === undefined) return value;
  const found = findInterfaceInPrefix(p);
  if (found === undefined) fail(`--bind ${value}: no interface here has an address in it`);
  if (typeof found === "string") fail(`--bind ${value}: ${found}`);
  return found.address;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

function runAs(value: string): RunAs {
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(value);
  if (!m) throw new InvalidArgumentError("UID:GID, e.g. 1000:1000");
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

/** Becomes `user` for good. From root, setuid to another user also clears every capability
 * (Linux keeps none across it), so the agent runs on with no privilege at all. */
function becomeUser(user: RunAs): void {
  if (!process.setuid || !process.setgid || !process.setgroups) fail("--user needs a POSIX system");
  process.setgroups([user.gid]);
  process.setgid(user.gid);
  process.setuid(user.uid);
}

function collectPort(value: string, previous: PortSpec[]): PortSpec[] {
  const spec = parsePortSpec(value);
  if (typeof spec === "string") throw new InvalidArgumentError(spec);
  if (previous.some((p) => p.iface === spec.iface)) throw new InvalidArgumentError(`${spec.iface} is given twice`);
  return [...previous, spec];
}

interface CliOptions {
  name: string;
  dir: string;
  config: string;
  consolePort: number;
  mgmtPort: number;
  tokenEnv: string;
  bind: string;
  port: PortSpec[];
  pki?: string;
  exitWithStdin?: boolean;
  nodeIndex?: number;
  platform?: PlatformName;
  ports?: number;
  user?: RunAs;
}

function fail(message: string): never {
  process.stderr.write(`flexlab-agent: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const program = new Command()
    .name("flexlab-agent")
    .description("Runs one FlexLab router: its console (telnet) and its mgmt API (WebSocket).")
    .requiredOption("--name <name>", "node name in the lab")
    .requiredOption("--dir <dir>", "the node's folder")
    .requiredOption("--config <file>", "startup-config file name inside --dir (write memory replaces it)")
    .requiredOption("--console-port <port>", "telnet console TCP port (0 picks one)", portNumber)
    .requiredOption("--mgmt-port <port>", "mgmt API TCP port (0 picks one)", portNumber)
    .option("--token-env <var>", "environment variable holding the lab's mgmt token", "FLEXLAB_TOKEN")
    .addOption(new Option("--bind <address>", "IPv4 address the console and mgmt API listen on, or a prefix holding it").argParser(bindAddress).default("127.0.0.1"))
    .addOption(new Option("--user <uid:gid>", "become this user once the ports are open (started as root to open packet sockets)").argParser(runAs))
    .option("--port <spec>", `link an Ethernet port, repeatable: ${PORT_SPEC_FORMS}`, collectPort, [] as PortSpec[])
    .option("--pki <dir>", "lab PKI folder: ca.crt and NAME/TRUSTPOINT.crt|.key (default: DIR/pki)")
    .option("--exit-with-stdin", "stop when standard input closes (the supervising lab daemon is gone)")
    .option("--platform <name>", `the hardware it pretends to be: ${PLATFORM_NAMES.join(", ")} (default iol)`, platformName)
    .option("--ports <n>", "how many ports that hardware has (default: the platform's)", portCount)
    .option("--node-index <n>", "the node's place in its lab, from 1: burned-in MACs aabb.cc00.NN00", nodeIndex)
    .showHelpAfterError();
  program.parse(process.argv);
  const opts = program.opts<CliOptions>();

  const token = process.env[opts.tokenEnv];
  if (!token) fail(`no mgmt token: set the environment variable ${opts.tokenEnv}`);

  let agent: Agent | undefined;
  // Router callbacks (timers, frames, commands) are guarded where they enter the router and
  // never get here. What does is the agent's own bug: report it and let the runtime restart us.
  process.on("uncaughtException", (err) => {
    process.stderr.write(`flexlab-agent: uncaught exception, exiting: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
  // A promise the router let go of (an async protocol step) has already unwound: log it as the
  // guards do and keep the router running.
  process.on("unhandledRejection", (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    process.stderr.write(`flexlab-agent: internal error in an async task: ${text}\n`);
    agent?.router.logMessage({ facility: "SYS", severity: 3, mnemonic: "INTERNAL", text: `%SYS-3-INTERNAL: async task: ${reason instanceof Error ? reason.message : text}` });
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    void (agent?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Supervised by a lab daemon: its end of our stdin closes when it dies, however it dies
  // (even SIGKILL), and a router without its lab has nothing left to do.
  if (opts.exitWithStdin) {
    process.stdin.on("end", stop);
    process.stdin.on("error", stop);
    process.stdin.resume();
  }

  const user = opts.user;
  try {
    agent = await startAgent({
      name: opts.name,
      dir: opts.dir,
      config: opts.config,
      consolePort: opts.consolePort,
      mgmtPort: opts.mgmtPort,
      token,
      bind: resolveBind(opts.bind),
      ports: opts.port,
      pkiDir: opts.pki ?? join(opts.dir, "pki"),
      nodeIndex: opts.nodeIndex,
      platform: opts.platform,
      portCount: opts.ports,
      version: pkg.version,
      stderr: (text) => void process.stderr.write(text),
      ...(user ? { onPortsOpen: () => becomeUser(user) } : {}),
    });
  } catch (err) {
    fail(`cannot start ${opts.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (stopping) {
    await agent.close();
    process.exit(0);
  }
  process.stdout.write(`flexlab-agent ready name=${opts.name} console=${agent.consolePort} mgmt=${agent.mgmtPort}\n`);
  startProcessHousekeeping();
}

// `--router-host ID`: many routers in this process, told which over IPC (host-main.ts).
if (process.argv.some((a) => a === "--router-host" || a.startsWith("--router-host="))) await runRouterHost(process.argv.slice(2));
else await main();
