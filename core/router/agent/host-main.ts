// The router host's process: `flexlab-agent --router-host ID --token-env VAR [--bind ADDR]`,
// spawned by the lab daemon with an IPC channel (core/api/router-host.ts). It says
// `host-ready`, then starts and stops routers as told and reports on each. It leaves when the
// channel closes (the daemon is gone, however it went) or on SIGTERM/SIGINT.
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import pkg from "../../../package.json" with { type: "json" };
import { hostCommandSchema, type HostEvent } from "../../api/router-host";
import { parseIpv4 } from "../wire/addr";
import { RouterHost } from "./host";
import { startProcessHousekeeping } from "./housekeeping";

const STOP_DEADLINE_MS = 2000;

function send(event: HostEvent): void {
  if (process.connected && process.send) process.send(event);
}

function fail(message: string): never {
  process.stderr.write(`flexlab-agent: ${message}\n`);
  process.exit(2);
}

export async function runRouterHost(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name("flexlab-agent --router-host")
    .description("Runs several FlexLab routers in this process, as the lab daemon tells it over IPC.")
    .requiredOption("--router-host <id>", "this host's number in its lab", (v) => {
      if (!/^\d{1,6}$/.test(v)) throw new InvalidArgumentError("a host number");
      return Number(v);
    })
    .option("--token-env <var>", "environment variable holding the lab's mgmt token", "FLEXLAB_TOKEN")
    .addOption(
      new Option("--bind <address>", "IPv4 address every console and mgmt API listens on")
        .argParser((v) => {
          if (parseIpv4(v) === undefined) throw new InvalidArgumentError("an IPv4 address, e.g. 127.0.0.1");
          return v;
        })
        .default("127.0.0.1"),
    )
    .showHelpAfterError();
  program.parse([...argv], { from: "user" });
  const opts = program.opts<{ routerHost: number; tokenEnv: string; bind: string }>();
  const token = process.env[opts.tokenEnv];
  if (!token) fail(`no mgmt token: set the environment variable ${opts.tokenEnv}`);
  if (!process.send) fail("--router-host runs under a lab daemon, with an IPC channel");

  const host = new RouterHost({
    token,
    bind: opts.bind,
    version: pkg.version,
    pkiDirOf: (router) => join(router.dir, "pki"),
    log: (name, text) => send({ type: "log", name, text }),
    onCrash: (name, error) => send({ type: "crashed", name, error }),
  });

  // An exception that escaped a router's guards ends that router only (host.ts); one no
  // router claims is this host's own bug: report it, and let the daemon mark its routers crashed.
  process.on("uncaughtException", (err) => {
    if (host.crashOf(err) !== undefined) return;
    process.stderr.write(`flexlab-agent: router host ${opts.routerHost}: uncaught exception, exiting: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    process.stderr.write(`flexlab-agent: router host ${opts.routerHost}: internal error in an async task: ${text}\n`);
  });

  let leaving = false;
  const leave = (): void => {
    if (leaving) return;
    leaving = true;
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    void host.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", leave);
  process.on("SIGINT", leave);
  process.on("disconnect", leave);

  process.on("message", (raw: unknown) => {
    const parsed = hostCommandSchema.safeParse(raw);
    if (!parsed.success) {
      process.stderr.write(`flexlab-agent: router host ${opts.routerHost}: unreadable command: ${parsed.error.issues[0].message}\n`);
      return;
    }
    const command = parsed.data;
    if (leaving) return;
    switch (command.type) {
      case "start": {
        const { name } = command.router;
        host.start(command.router).then(
          ({ consolePort, mgmtPort }) => send({ type: "ready", name, consolePort, mgmtPort }),
          (err: unknown) => send({ type: "failed", name, message: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      case "stop":
        void host.stop(command.name).then(() => send({ type: "stopped", name: command.name }));
        return;
    }
  });
  send({ type: "host-ready" });
  startProcessHousekeeping();
}
