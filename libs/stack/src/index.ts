import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { stackName, type Deployment } from "@gpp/deployment";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

/** `use_lockfile` (S3-native state locking) needs Terraform 1.10. */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.10.0, < 2.0.0";

/**
 * The hashicorp/aws versions every stack admits. The prebuilt bindings (@cdktf/provider-aws 21.22.1) write
 * exactly their own 6.25.0 into `required_providers`; the VPC module 6.6.0 needs `>= 6.28`, so no single
 * version satisfies both. Widened to the rest of major 6: HashiCorp's provider versioning rules
 * (developer.hashicorp.com/terraform/plugin/best-practices/versioning, enforced for HashiCorp's own
 * providers) keep existing functionality compatible within a major version, so what the 6.25 bindings emit
 * stays valid on later 6.x releases; only a new major may break it. The iac tests prove the intersection.
 */
export const AWS_PROVIDER_CONSTRAINT = ">= 6.28.0, < 7.0.0";

/** The name this monorepo goes by in the `source-repository` tag. */
export const SOURCE_REPOSITORY = "gpp-platform";

export type PackageName = "iac" | "helm";

/**
 * Tags every AWS resource carries through the provider's `default_tags`. The descriptor's extra tags
 * come first so the identifying ones below cannot be overridden by accident.
 */
export function defaultTags(deployment: Deployment, pkg: PackageName): Record<string, string> {
  return {
    ...deployment.tags,
    app: deployment.service.image.repository.split("/").pop() ?? deployment.service.image.repository,
    env: deployment.env,
    deployment: deployment.deployment_id,
    "managed-by": "cdktf",
    "source-repository": SOURCE_REPOSITORY,
    "source-path": pkg,
  };
}

/**
 * A stack of one deployment: its own state (never shared with another deployment or package),
 * the Terraform version it needs, and the AWS provider with default tags.
 */
export abstract class DeploymentStack extends TerraformStack {
  readonly aws: AwsProvider;

  constructor(
    scope: Construct,
    readonly deployment: Deployment,
    readonly pkg: PackageName,
  ) {
    super(scope, stackName(deployment, pkg));
    const name = stackName(deployment, pkg);
    if (deployment.state.backend === "s3") {
      new S3Backend(this, {
        bucket: deployment.state.bucket,
        key: `${deployment.state.key_prefix}${name}.tfstate`,
        region: deployment.state.region,
        encrypt: true,
      });
      // cdktf 0.21 has no field for S3-native locking; the override is the documented escape hatch.
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    } else {
      // Relative to the stack's working directory (<pkg>/cdktf.out/stacks/<stack>): the repository's
      // state/ folder, one file per stack, the same wherever cdktf is run from.
      new LocalBackend(this, { path: `../../../../state/${name}.tfstate` });
    }
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    this.aws = new AwsProvider(this, "aws", {
      region: deployment.region,
      defaultTags: [{ tags: defaultTags(deployment, pkg) }],
    });
    this.addOverride("terraform.required_providers.aws.version", AWS_PROVIDER_CONSTRAINT);
  }
}
