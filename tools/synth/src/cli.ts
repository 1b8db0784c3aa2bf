import path from "node:path";
import { fileURLToPath } from "node:url";
import { deploymentsFromEnvironment, parseCommandLine, runOrExit } from "@gpp/deployment";
import { synthesizeEverything, type OutputFolders } from "./write";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Where `cdktf synth` writes in each package folder (the `output` of its cdktf.json). */
export const PACKAGE_OUTPUTS: OutputFolders = {
  iac: path.join(repositoryRoot, "iac", "cdktf.out"),
  helm: path.join(repositoryRoot, "helm", "cdktf.out"),
};

parseCommandLine({
  command: "pnpm synth",
  description:
    "Synthesizes every stack of every package (iac, helm) for the deployments, as `cdktf synth` in each package folder would, " +
    "into iac/cdktf.out and helm/cdktf.out. All or nothing: every descriptor is checked by both packages before anything is written.",
});

runOrExit(() => {
  const written = synthesizeEverything(deploymentsFromEnvironment(), PACKAGE_OUTPUTS);
  for (const [pkg, stacks] of Object.entries(written)) {
    process.stdout.write(`${pkg}: ${stacks.map((s) => path.relative(repositoryRoot, path.join(PACKAGE_OUTPUTS[pkg as keyof OutputFolders], "stacks", s, "cdk.tf.json"))).join(", ")}\n`);
  }
});
