import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { GROUP_SCOPES } from '../shared/routes.js';

/**
 * The scopes that membership of the given groups grants, each once, in group order. Groups the
 * mapping does not know grant nothing.
 *
 * @param groups - the user's Cognito groups
 * @param mapping - group name to scopes
 * @returns the scopes to add to the user's access token
 * @example
 * scopesForGroups(['fee-schedule-readers']); // ['wcbr/fee-schedules:read']
 */
export function scopesForGroups(
  groups: readonly string[] | undefined,
  mapping: Readonly<Record<string, readonly string[]>> = GROUP_SCOPES,
): string[] {
  const scopes = new Set<string>();
  for (const group of groups ?? []) {
    if (!Object.hasOwn(mapping, group)) continue;
    for (const scope of mapping[group] ?? []) scopes.add(scope);
  }
  return [...scopes];
}

/**
 * Pre-token-generation (V2_0 event): people get the resource server scopes of their groups in
 * their access token, the same mapping the local authorizer applies (see
 * docs/decisions/002-authorisation.md). Machine clients get scopes from the client credentials
 * grant and never reach this trigger. Nothing here logs: user attributes are personal data.
 *
 * @param event - the trigger event Cognito sends
 * @param mapping - group name to scopes
 * @returns the event with `scopesToAdd` set; the input is not changed
 */
export function addGroupScopes(
  event: PreTokenGenerationV2TriggerEvent,
  mapping: Readonly<Record<string, readonly string[]>> = GROUP_SCOPES,
): PreTokenGenerationV2TriggerEvent {
  const already = new Set(event.request.scopes ?? []);
  const granted = scopesForGroups(event.request.groupConfiguration?.groupsToOverride, mapping).filter(
    (scope) => !already.has(scope),
  );
  if (granted.length === 0) return event;
  const details = event.response?.claimsAndScopeOverrideDetails ?? {};
  const access = details.accessTokenGeneration ?? {};
  const scopesToAdd = [...new Set([...(access.scopesToAdd ?? []), ...granted])];
  return {
    ...event,
    response: {
      ...event.response,
      claimsAndScopeOverrideDetails: {
        ...details,
        accessTokenGeneration: { ...access, scopesToAdd },
      },
    },
  };
}

/** Lambda entry of the user pool's pre-token-generation trigger. */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => addGroupScopes(event);
