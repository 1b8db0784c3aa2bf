import { RULES } from "./rules";
import type { Finding, PolicyInput, Rule } from "./types";

/** Runs the rules over one deployment's input; findings in rule order. A rule that throws is a bug and says which. */
export function evaluate(input: PolicyInput, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) => {
    try {
      return rule.check(input).map((violation) => ({ ruleId: rule.id, ...violation }));
    } catch (error) {
      throw new Error(`rule ${rule.id} failed on deployment ${input.deploymentId}: ${(error as Error).message}`, { cause: error });
    }
  });
}

/** `RULE-ID  address\n    message`, one block per finding. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.ruleId}  ${f.address}\n    ${f.message}`).join("\n");
}
