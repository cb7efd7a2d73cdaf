import claim837p from '../../../examples/bills/claim-837p.json' with { type: 'json' };
import facilityAsc from '../../../examples/bills/facility-asc.json' with { type: 'json' };
import facilityInpatient from '../../../examples/bills/facility-inpatient-837i.json' with { type: 'json' };
import facilityOutpatient from '../../../examples/bills/facility-outpatient.json' with { type: 'json' };
import imagingAndTherapy from '../../../examples/bills/imaging-and-therapy.json' with { type: 'json' };
import noEdition from '../../../examples/bills/no-edition.json' with { type: 'json' };
import officeVisit from '../../../examples/bills/office-visit.json' with { type: 'json' };
import type { ExampleBill } from '../../app/release/checks.js';

/**
 * The example bills of examples/bills, bundled into the Check step (a Lambda has no repository to
 * read) and used by `wcbr data check`: every release must price each without an error.
 * test/unit/release/release-steps.test.ts fails when a file of examples/bills is missing here.
 */
export const EXAMPLE_BILLS: readonly ExampleBill[] = [
  { name: 'claim-837p.json', bill: claim837p },
  { name: 'facility-asc.json', bill: facilityAsc },
  { name: 'facility-inpatient-837i.json', bill: facilityInpatient },
  { name: 'facility-outpatient.json', bill: facilityOutpatient },
  { name: 'imaging-and-therapy.json', bill: imagingAndTherapy },
  { name: 'no-edition.json', bill: noEdition },
  { name: 'office-visit.json', bill: officeVisit },
];
