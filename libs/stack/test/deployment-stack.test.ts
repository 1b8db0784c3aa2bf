import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { parseDeployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AWS_PROVIDER_CONSTRAINT, DeploymentStack, TERRAFORM_REQUIRED_VERSION } from "../src";

class EmptyStack extends DeploymentStack {}

const deployment = (extra = "") =>
  parseDeployment(`deployment_id: abc1\nenv: dev\nregion: eu-central-1\ntags: {team: platform, env: spoofed}\n${extra}`, "abc1.yaml");

const synth = (extra = "") => {
  const app = Testing.app();
  const stack = new EmptyStack(app, deployment(extra), "iac");
  return { stack, json: Testing.synth(stack), parsed: JSON.parse(Testing.synth(stack)) };
};

describe("a deployment stack", () => {
  it("is named by the one naming function", () => {
    expect(synth().stack.node.id).toBe("dev-iac-abc1");
  });

  it("tags every resource through the provider, identifying tags winning over the descriptor's", () => {
    expect(synth().json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-central-1",
      default_tags: [
        {
          tags: {
            team: "platform",
            app: "tech-interview",
            env: "dev",
            deployment: "abc1",
            "managed-by": "cdktf",
            "source-repository": "gpp-platform",
            "source-path": "iac",
          },
        },
      ],
    });
  });

  it("admits the rest of AWS provider major 6 instead of the bindings' exact 6.25.0", () => {
    expect(synth().parsed.terraform.required_providers.aws).toEqual({ source: "aws", version: AWS_PROVIDER_CONSTRAINT });
    expect(AWS_PROVIDER_CONSTRAINT).toBe(">= 6.28.0, < 7.0.0");
  });

  it("keeps local state in a file of its own, at a path that does not depend on the working directory", () => {
    const { parsed } = synth();
    expect(parsed.terraform.backend).toEqual({ local: { path: "../../../../state/dev-iac-abc1.tfstate" } });
    expect(parsed.terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
  });

  it("uses S3 with native lockfile locking when the descriptor asks for it", () => {
    const { parsed } = synth("state: {backend: s3, bucket: acme-tfstate, key_prefix: platform/}");
    expect(parsed.terraform.backend).toEqual({
      s3: { bucket: "acme-tfstate", key: "platform/dev-iac-abc1.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true },
    });
  });
});
