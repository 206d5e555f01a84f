// `flexlab image build | save FILE.tar | load FILE.tar`: the router image for the docker
// runtime. The modules load on use, so other commands never pay for esbuild or dockerode.
import type { Command } from "commander";
import { withExamples } from "../options";

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function failed(message: string): void {
  console.error(`flexlab image: ${message}`);
  process.exitCode = 1;
}

export function registerImage(program: Command): void {
  const image = withExamples(program.command("image").description("Build, save or load the router image the docker runtime runs"), [
    "flexlab image build",
    "flexlab image save flexlab-router.tar",
    "flexlab image load flexlab-router.tar",
  ]);

  image
    .command("build")
    .description("Build the router image offline: bundle the agent, wrap this machine's node binary around it, docker import")
    .action(async () => {
      const { buildRouterImage } = await import("../../lab/image/build");
      const result = await buildRouterImage({ onStep: (text) => console.error(`  ${text}`) });
      if (!result.ok) return failed(result.message);
      const i = result.image;
      console.log(`${i.tag}  ${i.id.replace(/^sha256:/, "").slice(0, 12)}  ${megabytes(i.sizeBytes)} (agent bundle ${megabytes(i.bundleBytes)}, ${i.libraries.length} libraries)  in ${(i.elapsedMs / 1000).toFixed(1)} s`);
    });

  image
    .command("save")
    .description("Write the router image to a tar file (docker save), to load on another machine")
    .argument("<file>", "tar file to write")
    .action(async (file: string) => {
      const { saveImage } = await import("../../lab/image/archive");
      const { ROUTER_IMAGE } = await import("../../lab/image/tag");
      const result = await saveImage(file);
      if (!result.ok) return failed(result.message);
      console.log(`${ROUTER_IMAGE} saved to ${file} (${megabytes(result.value)})`);
    });

  image
    .command("load")
    .description("Load a router image tar written by `flexlab image save` (docker load)")
    .argument("<file>", "tar file to read")
    .action(async (file: string) => {
      const { loadImage } = await import("../../lab/image/archive");
      const result = await loadImage(file);
      if (!result.ok) return failed(result.message);
      console.log(result.value.length ? `loaded ${result.value.join(", ")}` : `loaded ${file}`);
    });
}
