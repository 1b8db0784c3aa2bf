import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import {
  deployRole,
  documentedTrustPolicies,
  environments,
  expectedSubject,
  PLAN_ROLE,
  trustPolicyProblems,
} from "../src/trust-policy";
import { roleAssumptionProblems, type RoleWorkflow } from "../src/workflow-roles";
import { repositoryRoot, workflowFiles } from "../src/workflows";

const docsFile = path.join(repositoryRoot, "docs/ci-cd.md");
const docs = readFileSync(docsFile, "utf8");
const documented = documentedTrustPolicies(docs, docsFile);
const roles = [...environments.map(deployRole), PLAN_ROLE];

/** A trust policy that meets every rule for `role`, to break one field at a time. */
const goodPolicy = (role: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": expectedSubject(role),
        },
      },
    },
  ],
});
type Policy = ReturnType<typeof goodPolicy>;
const statementOf = (policy: Policy) =>
  policy.Statement[0] as unknown as { Condition: Record<string, unknown>; Principal: Record<string, unknown> };

describe("the trust policies documented in docs/ci-cd.md", () => {
  it("document exactly one role per env of the descriptor schema, plus the plan role", () => {
    expect(environments).toEqual(["dev", "test", "staging", "prod"]);
    expect([...documented.keys()].sort()).toEqual([...roles].sort());
  });

  it.each(roles)("%s: trusts exactly its own subject and audience, with no wildcard", (role) => {
    expect(trustPolicyProblems(role, documented.get(role))).toEqual([]);
  });

  it("give each deploy role the environment subject GitHub issues for a job in that environment", () => {
    expect(expectedSubject(deployRole("prod"))).toBe("repo:<owner>/<repo>:environment:prod");
    expect(expectedSubject(PLAN_ROLE)).toBe("repo:<owner>/<repo>:ref:refs/heads/main");
  });

  it("no longer show a wildcard subject anywhere in the page", () => {
    expect(docs).not.toMatch(/"token\.actions\.githubusercontent\.com:sub":\s*"[^"]*[*?]/);
    expect(docs).not.toContain('"StringLike"');
  });

  it("names the markdown file and the role when a documented policy is not JSON", () => {
    expect(() => documentedTrustPolicies("<!-- trust-policy: gpp-plan -->\n```json\n{ nope }\n```\n", "x.md")).toThrow(
      /^x\.md: trust policy of gpp-plan is not valid JSON/,
    );
  });
});

describe("the trust-policy rules refuse", () => {
  it("the former environment:* trust (StringLike, any environment reaches the role)", () => {
    const policy = goodPolicy(deployRole("prod"));
    const statement = statementOf(policy);
    statement.Condition = {
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      StringLike: { "token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:environment:*" },
    };
    const problems = trustPolicyProblems(deployRole("prod"), policy);
    expect(problems).toContain("gpp-deploy-prod: Condition uses StringLike; only StringEquals (exact match) is allowed");
    expect(problems.join("\n")).toContain("sub is undefined");
  });

  it("a wildcard even under StringEquals", () => {
    const policy = goodPolicy(deployRole("dev"));
    statementOf(policy).Condition.StringEquals = {
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:environment:*",
    };
    expect(trustPolicyProblems(deployRole("dev"), policy)).toContain("gpp-deploy-dev: sub repo:<owner>/<repo>:environment:* contains a wildcard");
  });

  it("a deploy role trusting another environment's subject", () => {
    const policy = goodPolicy(deployRole("dev"));
    expect(trustPolicyProblems(deployRole("prod"), policy)).toEqual([
      "gpp-deploy-prod: sub is repo:<owner>/<repo>:environment:dev, not repo:<owner>/<repo>:environment:prod",
    ]);
  });

  it("a plan role trusting every branch, a missing audience and a second action", () => {
    const policy = goodPolicy(PLAN_ROLE) as unknown as { Statement: Record<string, unknown>[] };
    const statement = policy.Statement[0] as Record<string, unknown>;
    statement.Action = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"];
    statement.Condition = { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:ref:refs/heads/feature" } };
    expect(trustPolicyProblems(PLAN_ROLE, policy)).toEqual([
      'gpp-plan: Action is ["sts:AssumeRoleWithWebIdentity","sts:TagSession"], not "sts:AssumeRoleWithWebIdentity" alone',
      'gpp-plan: aud is undefined, not "sts.amazonaws.com"',
      "gpp-plan: sub is repo:<owner>/<repo>:ref:refs/heads/feature, not repo:<owner>/<repo>:ref:refs/heads/main",
    ]);
  });

  it("a principal other than GitHub's OIDC provider, and a role no workflow uses", () => {
    const policy = goodPolicy(PLAN_ROLE);
    statementOf(policy).Principal = { Federated: "arn:aws:iam::<account>:oidc-provider/gitlab.com" };
    expect(trustPolicyProblems(PLAN_ROLE, policy)).toEqual([
      'gpp-plan: Principal.Federated is "arn:aws:iam::<account>:oidc-provider/gitlab.com", not the token.actions.githubusercontent.com OIDC provider',
    ]);
    expect(trustPolicyProblems("gpp-deploy-qa", goodPolicy(PLAN_ROLE)).join("\n")).toContain("gpp-deploy-qa is not a role of this repository's workflows");
  });
});

describe("role assumption in the workflows", () => {
  const parsed = workflowFiles().map((file) => [path.basename(file), YAML.parse(readFileSync(file, "utf8")) as RoleWorkflow] as const);

  it.each(parsed)("%s: every job assumes the role of its own environment (or the plan role outside one)", (name, workflow) => {
    expect(roleAssumptionProblems(name, workflow)).toEqual([]);
  });

  it("deploy.yml's deploy job assumes the role named by the same expression as its environment", () => {
    const deploy = parsed.find(([name]) => name === "deploy.yml")?.[1];
    expect(deploy?.jobs.deploy?.environment).toBe("${{ needs.resolve.outputs.env }}");
    const credentials = deploy?.jobs.deploy?.steps?.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials?.with?.["role-to-assume"]).toBe("arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/gpp-deploy-${{ needs.resolve.outputs.env }}");
  });

  const assuming = (role: string, environment?: string): RoleWorkflow => ({
    jobs: {
      deploy: {
        ...(environment === undefined ? {} : { environment }),
        steps: [
          {
            uses: "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c",
            with: { "role-to-assume": `arn:aws:iam::\${{ vars.AWS_ACCOUNT_ID }}:role/${role}` },
          },
        ],
      },
    },
  });

  it("refuses a job in one environment assuming another environment's role", () => {
    expect(roleAssumptionProblems("x.yml", assuming("gpp-deploy-prod", "dev"))).toEqual([
      "x.yml: job deploy: runs in environment dev but assumes gpp-deploy-prod, not gpp-deploy-dev",
    ]);
    expect(roleAssumptionProblems("x.yml", assuming("gpp-deploy-prod", "${{ needs.resolve.outputs.env }}"))).toHaveLength(1);
  });

  it("refuses a job outside any environment assuming a deploy role", () => {
    expect(roleAssumptionProblems("x.yml", assuming("gpp-deploy-dev"))).toEqual([
      "x.yml: job deploy: runs in no environment, so it may assume only gpp-plan, not gpp-deploy-dev",
    ]);
  });

  it("refuses an environment the descriptors cannot name, and a role ARN spelled another way", () => {
    expect(roleAssumptionProblems("x.yml", assuming("gpp-deploy-qa", "qa"))).toEqual([
      "x.yml: job deploy: environment qa is none of dev, test, staging, prod",
    ]);
    const other: RoleWorkflow = {
      jobs: { deploy: { environment: "dev", steps: [{ uses: "aws-actions/configure-aws-credentials@x", with: { "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}" } }] } },
    };
    expect(roleAssumptionProblems("x.yml", other)[0]).toContain("is not arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/<role>");
  });
});
