import { isObject } from "../terraform";
import type { Json, Rule, SynthesizedStack, Violation } from "../types";

const backendOf = (stack: SynthesizedStack): { type: string; config: Json } | undefined => {
  const backend = stack.json.terraform?.backend;
  if (!isObject(backend)) return undefined;
  const [entry] = Object.entries(backend);
  return entry && isObject(entry[1]) ? { type: entry[0], config: entry[1] } : undefined;
};

export const s3StateEncrypted: Rule = {
  id: "TF-STATE-001",
  title: "S3 state is encrypted at rest",
  control: "Terraform state holds resource attributes (endpoints, ARNs, sometimes secrets): the S3 backend must encrypt it.",
  check: ({ stacks }) =>
    stacks.flatMap((stack): Violation[] => {
      const backend = backendOf(stack);
      if (backend?.type !== "s3" || backend.config.encrypt === true) return [];
      return [{ address: `${stack.name}/terraform.backend.s3`, message: "encrypt is not true" }];
    }),
};

export const s3StateLocked: Rule = {
  id: "TF-STATE-002",
  title: "S3 state is locked while a run writes it",
  control: "Two concurrent applies cannot interleave writes and corrupt the state (S3 lockfile, or a DynamoDB table).",
  check: ({ stacks }) =>
    stacks.flatMap((stack): Violation[] => {
      const backend = backendOf(stack);
      if (backend?.type !== "s3" || backend.config.use_lockfile === true || typeof backend.config.dynamodb_table === "string") return [];
      return [{ address: `${stack.name}/terraform.backend.s3`, message: "neither use_lockfile = true nor a dynamodb_table" }];
    }),
};

export const prodStateIsRemote: Rule = {
  id: "TF-STATE-003",
  title: "Prod state is kept in a remote backend, not on a workstation",
  control: "Prod state lives in an encrypted, access-controlled bucket shared by CI, not in a file on whoever ran the deploy.",
  check: ({ env, stacks }) =>
    env !== "prod"
      ? []
      : stacks.flatMap((stack): Violation[] => {
          const backend = backendOf(stack);
          return backend === undefined || backend.type === "local"
            ? [{ address: `${stack.name}/terraform.backend`, message: `prod stack uses the ${backend?.type ?? "default local"} backend` }]
            : [];
        }),
};

export const STATE_RULES: readonly Rule[] = [s3StateEncrypted, s3StateLocked, prodStateIsRemote];
