import { opaquePolicies, policyDocuments, resources } from "../terraform";
import type { Rule, Violation } from "../types";

/** `*`, or every action of a service (`s3:*`). Narrower patterns (`s3:Get*`) are left to review. */
export const isWildcardAction = (action: string): boolean => action === "*" || /^[A-Za-z0-9-]+:\*$/.test(action);

export const noWildcardActions: Rule = {
  id: "AWS-IAM-001",
  title: "No wildcard actions in IAM policy documents",
  control:
    "Least privilege: an Allow of `*` or `service:*` (or a NotAction Allow, which grants everything else) in any inline, " +
    "assume-role, resource or key policy hands out permissions nobody reviewed, including ones AWS adds later. A " +
    "policy only known at apply time cannot be reviewed here, so it is a finding too.",
  check: ({ stacks }) =>
    stacks.flatMap((stack) => [
      ...opaquePolicies(stack).map(({ address, value }) => ({
        address,
        message: `the policy is the expression ${value.length > 80 ? `${value.slice(0, 77)}...` : value}, which cannot be checked; write it as JSON or an aws_iam_policy_document`,
      })),
      ...policyDocuments(stack).flatMap(({ address, statements }) =>
        statements.flatMap((statement, i): Violation[] => {
          if (statement.effect !== "Allow") return [];
          const where = statement.sid ? `statement ${statement.sid}` : `statement ${i}`;
          const found: Violation[] = statement.actions.filter(isWildcardAction).map((action) => ({
            address,
            message: `${where} allows the wildcard action "${action}"; list the actions it needs`,
          }));
          if (statement.notActions.length > 0) {
            found.push({ address, message: `${where} allows NotAction [${statement.notActions.join(", ")}], i.e. every other action` });
          }
          return found;
        }),
      ),
    ]),
};

/** AWS-managed policies that are, or let their holder make themselves, account administrators. */
export const ADMIN_EQUIVALENT_POLICIES = ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"] as const;

/** Attributes through which a managed policy ARN reaches a principal. */
const POLICY_ARN_FIELDS = ["policy_arn", "policy_arns", "managed_policy_arns"] as const;

export const noAdministratorAccess: Rule = {
  id: "AWS-IAM-002",
  title: "No attachment of AdministratorAccess (or IAMFullAccess, PowerUserAccess)",
  control:
    "No role, user or group made by a stack is an account administrator: a compromised node, pod or CI job must not be " +
    "able to take over the account.",
  check: ({ stacks }) =>
    resources(stacks)
      .filter((block) => block.type.startsWith("aws_iam_"))
      .flatMap((block) =>
        POLICY_ARN_FIELDS.flatMap((field) => {
          const value = block.body[field];
          const arns = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
          return arns
            .filter((arn) => ADMIN_EQUIVALENT_POLICIES.some((policy) => arn.endsWith(`:iam::aws:policy/${policy}`)))
            .map((arn) => ({ address: block.address, message: `${field} attaches ${arn}, an administrator-equivalent policy` }));
        }),
      ),
};

export const noPublicPrincipal: Rule = {
  id: "AWS-IAM-003",
  title: "No policy grants to Principal `*` (or NotPrincipal) without a condition",
  control:
    "Trust and resource policies (role trust, SNS topic, KMS key, bucket policies) name who may act; `*` without a " +
    "condition lets any AWS account assume the role or use the resource, and so does an Allow with NotPrincipal (everyone but the listed principals).",
  check: ({ stacks }) =>
    stacks.flatMap((stack) =>
      policyDocuments(stack).flatMap(({ address, statements }) =>
        statements.flatMap((s, i): Violation[] => {
          if (s.effect !== "Allow" || s.hasCondition) return [];
          if (s.principals.includes("*")) {
            return [{ address, message: `statement ${s.sid ?? i} allows Principal "*" with no Condition: anyone in any AWS account` }];
          }
          return s.notPrincipals.length > 0
            ? [{ address, message: `statement ${s.sid ?? i} allows NotPrincipal [${s.notPrincipals.join(", ")}] with no Condition: anyone else in any AWS account` }]
            : [];
        }),
      ),
    ),
};

export const IAM_RULES: readonly Rule[] = [noWildcardActions, noAdministratorAccess, noPublicPrincipal];
