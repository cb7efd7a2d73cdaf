import {
  type AddToPrincipalPolicyResult,
  ManagedPolicy,
  type PolicyStatement,
  Role,
  type RoleProps,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * An IAM role whose permissions live in one customer-managed policy instead of the inline
 * `DefaultPolicy` CDK normally creates. Every `grant*()` and `addToRolePolicy()` lands in that
 * policy, so the HIPAA Security rule "no inline policies" holds without giving up CDK's grants, and
 * without AWS managed policies (the role gets exactly what its construct grants it).
 */
export class ManagedPolicyRole extends Role {
  /** The customer-managed policy that holds the role's permissions. */
  public readonly policy: ManagedPolicy;

  /**
   * @param scope - parent construct
   * @param id - construct id
   * @param props - role properties; `inlinePolicies` is refused
   */
  public constructor(scope: Construct, id: string, props: RoleProps) {
    if (props.inlinePolicies !== undefined) {
      throw new Error('ManagedPolicyRole keeps permissions in a managed policy: do not pass inlinePolicies');
    }
    super(scope, id, props);
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `Permissions of ${this.node.path}`,
    });
    this.addManagedPolicy(this.policy);
  }

  /**
   * Adds the statement to the role's managed policy.
   *
   * @param statement - the permission to add
   * @returns always added, with the policy to depend on
   */
  public override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
