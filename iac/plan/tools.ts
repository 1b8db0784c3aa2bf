import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { isExecutable } from "@gpp/files/executable";
import semver from "semver";

/** Where terraform and the offline provider mirror are, or why not. */
export type OfflineTools =
  | {
      readonly ok: true;
      readonly terraform: string;
      readonly mirrorDir: string;
      readonly awsVersion: string;
      /** The provider binary inside the mirror, which the offline plan runs as one long-lived process. */
      readonly awsProvider: string;
    }
  | { readonly ok: false; readonly reason: string };

/** `$TERRAFORM`, else the first `terraform` on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TERRAFORM) return isExecutable(env.TERRAFORM) ? env.TERRAFORM : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const terraformPlatform = (): string =>
  `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/** Terraform's implied local mirror folders, plus this team's `GPP_TF_PLUGIN_MIRROR` and the machine image's /opt/tf-plugins. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  return [
    env.GPP_TF_PLUGIN_MIRROR,
    "/opt/tf-plugins",
    path.join(home, ".terraform.d/plugins"),
    path.join(home, ".local/share/terraform/plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ].filter((dir): dir is string => Boolean(dir));
}

/** The executable `terraform-provider-aws*` of one version in a mirror's unpacked layout, if there is one. */
function providerBinary(providerDir: string, version: string): string | undefined {
  const platformDir = path.join(providerDir, version, terraformPlatform());
  try {
    const name = readdirSync(platformDir).find((f) => f.startsWith("terraform-provider-aws") && isExecutable(path.join(platformDir, f)));
    return name && path.join(platformDir, name);
  } catch {
    return undefined;
  }
}

/** The newest hashicorp/aws version in the first mirror folder that has one for this platform. */
export function findAwsMirror(env: NodeJS.ProcessEnv = process.env): { dir: string; version: string; binary: string } | undefined {
  for (const dir of mirrorCandidates(env)) {
    const providerDir = path.join(dir, "registry.terraform.io/hashicorp/aws");
    let versions: string[];
    try {
      versions = readdirSync(providerDir).filter((v) => semver.valid(v) && providerBinary(providerDir, v));
    } catch {
      continue;
    }
    const newest = versions.sort(semver.compare).pop();
    if (newest) return { dir, version: newest, binary: providerBinary(providerDir, newest) as string };
  }
  return undefined;
}

export function findOfflineTools(env: NodeJS.ProcessEnv = process.env): OfflineTools {
  const terraform = findTerraform(env);
  if (!terraform) return { ok: false, reason: "terraform is not on PATH (nor in $TERRAFORM)" };
  const mirror = findAwsMirror(env);
  if (!mirror) {
    return {
      ok: false,
      reason: `no hashicorp/aws provider for ${terraformPlatform()} in a local mirror (looked in ${mirrorCandidates(env).join(", ")}; set GPP_TF_PLUGIN_MIRROR)`,
    };
  }
  return { ok: true, terraform, mirrorDir: mirror.dir, awsVersion: mirror.version, awsProvider: mirror.binary };
}
