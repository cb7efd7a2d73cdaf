/**
 * The KPI page's environment (issue 19): where its script signs the reader in. The CDK stack sets
 * them in AWS (the regional Cognito endpoint and the people client), the local stack sets them to
 * cognito-local and its people client. Without the first two the page answers 503 in words.
 */
export const ANALYTICS_PAGE_ENV = {
  /** The Cognito user-pool API the page posts to: `https://cognito-idp.<region>.amazonaws.com/` in AWS. */
  cognitoEndpoint: 'ANALYTICS_PAGE_COGNITO_ENDPOINT',
  /** The people app client id (public, no secret; USER_PASSWORD_AUTH allowed). */
  clientId: 'ANALYTICS_PAGE_CLIENT_ID',
  /** `true` where the API's authenticated methods require an API key (AWS): the page asks for it. */
  askApiKey: 'ANALYTICS_PAGE_ASK_API_KEY',
} as const;
