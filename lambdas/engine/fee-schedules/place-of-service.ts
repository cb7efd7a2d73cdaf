/**
 * Places of service paid at the facility rate (facility practice expense RVUs). Medicare Claims
 * Processing Manual, Chapter 12, § 20.4.2: the facility rate applies to services in a hospital
 * (inpatient 21, on-campus outpatient 22, off-campus outpatient 19, emergency room 23), an
 * ambulatory surgical center (24), a military treatment facility (26), a skilled nursing facility
 * (31), a hospice (34), an ambulance (41, 42), an inpatient psychiatric facility (51), a
 * psychiatric facility partial hospitalization (52), a community mental health center (53), a
 * psychiatric residential treatment center (56) and a comprehensive inpatient rehabilitation
 * facility (61). Telehealth at place of service 02 is paid at the facility rate (CY 2017 PFS final
 * rule); every other place of service, office (11) and home (12) among them, at the non-facility rate.
 */
export const FACILITY_PLACES_OF_SERVICE: ReadonlySet<string> = new Set([
  '02',
  '19',
  '21',
  '22',
  '23',
  '24',
  '26',
  '31',
  '34',
  '41',
  '42',
  '51',
  '52',
  '53',
  '56',
  '61',
]);

/**
 * The practice expense setting of a place of service.
 *
 * @param placeOfService - two-digit CMS code
 * @returns 'facility' or 'non-facility'
 */
export function settingOf(placeOfService: string): 'facility' | 'non-facility' {
  return FACILITY_PLACES_OF_SERVICE.has(placeOfService) ? 'facility' : 'non-facility';
}
