import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface DeploymentBudgetProps {
  readonly name: string;
  readonly deploymentId: string;
  readonly monthlyLimitUsd: number;
  readonly topicArn: string;
  readonly emails: readonly string[];
  /** The topic policy that lets AWS Budgets publish to `topicArn`. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A monthly cost budget for one deployment, filtered on the `deployment` default tag. AWS only filters on
 * a tag once it is activated as a cost allocation tag (once per account, see docs/operations.md).
 */
export class DeploymentBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: DeploymentBudgetProps) {
    super(scope, id);
    const subscribers = {
      subscriberSnsTopicArns: [props.topicArn],
      ...(props.emails.length > 0 ? { subscriberEmailAddresses: [...props.emails] } : {}),
    };
    this.budget = new BudgetsBudget(this, "monthly", {
      name: props.name,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: props.monthlyLimitUsd.toFixed(2),
      limitUnit: "USD",
      costFilter: [{ name: "TagKeyValue", values: [`user:deployment$${props.deploymentId}`] }],
      notification: [
        // Early warning while there is still time to act, then the hard line.
        { notificationType: "FORECASTED", comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", ...subscribers },
        { notificationType: "ACTUAL", comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", ...subscribers },
      ],
      // The ARN alone would let the budget be created before budgets.amazonaws.com may publish to the topic.
      dependsOn: props.dependsOn,
    });
  }
}
