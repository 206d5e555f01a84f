// The router image's name: one tag per FlexLab version, so a lab always runs the router stack
// of the FlexLab that deploys it (`flexlab image build` makes it, the docker runtime uses it).
import pkg from "../../../package.json" with { type: "json" };

export const ROUTER_IMAGE_REPO = "flexlab/router";
export const FLEXLAB_VERSION: string = pkg.version;
export const ROUTER_IMAGE = `${ROUTER_IMAGE_REPO}:${FLEXLAB_VERSION}`;

/** Labels on the image, read back by `flexlab image` and handy in `docker images --filter`. */
export const IMAGE_LABELS: Readonly<Record<string, string>> = {
  "flexlab.image": "router",
  "flexlab.version": FLEXLAB_VERSION,
  "org.opencontainers.image.title": "FlexLab router",
  "org.opencontainers.image.version": FLEXLAB_VERSION,
};
