/**
 * The API's routes in one table: the CDK API construct builds API Gateway resources and methods
 * from it, the local HTTP adapter routes with it, and the OpenAPI document is generated from it,
 * so the deployed and local APIs cannot drift apart.
 */

/** OAuth2 resource server identifier (Cognito resource server). */
export const RESOURCE_SERVER_ID = 'wcbr';

/** Custom scopes of the resource server, full names as they appear in an access token. */
export const SCOPES = {
  billsPrice: `${RESOURCE_SERVER_ID}/bills:price`,
  feeSchedulesRead: `${RESOURCE_SERVER_ID}/fee-schedules:read`,
  reconsWrite: `${RESOURCE_SERVER_ID}/recons:write`,
  reconsRead: `${RESOURCE_SERVER_ID}/recons:read`,
  reconsDelete: `${RESOURCE_SERVER_ID}/recons:delete`,
  batchesRun: `${RESOURCE_SERVER_ID}/batches:run`,
  analyticsRead: `${RESOURCE_SERVER_ID}/analytics:read`,
  analyticsDelete: `${RESOURCE_SERVER_ID}/analytics:delete`,
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** Scope names without the resource server prefix, with what each allows (Cognito resource server). */
export const SCOPE_DESCRIPTIONS: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: 'bills:price', description: 'Price bills' },
  { name: 'fee-schedules:read', description: 'Read fee schedule amounts' },
  { name: 'recons:write', description: 'Submit Recon sequences (stores PHI)' },
  { name: 'recons:read', description: 'Read stored Recons, decrypted' },
  { name: 'recons:delete', description: 'Delete a Recon and every sequence of it' },
  {
    name: 'batches:run',
    description:
      'Reprice files of bills in bulk and read their results (stores the files, PHI, for the retention period)',
  },
  { name: 'analytics:read', description: "Read the tenant's KPIs and the peers' benchmarks (no PHI)" },
  { name: 'analytics:delete', description: 'Delete every analytics record of the tenant' },
];

/**
 * User groups and the scopes their members get. Machine clients get scopes through the client
 * credentials grant; people (who sign in with TOTP MFA) get them through group membership, added
 * to the access token by the pre-token-generation trigger in AWS and by the local authorizer
 * locally (see docs/decisions/002-authorisation.md).
 */
export const GROUP_SCOPES: Readonly<Record<string, readonly Scope[]>> = {
  'bill-reviewers': [SCOPES.billsPrice, SCOPES.feeSchedulesRead],
  'fee-schedule-readers': [SCOPES.feeSchedulesRead],
  'recon-reviewers': [SCOPES.reconsWrite, SCOPES.reconsRead],
  'recon-stewards': [SCOPES.reconsRead, SCOPES.reconsDelete],
  'batch-submitters': [SCOPES.batchesRun],
  'analytics-viewers': [SCOPES.analyticsRead],
  'analytics-stewards': [SCOPES.analyticsRead, SCOPES.analyticsDelete],
};

/**
 * What a Recon route does with the Recon table and its key: its function gets that much access.
 * `list` reads the table's clear data (totals, sequences, pointers) and never the PHI key; `read`
 * also decrypts the sealed PHI; `write` also writes and seals; `delete` deletes without decrypting.
 */
export type ReconAccess = 'list' | 'read' | 'write' | 'delete';

/**
 * What a Recon function does with the Recon bodies bucket (issue 17): `work` reads and writes the
 * intermediates of a submission (the bill as sent, priced, prior, delta, answer); `delete-work`
 * deletes them (the front step, once it has answered); `answers` stores oversized answers and signs
 * links to them (the front step's and the sequence route's 303); `read-sealed`
 * reads the ciphertext of large stored sequences; `write-sealed` writes it (and deletes what a
 * transaction that did not commit left); `delete-sealed` deletes it (DELETE of a Recon), without
 * the key.
 */
export type ReconBodyAccess =
  | 'work'
  | 'delete-work'
  | 'answers'
  | 'read-sealed'
  | 'write-sealed'
  | 'delete-sealed';

/** A task of a workflow route: one function, named in the ASL by `${<substitution>}`. */
export interface WorkflowTask {
  /** The Task state's name in the ASL. */
  readonly state: string;
  /** The ASL placeholder of the function's ARN (definitionSubstitutions). */
  readonly substitution: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly usesFeeIndex: boolean;
  readonly recon?: ReconAccess;
  readonly reconBodies?: readonly ReconBodyAccess[];
  /** The task links SmartBill pages (the answer of a stored or replayed sequence carries one). */
  readonly smartBill?: true;
}

/**
 * A route served by a synchronous Express state machine behind a front function: in AWS the front
 * function (a Lambda proxy integration) starts the execution (StartSyncExecution) and maps its
 * output to the HTTP answer; locally the route's `entry` runs the same front step in front of the
 * same ASL in aws-local-stepfunctions, with the same task modules.
 */
export interface WorkflowRoute {
  /** The ASL file, relative to the repository root. */
  readonly definition: string;
  /**
   * The front function in AWS, relative to the repository root (exports `handler`): behind a Lambda
   * proxy integration, it stores the body, starts the execution (StartSyncExecution) with keys and
   * claims only and answers (lambdas/app/recon/submit.ts). Locally the route's `entry` does the same.
   */
  readonly front: { readonly entry: string; readonly reconBodies: readonly ReconBodyAccess[] };
  readonly tasks: readonly WorkflowTask[];
}

export interface RouteDefinition {
  /** Stable id, used for construct ids and operationIds. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway resource path, with `{param}` placeholders. */
  readonly path: string;
  /**
   * Handler module, relative to the repository root; it exports `handler`. For a workflow route it
   * is the local front step (CDK deploys the workflow's `front` instead).
   */
  readonly entry: string;
  /** Served by a state machine (see {@link WorkflowRoute}). */
  readonly workflow?: WorkflowRoute;
  /** The function reads or writes the Recon table. */
  readonly recon?: ReconAccess;
  /** The function reads or writes the Recon bodies bucket. */
  readonly reconBodies?: readonly ReconBodyAccess[];
  /** The function links SmartBill pages (signs URLs, hands pages to the renderer). */
  readonly smartBill?: true;
  /**
   * The function creates batches (writes the batch record, signs upload links) or reads them
   * (reads the record, signs result links): bulk repricing, docs/decisions/016-bulk-repricing.md.
   */
  readonly batch?: 'create' | 'read';
  /** The function revokes SmartBill pages (updates gate records, replaces stored pages). */
  readonly smartBillRevoke?: true;
  /**
   * Analytics (issue 19, decision 019): `write` sends priced bills' records to the delivery stream
   * and reads the peers' snapshot (the price route); `read` runs Athena queries over the lines
   * table; `delete` deletes the caller's tenant partitions.
   */
  readonly analytics?: 'write' | 'read' | 'delete';
  /**
   * The function stores answers too large for one response and signs links to them (decision 014):
   * it gets the oversized answers bucket and key.
   */
  readonly oversizedAnswers?: true;
  /**
   * Scopes any one of which authorises the call; empty means no authentication and no API key,
   * for the routes that hold no data (health, and the OpenAPI document, which a client needs
   * before it has a token).
   */
  readonly scopes: readonly Scope[];
  /** The function reads the fee index (gets the layer). */
  readonly usesFeeIndex: boolean;
  /** The function is on the hot path and gets provisioned concurrency. */
  readonly hot: boolean;
  /**
   * The function probes the Recon table, the PHI key and the SmartBill bucket for `/v1/health`:
   * it gets their names and describe-only grants (DescribeTable, DescribeKey, ListBucket), never a
   * read, a write or a cryptographic use.
   */
  readonly healthProbes?: boolean;
  readonly summary: string;
}

/** The SmartBill renderer: not a route, invoked asynchronously by the routes with `smartBill`. */
export const SMARTBILL_RENDERER_ENTRY = 'lambdas/handlers/render-smartbill/handler.ts';

export const ROUTES: readonly RouteDefinition[] = [
  {
    id: 'PriceBill',
    method: 'POST',
    path: '/v1/bills/price',
    entry: 'lambdas/handlers/price-bill/handler.ts',
    smartBill: true,
    oversizedAnswers: true,
    analytics: 'write',
    scopes: [SCOPES.billsPrice],
    usesFeeIndex: true,
    hot: true,
    summary: 'Price a professional bill line by line',
  },
  {
    id: 'AcknowledgeX12',
    method: 'POST',
    path: '/v1/x12/acknowledgments',
    entry: 'lambdas/handlers/acknowledge-x12/handler.ts',
    // Reads and checks the claims as the price route does, without pricing: no fee index.
    scopes: [SCOPES.billsPrice],
    usesFeeIndex: false,
    hot: false,
    summary: 'Acknowledge an X12 837 interchange with a 999, without pricing it',
  },
  {
    id: 'GetFeeSchedule',
    method: 'GET',
    path: '/v1/fee-schedules/{jurisdiction}/{code}',
    entry: 'lambdas/handlers/get-fee-schedule/handler.ts',
    scopes: [SCOPES.feeSchedulesRead, SCOPES.billsPrice],
    usesFeeIndex: true,
    hot: false,
    summary: 'Look up the fee schedule amount of one code',
  },
  {
    id: 'ListJurisdictions',
    method: 'GET',
    path: '/v1/jurisdictions',
    entry: 'lambdas/handlers/list-jurisdictions/handler.ts',
    scopes: [SCOPES.feeSchedulesRead, SCOPES.billsPrice],
    usesFeeIndex: true,
    hot: false,
    summary: 'Every jurisdiction with its method, editions and sources',
  },
  {
    id: 'GetJurisdiction',
    method: 'GET',
    path: '/v1/jurisdictions/{id}',
    entry: 'lambdas/handlers/get-jurisdiction/handler.ts',
    scopes: [SCOPES.feeSchedulesRead, SCOPES.billsPrice],
    usesFeeIndex: true,
    hot: false,
    summary: 'One jurisdiction file, whole',
  },
  {
    id: 'ListReasonCodes',
    method: 'GET',
    path: '/v1/reason-codes',
    entry: 'lambdas/handlers/list-reason-codes/handler.ts',
    scopes: [SCOPES.feeSchedulesRead, SCOPES.billsPrice],
    usesFeeIndex: false,
    hot: false,
    summary: 'The reason code catalogue: internal codes with their CARC, group code, RARC and sources',
  },
  {
    id: 'SubmitRecon',
    method: 'POST',
    path: '/v1/recons',
    entry: 'lambdas/local/recon-route.ts',
    workflow: {
      definition: 'lambdas/workflows/recon.asl.json',
      front: {
        entry: 'lambdas/handlers/submit-recon/handler.ts',
        reconBodies: ['work', 'delete-work', 'answers'],
      },
      tasks: [
        {
          state: 'Price',
          substitution: 'PriceFunctionArn',
          entry: 'lambdas/handlers/recon-tasks/price.ts',
          usesFeeIndex: true,
          reconBodies: ['work'],
        },
        {
          state: 'LoadLatest',
          substitution: 'LoadLatestFunctionArn',
          entry: 'lambdas/handlers/recon-tasks/load-latest.ts',
          usesFeeIndex: false,
          recon: 'read',
          reconBodies: ['work', 'read-sealed'],
          smartBill: true,
        },
        {
          state: 'Delta',
          substitution: 'DeltaFunctionArn',
          entry: 'lambdas/handlers/recon-tasks/delta.ts',
          usesFeeIndex: false,
          reconBodies: ['work'],
        },
        {
          state: 'Write',
          substitution: 'WriteFunctionArn',
          entry: 'lambdas/handlers/recon-tasks/write.ts',
          usesFeeIndex: false,
          recon: 'write',
          reconBodies: ['work', 'write-sealed'],
          smartBill: true,
        },
      ],
    },
    scopes: [SCOPES.reconsWrite],
    usesFeeIndex: false,
    hot: false,
    summary:
      'Submit a Recon sequence: price it, compute the delta against the latest stored sequence, store it',
  },
  {
    id: 'GetRecon',
    method: 'GET',
    path: '/v1/recons/{controlNumber}',
    entry: 'lambdas/handlers/get-recon/handler.ts',
    // The latest totals and the sequence list are clear data: no PHI key (issue 15, item 7).
    recon: 'list',
    scopes: [SCOPES.reconsRead],
    usesFeeIndex: false,
    hot: false,
    summary: 'The latest sequence of a Recon with its totals, and its stored sequences (paged)',
  },
  {
    id: 'ListRecons',
    method: 'GET',
    path: '/v1/recons',
    entry: 'lambdas/handlers/list-recons/handler.ts',
    // Control numbers, counts, totals and times are clear data: no PHI key, as GetRecon.
    recon: 'list',
    scopes: [SCOPES.reconsRead],
    usesFeeIndex: false,
    hot: false,
    summary: "The tenant's Recons, most recently updated first, for delta sync (clear data, paged)",
  },
  {
    id: 'GetReconSequence',
    method: 'GET',
    path: '/v1/recons/{controlNumber}/sequences/{sequence}',
    entry: 'lambdas/handlers/get-recon-sequence/handler.ts',
    recon: 'read',
    reconBodies: ['read-sealed', 'answers'],
    scopes: [SCOPES.reconsRead],
    usesFeeIndex: false,
    hot: false,
    summary: 'One stored sequence, decrypted: the bill as sent, its priced form and its delta',
  },
  {
    id: 'DeleteRecon',
    method: 'DELETE',
    path: '/v1/recons/{controlNumber}',
    entry: 'lambdas/handlers/delete-recon/handler.ts',
    recon: 'delete',
    reconBodies: ['delete-sealed'],
    scopes: [SCOPES.reconsDelete],
    usesFeeIndex: false,
    hot: false,
    summary: 'Delete a Recon: every sequence and the encrypted data keys stored with them',
  },
  {
    id: 'RevokeSmartBill',
    method: 'DELETE',
    path: '/v1/smartbills/{id}',
    entry: 'lambdas/handlers/revoke-smartbill/handler.ts',
    smartBillRevoke: true,
    // The tenant that priced the bill may withdraw its page (issue 15); the tenant comes from the token.
    scopes: [SCOPES.billsPrice],
    usesFeeIndex: false,
    hot: false,
    summary: 'Withdraw a SmartBill page: its link shows a withdrawn notice and no copy of it opens again',
  },
  {
    id: 'CreateBatch',
    method: 'POST',
    path: '/v1/batches',
    entry: 'lambdas/handlers/batch-create/handler.ts',
    batch: 'create',
    scopes: [SCOPES.batchesRun],
    usesFeeIndex: false,
    hot: false,
    summary:
      'Start a bulk repricing: a batch awaiting its input, and a signed link to upload the file of bills to',
  },
  {
    id: 'GetBatch',
    method: 'GET',
    path: '/v1/batches/{id}',
    entry: 'lambdas/handlers/batch-get/handler.ts',
    batch: 'read',
    scopes: [SCOPES.batchesRun],
    usesFeeIndex: false,
    hot: false,
    summary: "A batch's state and progress, and signed links to its results and summary once it is done",
  },
  {
    id: 'GetAnalyticsKpis',
    method: 'GET',
    path: '/v1/analytics/kpis',
    entry: 'lambdas/handlers/analytics-kpis/handler.ts',
    analytics: 'read',
    scopes: [SCOPES.analyticsRead],
    usesFeeIndex: false,
    hot: false,
    summary: "The tenant's bill review KPIs over a range of months, grouped as asked",
  },
  {
    id: 'GetAnalyticsBenchmarks',
    method: 'GET',
    path: '/v1/analytics/benchmarks',
    entry: 'lambdas/handlers/analytics-benchmarks/handler.ts',
    analytics: 'read',
    scopes: [SCOPES.analyticsRead],
    usesFeeIndex: false,
    hot: false,
    summary:
      "The distribution of billed and allowed amounts of a code across tenants (published from 11 lines of 3 tenants), and the tenant's own",
  },
  {
    id: 'DeleteAnalytics',
    method: 'DELETE',
    path: '/v1/analytics',
    entry: 'lambdas/handlers/analytics-delete/handler.ts',
    analytics: 'delete',
    scopes: [SCOPES.analyticsDelete],
    usesFeeIndex: false,
    hot: false,
    summary: "Delete every analytics record of the caller's tenant",
  },
  {
    id: 'AnalyticsPage',
    method: 'GET',
    path: '/analytics',
    entry: 'lambdas/handlers/analytics-page/handler.ts',
    // The page holds no data: it signs the reader in (Cognito, MFA) and reads the KPI route with
    // the reader's own token, so it is served without one, as the OpenAPI document is.
    scopes: [],
    usesFeeIndex: false,
    hot: false,
    summary: 'The KPI page: one self-contained HTML page that signs in and charts the KPIs',
  },
  {
    id: 'Health',
    method: 'GET',
    path: '/v1/health',
    entry: 'lambdas/handlers/health/handler.ts',
    scopes: [],
    // It names the data release in production (issue 20), read from the index it is given, and is
    // moved by a release with the pricing functions.
    usesFeeIndex: true,
    hot: false,
    healthProbes: true,
    summary: 'Health check',
  },
  {
    id: 'OpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'lambdas/handlers/openapi/handler.ts',
    // The document describes the API and holds no data: served without a token (issue 14).
    scopes: [],
    usesFeeIndex: false,
    hot: false,
    summary: 'The OpenAPI 3.1 description of this API',
  },
];

/** The peers' snapshot builder: not a route, run on a schedule (EventBridge) in AWS and by the local stack. */
export const ANALYTICS_PEERS_ENTRY = 'lambdas/handlers/analytics-peers/handler.ts';

/** Where a Lambda function finds the fee index (the layer mounts at /opt). */
export const LAMBDA_FEE_INDEX_PATH = '/opt/fee-index/fee-index.bin';
/** Environment variable that overrides it (the local stack and tests set it). */
export const FEE_INDEX_PATH_ENV = 'FEE_INDEX_PATH';
