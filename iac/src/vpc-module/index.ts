import interface651 from "./vpc-module-6.5.1.interface.json" with { type: "json" };
import interface660 from "./vpc-module-6.6.0.interface.json" with { type: "json" };
import types651 from "./vpc-module-6.5.1.variable-types.json" with { type: "json" };
import types660 from "./vpc-module-6.6.0.variable-types.json" with { type: "json" };

/** What a published version of terraform-aws-modules/vpc/aws declares (from its variables.tf and outputs.tf). */
export interface VpcModuleInterface {
  readonly module: string;
  readonly version: string;
  readonly required_aws_provider: string;
  readonly required_terraform: string;
  readonly variables: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * Each variable's declared type and default, as written in that version's variables.tf (whitespace
 * collapsed to single spaces, so multi-line literals are on one line).
 */
export interface VpcModuleVariableTypes {
  readonly module: string;
  readonly version: string;
  readonly source: string;
  readonly variables: Readonly<Record<string, { readonly type: string; readonly default: string }>>;
}

export const VPC_MODULE_SOURCE = "terraform-aws-modules/vpc/aws";

/** Every version whose interface this project keeps, newest first. */
export const KNOWN_VPC_MODULE_VERSIONS: readonly VpcModuleInterface[] = [interface660, interface651];

/** The declared variable types of every version in KNOWN_VPC_MODULE_VERSIONS, by version. */
export const VPC_MODULE_VARIABLE_TYPES: Readonly<Record<string, VpcModuleVariableTypes>> = {
  [types660.version]: types660,
  [types651.version]: types651,
};

/**
 * The pinned version: the newest published release (6.6.0, 2026-01-08). It needs hashicorp/aws >= 6.28, past
 * the 6.25.0 the prebuilt bindings were generated for, so the stacks widen their provider constraint to
 * `AWS_PROVIDER_CONSTRAINT` (libs/stack); the iac tests prove the two constraints intersect.
 */
export const VPC_MODULE: VpcModuleInterface = interface660;
