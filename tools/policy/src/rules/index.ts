import type { Rule } from "../types";
import { EKS_RULES } from "./eks";
import { GITOPS_RULES } from "./gitops";
import { IAM_RULES } from "./iam";
import { IAM_ROLE_RULES } from "./iam-roles";
import { IMAGE_RULES } from "./images";
import { KMS_RULES } from "./kms";
import { KUBERNETES_RULES } from "./kubernetes";
import { LOGGING_RULES } from "./logging";
import { NETWORK_RULES } from "./network";
import { RBAC_RULES } from "./rbac";
import { STATE_RULES } from "./state";
import { TENANCY_RULES } from "./tenancy";
import { TOPIC_POLICY_RULES } from "./topic-policies";

/** Every rule, in the order findings are reported. */
export const RULES: readonly Rule[] = [
  ...IAM_RULES,
  ...IAM_ROLE_RULES,
  ...TOPIC_POLICY_RULES,
  ...EKS_RULES,
  ...KMS_RULES,
  ...NETWORK_RULES,
  ...LOGGING_RULES,
  ...STATE_RULES,
  ...KUBERNETES_RULES,
  ...TENANCY_RULES,
  ...RBAC_RULES,
  ...IMAGE_RULES,
  ...GITOPS_RULES,
];
