import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  addGroupScopes,
  handler,
  scopesForGroups,
} from '../../lambdas/handlers/pre-token-generation/handler.js';
import { GROUP_SCOPES, SCOPES } from '../../lambdas/handlers/shared/routes.js';

/** A V2_0 event as Cognito sends it after an SRP sign-in (shape from the Cognito developer guide). */
function srpSignIn(groups: string[] | undefined, scopes = ['aws.cognito.signin.user.admin']) {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'us-east-1_example',
    userName: 'a-user-sub',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'people-client' },
    request: {
      userAttributes: { sub: 'a-user-sub', email_verified: 'true' },
      groupConfiguration: groups === undefined ? {} : { groupsToOverride: groups },
      scopes,
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('scopesForGroups', () => {
  it('grants each group its scopes from GROUP_SCOPES', () => {
    expect(scopesForGroups(['fee-schedule-readers'])).toEqual([SCOPES.feeSchedulesRead]);
    expect(scopesForGroups(['bill-reviewers'])).toEqual([...(GROUP_SCOPES['bill-reviewers'] ?? [])]);
  });

  it('lists a scope once when two groups grant it', () => {
    const scopes = scopesForGroups(['bill-reviewers', 'fee-schedule-readers']);
    expect(scopes).toEqual([SCOPES.billsPrice, SCOPES.feeSchedulesRead]);
  });

  it('grants nothing for unknown groups, no groups, or inherited object keys', () => {
    expect(scopesForGroups(['admins'])).toEqual([]);
    expect(scopesForGroups([])).toEqual([]);
    expect(scopesForGroups(undefined)).toEqual([]);
    expect(scopesForGroups(['constructor', '__proto__', 'toString'])).toEqual([]);
  });
});

describe('pre-token-generation handler', () => {
  it('adds the group scopes to the access token only', async () => {
    // Prepare
    const event = srpSignIn(['fee-schedule-readers']);
    // Act
    const result = await handler(event);
    // Assess
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { scopesToAdd: [SCOPES.feeSchedulesRead] },
    });
  });

  it('does not change the event it is given', () => {
    const event = srpSignIn(['bill-reviewers']);
    const before = structuredClone(event);
    addGroupScopes(event);
    expect(event).toEqual(before);
  });

  it('leaves the response alone for a user without a mapped group', () => {
    const event = srpSignIn(['somebody-else']);
    expect(addGroupScopes(event)).toBe(event);
    expect(addGroupScopes(srpSignIn(undefined)).response.claimsAndScopeOverrideDetails).toEqual({});
  });

  it('does not add a scope the token already has and keeps earlier overrides', () => {
    const event = srpSignIn(['bill-reviewers'], ['aws.cognito.signin.user.admin', SCOPES.feeSchedulesRead]);
    event.response.claimsAndScopeOverrideDetails = {
      accessTokenGeneration: { claimsToSuppress: ['username'], scopesToAdd: ['openid'] },
    };
    const access = addGroupScopes(event).response.claimsAndScopeOverrideDetails.accessTokenGeneration;
    expect(access).toEqual({ claimsToSuppress: ['username'], scopesToAdd: ['openid', SCOPES.billsPrice] });
  });

  it('uses the mapping it is given', () => {
    const event = srpSignIn(['auditors']);
    const access = addGroupScopes(event, { auditors: ['wcbr/audit:read'] }).response
      .claimsAndScopeOverrideDetails.accessTokenGeneration;
    expect(access?.scopesToAdd).toEqual(['wcbr/audit:read']);
  });
});
