/**
 * Requests that carry PHI-like markers in every field, header, path segment and query parameter,
 * for every route of the route table, and the check that none of them reached a log (issue 15,
 * item 2). The markers are made up but shaped like the real thing: a name, an SSN, a birth date,
 * a claim number, a member id, an address.
 */
import type { RouteDefinition } from '../../lambdas/handlers/shared/routes.js';
import { build837 } from './x12-837.js';

export const PHI = {
  name: 'Quixotebergh',
  ssn: '987-65-4329',
  birthDate: '1957-03-14',
  claimNumber: 'WCQX55501234',
  memberId: 'MBRZ77340012',
  address: '742 Evergreen Terrace',
} as const;

/**
 * What must never appear in a log line: each marker, and the forms a log could hold it in
 * (percent-encoded, SSN without dashes, the street alone).
 */
export const PHI_NEEDLES: readonly string[] = [
  PHI.name,
  PHI.ssn,
  '987654329',
  PHI.birthDate,
  '03/14/1957',
  PHI.claimNumber,
  PHI.memberId,
  'Evergreen',
];

/** Each marker, to fill one field each. */
export const MARKERS: readonly string[] = [
  `${PHI.name} ${PHI.ssn}`,
  PHI.ssn,
  PHI.birthDate,
  '03/14/1957',
  PHI.claimNumber,
  PHI.memberId,
  PHI.address,
];

/** The needles found in a text, in any case (a bill's jurisdiction is upper-cased); empty when clean. */
export function phiIn(text: string): string[] {
  const upper = text.toUpperCase();
  return PHI_NEEDLES.filter((needle) => upper.includes(needle.toUpperCase()));
}

const patient = {
  firstName: PHI.name,
  lastName: PHI.name,
  birthDate: PHI.birthDate,
  memberId: PHI.memberId,
  ssn: PHI.ssn,
  address: { line1: PHI.address, city: PHI.name, state: 'DE', zip: '19901' },
};
const claim = {
  claimNumber: PHI.claimNumber,
  injuryDate: PHI.birthDate,
  employer: { name: PHI.name, address: { line1: PHI.address } },
};

/** A bill that prices (PPRRVU 99213, ZIP 19901), with PHI in every field that is not priced. */
export function pricedBillWithPhi(controlNumber: string): Record<string, unknown> {
  return {
    controlNumber,
    sequence: 1,
    billId: PHI.claimNumber,
    jurisdiction: 'US-MEDICARE',
    serviceFacility: { zip: '19901', name: PHI.name },
    patient,
    claim,
    notes: `${PHI.name} ${PHI.ssn} ${PHI.address}`,
    lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00', note: PHI.memberId }],
  };
}

/** A body with a marker in every field, the priced ones included: it cannot be priced. */
export function bodyAllPhi(): Record<string, unknown> {
  return {
    controlNumber: `${PHI.name} ${PHI.ssn}`,
    sequence: PHI.ssn,
    billId: PHI.claimNumber,
    billReference: PHI.ssn,
    payer: {
      name: PHI.name,
      contact: { phone: PHI.ssn, email: PHI.name, appealInstructions: PHI.address, appealUrl: PHI.memberId },
    },
    jurisdiction: `${PHI.name} ${PHI.ssn}`,
    placeOfService: PHI.birthDate,
    serviceFacility: { zip: PHI.ssn, name: PHI.name },
    patient,
    claim,
    lines: [
      { code: PHI.name, dateOfService: PHI.birthDate, charge: PHI.ssn, modifiers: [PHI.memberId] },
      { code: PHI.ssn, dateOfService: '03/14/1957', charge: '1.00', units: PHI.claimNumber },
    ],
  };
}

/** A facility bill (issue 16) with a marker in every field, the priced ones included. */
export function facilityBodyAllPhi(): Record<string, unknown> {
  return {
    controlNumber: `${PHI.name} ${PHI.ssn}`,
    sequence: 1,
    billId: PHI.claimNumber,
    billReference: `${PHI.birthDate}`,
    payer: { contact: { mailingAddress: PHI.address, appealUrl: `https://${PHI.name}.example/${PHI.ssn}` } },
    jurisdiction: 'US-MEDICARE',
    billType: 'outpatient',
    typeOfBill: PHI.ssn,
    facility: { zip: PHI.ssn, npi: PHI.memberId, name: PHI.name, cbsa: PHI.birthDate },
    admissionDate: PHI.birthDate,
    drg: PHI.claimNumber,
    diagnoses: [PHI.name],
    patient,
    claim,
    lines: [
      {
        revenueCode: PHI.ssn,
        code: PHI.name,
        dateOfService: '03/14/1957',
        charge: PHI.ssn,
        note: PHI.memberId,
      },
    ],
  };
}

/** An institutional claim (837I JSON) with markers everywhere: it cannot be priced. */
export function institutionalClaimAllPhi(): Record<string, unknown> {
  return {
    controlNumber: `${PHI.name} ${PHI.ssn}`,
    jurisdiction: 'US-MEDICARE',
    subscriber: { ...patient },
    billing: { npi: PHI.memberId, address: { postalCode: PHI.ssn, address1: PHI.address } },
    claimInformation: {
      placeOfServiceCode: '13',
      patientControlNumber: PHI.claimNumber,
      claimDateInformation: { statementBeginDate: PHI.birthDate, statementEndDate: PHI.ssn },
      principalDiagnosis: { principalDiagnosisCode: PHI.name },
      serviceLines: [
        {
          serviceDate: PHI.birthDate,
          institutionalService: {
            serviceLineRevenueCode: PHI.ssn,
            procedureCode: PHI.name,
            lineItemChargeAmount: PHI.memberId,
          },
        },
      ],
    },
  };
}

/**
 * An 837 with markers in every patient field, the claim number, the patient control number and a
 * bad code (quoted back in the 999's IK404), for the routes that read X12.
 *
 * @param badCode - whether the second claim carries a marker where its code should be
 * @returns the interchange
 */
export function x12WithPhi(badCode: boolean): string {
  const bill = {
    billId: PHI.memberId,
    serviceFacility: { zip: '19901' },
    lines: [{ code: '99213', dateOfService: '2025-03-04', charge: '150.00' }],
  };
  const bad = { ...bill, lines: [{ ...bill.lines[0], code: badCode ? PHI.ssn : '99213' }] } as typeof bill;
  return build837([bill, bad], {
    state: 'DE',
    claimNumber: () => PHI.claimNumber,
    patient: {
      lastName: PHI.name,
      firstName: PHI.name,
      memberId: PHI.memberId,
      birthDate: PHI.birthDate.replaceAll('-', ''),
      street: PHI.address,
    },
  });
}

/** One request as a client could send it; path parameters already decoded, as the gateway does. */
export interface PhiRequest {
  readonly label: string;
  readonly route: RouteDefinition;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** The `{param}` names of a route's path. */
export function pathParameterNames(route: RouteDefinition): string[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** Header names and values with markers (values a client may send in any header). */
export function phiHeaders(): Record<string, string> {
  return {
    'x-patient-name': PHI.name,
    'x-ssn': PHI.ssn,
    'x-birth-date': PHI.birthDate,
    'x-claim': PHI.claimNumber,
    [`x-${PHI.memberId.toLowerCase()}`]: PHI.address,
    'user-agent': `${PHI.name}/1.0 (${PHI.ssn})`,
    referer: `https://example.test/${PHI.claimNumber}?dob=${PHI.birthDate}`,
    'x-forwarded-for': PHI.address,
  };
}

/** Query parameters with markers: the routes' own names and made-up ones. */
export function phiQuery(): Record<string, string> {
  return {
    date: PHI.birthDate,
    zip: PHI.ssn,
    locality: PHI.claimNumber,
    modifier: PHI.memberId,
    facility: PHI.name,
    setting: PHI.name,
    cbsa: PHI.ssn,
    limit: PHI.ssn,
    pageToken: `${PHI.name}${PHI.ssn}`,
    [PHI.name]: PHI.address,
    ssn: PHI.ssn,
  };
}

const VALID_PATH: Readonly<Record<string, string>> = {
  jurisdiction: 'US-MEDICARE',
  code: '99213',
  id: 'US-MEDICARE',
  controlNumber: 'CN-PHI-1',
  sequence: '1',
};

/**
 * For each route: markers in every path segment, query parameter, header and body field; then a
 * request the route answers 2xx, with markers everywhere the route does not read.
 *
 * @param routes - the route table
 * @returns the requests
 */
export function phiRequests(routes: readonly RouteDefinition[]): PhiRequest[] {
  const requests: PhiRequest[] = [];
  for (const route of routes) {
    const names = pathParameterNames(route);
    const hasBody = route.method === 'POST';
    MARKERS.forEach((marker, i) => {
      requests.push({
        label: `${route.id}: marker ${i} everywhere`,
        route,
        pathParameters: Object.fromEntries(
          names.map((n, j) => [n, MARKERS[(i + j) % MARKERS.length] ?? marker]),
        ),
        query: { ...phiQuery(), [`q${i}`]: marker },
        headers: { ...phiHeaders(), 'content-type': 'application/json' },
        body: hasBody ? JSON.stringify(bodyAllPhi()) : null,
      });
    });
    requests.push({
      label: `${route.id}: malformed JSON and a foreign media type quoting markers`,
      route,
      pathParameters: Object.fromEntries(names.map((n) => [n, `${PHI.name} ${PHI.ssn}`])),
      query: phiQuery(),
      headers: { ...phiHeaders(), 'content-type': `text/${PHI.name.toLowerCase()}` },
      body: hasBody ? `{"patient": "${PHI.name} ${PHI.ssn}", ${PHI.address}` : null,
    });
    if (hasBody) {
      for (const [kind, body] of [
        ['a facility bill', facilityBodyAllPhi()],
        ['an institutional claim', institutionalClaimAllPhi()],
      ] as const) {
        requests.push({
          label: `${route.id}: ${kind} with markers in every field`,
          route,
          pathParameters: Object.fromEntries(names.map((n) => [n, VALID_PATH[n] ?? 'x'])),
          query: {},
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      }
      requests.push({
        label: `${route.id}: malformed JSON quoting markers`,
        route,
        pathParameters: Object.fromEntries(names.map((n) => [n, VALID_PATH[n] ?? 'x'])),
        query: {},
        headers: { 'content-type': 'application/json' },
        body: `{"patient": "${PHI.name} ${PHI.ssn}", ${PHI.address}`,
      });
    }
    if (route.id === 'PriceBill' || route.id === 'AcknowledgeX12') {
      for (const [i, [accept, query]] of [
        ['application/json', {}],
        [
          'application/edi-x12',
          { paymentMethod: 'CHK', paymentTrace: PHI.claimNumber, paymentDate: '2025-04-01' },
        ],
        ['application/json', { jurisdiction: PHI.name }],
      ].entries()) {
        requests.push({
          label: `${route.id}: an 837 with markers in every patient field (${i})`,
          route,
          pathParameters: {},
          query: query as Record<string, string>,
          headers: { 'content-type': 'application/edi-x12', accept: accept as string },
          body: x12WithPhi(i !== 1),
        });
      }
      requests.push({
        label: `${route.id}: a truncated 837 quoting markers`,
        route,
        pathParameters: {},
        query: {},
        headers: { 'content-type': 'application/edi-x12' },
        body: x12WithPhi(true).slice(0, 900),
      });
    }
    // The issue's own case: `GET /v1/fee-schedules/Quixotebergh%20987-65-4329/99213`, a path
    // parameter that is a marker and nothing else wrong; and a bill whose jurisdiction is one.
    MARKERS.forEach((marker, i) => {
      requests.push({
        label: `${route.id}: marker ${i} in one path parameter or the bill's jurisdiction`,
        route,
        pathParameters: Object.fromEntries(
          names.map((n, j) => [n, j === 0 ? marker : (VALID_PATH[n] ?? 'x')]),
        ),
        query: {},
        headers: { 'content-type': 'application/json' },
        body: hasBody ? JSON.stringify({ ...pricedBillWithPhi('CN-PHI-0'), jurisdiction: marker }) : null,
      });
    });
    requests.push({
      label: `${route.id}: a request it answers, markers everywhere it does not read`,
      route,
      pathParameters: Object.fromEntries(names.map((n) => [n, VALID_PATH[n] ?? 'x'])),
      query: route.id === 'GetFeeSchedule' ? { zip: '19901', date: '2025-03-04' } : {},
      headers: { ...phiHeaders(), 'content-type': 'application/json' },
      body: hasBody ? JSON.stringify(pricedBillWithPhi('CN-PHI-1')) : null,
    });
  }
  return requests;
}
