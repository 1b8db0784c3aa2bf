import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { repositoryRoot } from "./paths";

// action-validator ships a CommonJS WebAssembly build; createRequire loads it from ESM.
const { validateWorkflow } = createRequire(import.meta.url)("@action-validator/core") as typeof import("@action-validator/core");

export { repositoryRoot };
export const workflowsDir = path.join(repositoryRoot, ".github/workflows");

export const workflowFiles = (dir = workflowsDir): string[] =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));

type ValidationError = ReturnType<typeof validateWorkflow>["errors"][number];

/** action-validator's errors (GitHub's workflow schema from SchemaStore), flattened to one line each. */
export function workflowProblems(file: string): string[] {
  const lines: string[] = [];
  const walk = (errors: readonly ValidationError[]): void => {
    for (const error of errors) {
      const where = "path" in error ? error.path : "";
      lines.push(`${where} ${error.title}${error.detail ? `: ${error.detail}` : ""}`.trim());
      if ("states" in error && error.states) for (const state of error.states) walk(state.errors);
    }
  };
  walk(validateWorkflow(readFileSync(file, "utf8")).errors);
  return lines;
}
