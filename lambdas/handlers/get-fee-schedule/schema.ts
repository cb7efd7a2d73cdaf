import * as v from 'valibot';

/** Query of GET /v1/fee-schedules/{jurisdiction}/{code}. */
export const FeeScheduleQuerySchema = v.object({
  date: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Date of service, YYYY-MM-DD; default: the start of the latest edition holding the code in the schedule it is priced on (a state table, the RVU file, or for DMEPOS and lab codes the DMEPOS or lab schedule); the answer then says dateDefaulted and names the date in its notices.',
      ),
    ),
  ),
  modifier: v.optional(v.pipe(v.string(), v.description('Pricing modifier: 26, TC or 53.'))),
  zip: v.optional(v.pipe(v.string(), v.description('Five-digit ZIP of the place of service.'))),
  locality: v.optional(
    v.pipe(v.string(), v.description('Carrier and locality instead of a ZIP, e.g. 12102-01.')),
  ),
  facility: v.optional(
    v.pipe(
      v.picklist(['true', 'false']),
      v.description('true for the facility rate; default false (non-facility).'),
    ),
  ),
  setting: v.optional(
    v.pipe(
      v.picklist(['outpatient', 'asc'], 'must be "outpatient" or "asc"'),
      v.description(
        'outpatient: the Medicare OPPS rate (status indicator, APC, national rate); asc: the Medicare ASC rate (payment indicator). Absent: the professional fee schedule amount.',
      ),
    ),
  ),
  cbsa: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{2}(\d{3})?$/, 'must be a five-digit CBSA or a two-digit state rural area'),
      v.description('With setting: the CBSA whose wage index adjusts the rate.'),
    ),
  ),
});
