import type { Environment } from "@gpp/deployment";

/** A JSON object as Terraform and Kubernetes write them. */
export type Json = Record<string, unknown>;

/** The parts of a synthesized `cdk.tf.json` the rules read. */
export interface TerraformJson {
  readonly terraform?: { readonly backend?: Record<string, Json> } & Json;
  readonly resource?: Record<string, Record<string, Json>>;
  readonly data?: Record<string, Record<string, Json>>;
  readonly module?: Record<string, Json>;
}

export interface SynthesizedStack {
  /** The stack name, e.g. `dev-iac-gpp0`. */
  readonly name: string;
  readonly json: TerraformJson;
}

/** One Kubernetes object: rendered by `helm template`, or translated from a stack's kubernetes_* resource. */
export interface KubernetesObject {
  /** Where it comes from: `<stack>/<terraform address>`. */
  readonly origin: string;
  /** The namespace it is created in (the release's namespace when the manifest names none); none when cluster-scoped. */
  readonly namespace?: string;
  readonly manifest: Json;
}

/** Everything the rules look at for one deployment. */
export interface PolicyInput {
  readonly deploymentId: string;
  readonly env: Environment;
  readonly stacks: readonly SynthesizedStack[];
  readonly kubernetes: readonly KubernetesObject[];
  /** The namespaces the deployment's tenants run in, from the descriptor (so a missing one is noticed). */
  readonly tenantNamespaces: readonly string[];
}

export interface Finding {
  readonly ruleId: string;
  /** The offending resource: `<stack>/<type>.<name>` or `<origin> <Kind> <namespace>/<name>`. */
  readonly address: string;
  readonly message: string;
}

export type Violation = Omit<Finding, "ruleId">;

export interface Rule {
  /** Stable id, `<AREA>-<DOMAIN>-<NNN>`, e.g. `AWS-IAM-001`. */
  readonly id: string;
  readonly title: string;
  /** The security control the rule enforces and why it matters. */
  readonly control: string;
  readonly check: (input: PolicyInput) => Violation[];
}
