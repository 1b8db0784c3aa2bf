import { describe, expect, it } from "vitest";
import { prodStateIsRemote, s3StateEncrypted, s3StateLocked } from "../src/rules/state";
import type { Json } from "../src/types";
import { input, run } from "./builders";

const withBackend = (backend: Record<string, Json>, env: "dev" | "prod" = "dev") =>
  input({ env, stacks: [{ name: "test-stack", json: { terraform: { backend } } }] });
const s3 = { bucket: "b", key: "k", region: "eu-west-1", encrypt: true, use_lockfile: true };

describe("TF-STATE-001 S3 state encrypted", () => {
  it("flags an S3 backend without encrypt", () => {
    expect(run(s3StateEncrypted, withBackend({ s3: { ...s3, encrypt: false } }))).toEqual([
      { address: "test-stack/terraform.backend.s3", message: "encrypt is not true" },
    ]);
    expect(run(s3StateEncrypted, withBackend({ s3 }))).toEqual([]);
  });
});

describe("TF-STATE-002 S3 state locked", () => {
  it("flags an S3 backend with neither a lockfile nor a DynamoDB table", () => {
    const { use_lockfile: _drop, ...unlocked } = s3;
    expect(run(s3StateLocked, withBackend({ s3: unlocked }))).toHaveLength(1);
    expect(run(s3StateLocked, withBackend({ s3: { ...unlocked, dynamodb_table: "locks" } }))).toEqual([]);
  });
});

describe("TF-STATE-003 prod state is remote", () => {
  it("flags a prod stack on the local backend, and not a dev one", () => {
    const local = { local: { path: "state.tfstate" } };
    expect(run(prodStateIsRemote, withBackend(local, "prod"))).toEqual([
      { address: "test-stack/terraform.backend", message: "prod stack uses the local backend" },
    ]);
    expect(run(prodStateIsRemote, withBackend(local, "dev"))).toEqual([]);
    expect(run(prodStateIsRemote, withBackend({ s3 }, "prod"))).toEqual([]);
  });

  it("flags a prod stack that declares no backend (Terraform's default is local)", () => {
    expect(run(prodStateIsRemote, input({ env: "prod", stacks: [{ name: "test-stack", json: {} }] }))).toEqual([
      { address: "test-stack/terraform.backend", message: "prod stack uses the default local backend" },
    ]);
  });
});
