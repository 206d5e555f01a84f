// The swarm lab's gateway: one plain container on the manager that brings every router's
// console and mgmt API to the manager's 127.0.0.1 (swarm-plan.ts says why the routers publish
// nothing themselves). It sits on a bridge of its own, whose ports the engine publishes on
// 127.0.0.1 only, and on the lab's management overlay, where it reaches each router by its
// alias over the overlay's DNS, on whichever swarm node the router runs, also after a restart
// gave it another address. It relays bytes and nothing else: the mgmt API checks the lab's
// token end to end, the console is the router's own.
//
// It runs the router image's `node` with the relay below as its program: the image holds the
// agent bundle only, and twenty lines of relay do not warrant a second bundle in it. The
// relay is tested by running this very text (swarm-gateway.test.ts).
import type Docker from "dockerode";
import { labLabels } from "./docker-labels";
import { STOP_TIMEOUT_SEC } from "./docker-plan";
import { containerAddress, formatCidr, gatewayOf, type Cidr } from "./docker-subnets";

/** One relayed port: the gateway listens on `listen`, and connects each client to host:port. */
export interface RelayRoute {
  readonly listen: number;
  readonly host: string;
  readonly port: number;
}

export const RELAY_ENV = "FLEXLAB_RELAY";
export const RELAY_BIND_ENV = "FLEXLAB_RELAY_BIND";
/** The line the relay prints once every port listens. */
export const RELAY_READY = "flexlab-relay ready";

/** The relay, as node runs it (`node -e`): CommonJS, no dependencies. A client whose router
 * does not answer (not started yet, stopped) is closed at once, so a caller retries. */
export const RELAY_PROGRAM = `"use strict";
const net = require("node:net");
const routes = JSON.parse(process.env.${RELAY_ENV} || "[]");
const bind = process.env.${RELAY_BIND_ENV} || "0.0.0.0";
let listening = 0;
for (const route of routes) {
  // Half-open both ways: a client that is done sending still reads the router's answer.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: route.host, port: route.port, allowHalfOpen: true });
    const drop = () => { client.destroy(); upstream.destroy(); };
    client.on("error", drop);
    upstream.on("error", drop);
    client.pipe(upstream).pipe(client);
  });
  server.on("error", (err) => { console.error("relay " + route.listen + ": " + err.message); process.exit(1); });
  server.listen(route.listen, bind, () => { if (++listening === routes.length) console.log("${RELAY_READY} " + routes.length); });
}
if (routes.length === 0) console.log("${RELAY_READY} 0");
process.on("SIGTERM", () => process.exit(0));
`;

export interface GatewayPlan {
  readonly name: string;
  /** The gateway's own bridge network. */
  readonly bridge: { readonly name: string; readonly subnet: Cidr; readonly create: Docker.NetworkCreateOptions };
  readonly address: string;
  readonly create: Docker.ContainerCreateOptions;
}

export interface GatewayInputs {
  readonly lab: { readonly name: string; readonly dir: string };
  readonly name: string;
  readonly image: string;
  readonly bridgeSubnet: Cidr;
  /** Each router's alias on the management overlay and its ports on the manager's loopback. */
  readonly routers: readonly { readonly alias: string; readonly consolePort: number; readonly mgmtPort: number }[];
  readonly consoleTarget: number;
  readonly mgmtTarget: number;
}

export function relayRoutes(inputs: Pick<GatewayInputs, "routers" | "consoleTarget" | "mgmtTarget">): RelayRoute[] {
  return inputs.routers.flatMap((r) => [
    { listen: r.consolePort, host: r.alias, port: inputs.consoleTarget },
    { listen: r.mgmtPort, host: r.alias, port: inputs.mgmtTarget },
  ]);
}

export function planGateway(inputs: GatewayInputs): GatewayPlan {
  const bridgeName = `${inputs.name}-net`;
  const address = containerAddress(inputs.bridgeSubnet, 0);
  const routes = relayRoutes(inputs);
  const tcp = (port: number): string => `${port}/tcp`;
  return {
    name: inputs.name,
    address,
    bridge: {
      name: bridgeName,
      subnet: inputs.bridgeSubnet,
      create: {
        Name: bridgeName,
        Driver: "bridge",
        // Not internal: the engine publishes no port of a container on internal networks only.
        Internal: false,
        CheckDuplicate: true,
        EnableIPv6: false,
        IPAM: { Driver: "default", Config: [{ Subnet: formatCidr(inputs.bridgeSubnet), Gateway: gatewayOf(inputs.bridgeSubnet) }] },
        Options: { "com.docker.network.bridge.enable_ip_masquerade": "false", "com.docker.network.bridge.host_binding_ipv4": "127.0.0.1" },
        Labels: labLabels(inputs.lab.name, inputs.lab.dir, "gateway"),
      },
    },
    create: {
      name: inputs.name,
      Image: inputs.image,
      Entrypoint: ["node", "-e", RELAY_PROGRAM],
      Cmd: [],
      Env: [`${RELAY_ENV}=${JSON.stringify(routes)}`, `${RELAY_BIND_ENV}=${address}`],
      User: "1000:1000",
      Labels: labLabels(inputs.lab.name, inputs.lab.dir, "gateway"),
      ExposedPorts: Object.fromEntries(routes.map((r) => [tcp(r.listen), {}])),
      StopTimeout: STOP_TIMEOUT_SEC,
      HostConfig: {
        Init: true,
        NetworkMode: bridgeName,
        PortBindings: Object.fromEntries(routes.map((r) => [tcp(r.listen), [{ HostIp: "127.0.0.1", HostPort: String(r.listen) }]])),
        // The image's node carries the file capability cap_net_raw+ep, and exec fails unless the
        // bounding set holds NET_RAW; no-new-privileges then keeps it from the relay (CapEff 0).
        CapDrop: ["ALL"],
        CapAdd: ["NET_RAW"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Memory: 128 * 1024 * 1024,
        PidsLimit: 64,
        RestartPolicy: { Name: "no" },
      },
      NetworkingConfig: { EndpointsConfig: { [bridgeName]: { IPAMConfig: { IPv4Address: address } } } },
    },
  };
}
