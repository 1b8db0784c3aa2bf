import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import type { z } from "zod";
import { defaultVpcCidr, freeVpcCidr, overlaps, parseIpv4Cidr } from "./cidr";
import { deploymentFileSchema, resolveDeployment, type Deployment } from "./schema";

export interface Problem {
  /** Dotted path of the offending field, e.g. `network.private_subnets[1]`; `(file)` for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

/** Bad deployment input. The message names every file and field at fault, one per line. */
export class DeploymentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map((p) => `${file}: ${p.field}: ${p.message}`).join("\n"));
    this.name = "DeploymentError";
  }
}

/** Several files at fault: every problem of every file, so one run shows them all. */
export class DeploymentsError extends Error {
  constructor(readonly errors: readonly DeploymentError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "DeploymentsError";
  }
}

export function formatField(fieldPath: readonly PropertyKey[]): string {
  if (fieldPath.length === 0) return "(file)";
  return fieldPath
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const field = formatField(issue.path);
    if (issue.code === "unrecognized_keys") {
      return { field: formatField([...issue.path, issue.keys[0] ?? ""]), message: `unknown field (allowed fields are in docs/deployments.md); unknown: ${issue.keys.join(", ")}` };
    }
    if (issue.code === "invalid_key") {
      // A record key failed its own check: report that check's words, not zod's summary.
      return { field, message: issue.issues.map((inner) => inner.message).join("; ") };
    }
    return { field, message: issue.message };
  });
}

/** Parses and validates one descriptor's text; `file` is only used to name it in errors. */
export function parseDeployment(text: string, file: string): Deployment {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new DeploymentError(
      file,
      doc.errors.map((e) => ({ field: "(syntax)", message: e.message.split("\n")[0] ?? e.message })),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new DeploymentError(file, [{ field: "(file)", message: "must be a mapping with deployment_id, env and region" }]);
  }
  const parsed = deploymentFileSchema.safeParse(raw);
  if (!parsed.success) throw new DeploymentError(file, zodProblems(parsed.error));
  const { deployment, issues } = resolveDeployment(parsed.data, file);
  if (!deployment) {
    throw new DeploymentError(file, issues.map((i) => ({ field: formatField(i.path), message: i.message })));
  }
  return deployment;
}

export function loadDeploymentFile(file: string): Deployment {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new DeploymentError(file, [{ field: "(file)", message: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseDeployment(text, file);
}

const DESCRIPTOR = /\.(ya?ml|json)$/;

/**
 * Loads every descriptor in `dir` (one file per deployment, named `<deployment_id>.yaml`), or only
 * the one whose id is `only`. Throws one error listing every problem in every file.
 */
export function loadDeployments(dir: string, only?: string): Deployment[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => DESCRIPTOR.test(n)).sort();
  } catch (error) {
    throw new DeploymentError(dir, [{ field: "(folder)", message: `cannot be read: ${(error as Error).message}` }]);
  }
  const errors: DeploymentError[] = [];
  const byId = new Map<string, string>();
  const deployments: Deployment[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const deployment = loadDeploymentFile(file);
      const stem = name.replace(DESCRIPTOR, "");
      const other = byId.get(deployment.deployment_id);
      if (other) {
        throw new DeploymentError(file, [{ field: "deployment_id", message: `duplicate deployment id "${deployment.deployment_id}", also used by ${other}` }]);
      }
      if (stem !== deployment.deployment_id) {
        throw new DeploymentError(file, [{ field: "deployment_id", message: `"${deployment.deployment_id}" must match the file name (${name} should be ${deployment.deployment_id}.yaml)` }]);
      }
      byId.set(deployment.deployment_id, file);
      deployments.push(deployment);
    } catch (error) {
      if (!(error instanceof DeploymentError)) throw error;
      errors.push(error);
    }
  }
  errors.push(...vpcOverlaps(deployments));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new DeploymentsError(errors);
  if (deployments.length === 0) {
    throw new DeploymentError(dir, [{ field: "(folder)", message: "holds no deployment files (*.yaml, *.yml, *.json)" }]);
  }
  if (only === undefined) return deployments;
  const selected = deployments.filter((d) => d.deployment_id === only);
  if (selected.length === 0) {
    throw new DeploymentError(dir, [{ field: "GPP_DEPLOYMENT", message: `no deployment "${only}"; found ${deployments.map((d) => d.deployment_id).join(", ")}` }]);
  }
  return selected;
}

/**
 * The deployments of one folder are one fleet: two whose VPCs overlap could never be peered or routed to
 * each other, so each later file that overlaps an earlier one is refused, with a free /16 to use instead.
 */
function vpcOverlaps(deployments: readonly Deployment[]): DeploymentError[] {
  const errors: DeploymentError[] = [];
  const taken = deployments.map((d) => d.network.vpc_cidr);
  deployments.forEach((deployment, i) => {
    const net = parseIpv4Cidr(deployment.network.vpc_cidr);
    const earlier = deployments.slice(0, i).find((other) => overlaps(parseIpv4Cidr(other.network.vpc_cidr), net));
    if (!earlier) return;
    const derived = (d: Deployment) => (d.network.vpc_cidr === defaultVpcCidr(d.deployment_id) ? " (the default, derived from its deployment_id)" : "");
    const free = freeVpcCidr(taken);
    errors.push(
      new DeploymentError(deployment.file, [
        {
          field: "network.vpc_cidr",
          message: `${deployment.network.vpc_cidr}${derived(deployment)} overlaps ${earlier.network.vpc_cidr}${derived(earlier)} of ${earlier.file}: overlapping VPCs can never be peered or routed to each other. Set network.vpc_cidr in whichever of the two is not deployed yet (changing a deployed VPC's CIDR replaces it)${free ? `, e.g. ${free}, which no deployment here uses` : ""}`,
        },
      ]),
    );
  });
  return errors;
}

/** The repository's `deployments/` folder, which holds the built-in default deployment `gpp0`. */
export const defaultDeploymentsDir = (): string =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../deployments");

/** The built-in default deployment's id; its file is `deployments/gpp0.yaml`. */
export const DEFAULT_DEPLOYMENT_ID = "gpp0";

/** The built-in default deployment, which diagrams, benchmarks and tests describe. */
export const loadDefaultDeployment = (): Deployment =>
  loadDeploymentFile(path.join(defaultDeploymentsDir(), `${DEFAULT_DEPLOYMENT_ID}.yaml`));

/**
 * What stack entry points call: the folder from `GPP_DEPLOYMENTS_DIR` (default `deployments/`; a relative
 * path is taken from where pnpm was started), narrowed to `GPP_DEPLOYMENT` when set.
 */
export function deploymentsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Deployment[] {
  const only = env.GPP_DEPLOYMENT?.trim() || undefined;
  const dir = env.GPP_DEPLOYMENTS_DIR?.trim();
  // A relative folder means relative to where the user typed the command: pnpm runs scripts in the
  // package's folder but records the caller's in INIT_CWD.
  return loadDeployments(dir ? path.resolve(env.INIT_CWD ?? process.cwd(), dir) : defaultDeploymentsDir(), only);
}

/**
 * Runs a synth entry point: bad deployment input prints every problem and exits 1 before anything is
 * synthesized, so no half-written output is left behind.
 */
export function runOrExit(main: () => void): void {
  try {
    main();
  } catch (error) {
    if (error instanceof DeploymentError || error instanceof DeploymentsError) {
      process.stderr.write(`Invalid deployment input:\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
