/** `pnpm --filter @gpp/architecture generate` (root: `pnpm diagram`): writes docs/architecture.md. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandLine, runOrExit } from "@gpp/deployment";
import { ARCHITECTURE_DOC, generateDocument } from "./document";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

parseCommandLine({
  command: "pnpm diagram",
  description: "Writes docs/architecture.md from the synthesized stacks of the built-in default deployment (deployments/gpp0.yaml).",
  readsDeployments: false,
});

runOrExit(() => {
  const { markdown } = generateDocument();
  const target = path.join(repositoryRoot, ARCHITECTURE_DOC);
  writeFileSync(target, markdown);
  process.stdout.write(`Written: ${ARCHITECTURE_DOC}\n`);
});
