// Source: names as careless people write them, and the agencies they mean, or not: look-alike traps included.
import type { Agency } from '../../src/model.js';

const agency = (id: string, name: string, aliases: string[] = [], configured = true): Agency => ({ id, name, aliases, timezone: 'Europe/Brussels', feeds: [], configured });

export const AGENCIES: Agency[] = [
  agency('nato', 'NATO', ['North Atlantic Treaty Organization', 'NATO HQ']),
  agency('europol', 'Europol', ['European Union Agency for Law Enforcement Cooperation']),
  agency('eurojust', 'Eurojust', ['European Union Agency for Criminal Justice Cooperation']),
  agency('ema', 'EMA', ['European Medicines Agency']),
  agency('ecb', 'European Central Bank'),
  agency('eib-bank', 'European Investment Bank'),
  agency('council-eu', 'Council of the European Union', ['Council of the EU']),
  agency('osce', 'OSCE', ['Organization for Security and Co-operation in Europe']),
  agency('frontex', 'Frontex', [], false),
];

export interface MatchCase {
  description: string;
  written: string;
  expected: { kind: 'exact' | 'near' | 'new'; id: string };
}

export const MATCH_CASES: MatchCase[] = [
  { description: 'the name itself', written: 'Europol', expected: { kind: 'exact', id: 'europol' } },
  { description: 'an alias, other case and spacing', written: '  north atlantic   treaty organization ', expected: { kind: 'exact', id: 'nato' } },
  { description: 'case only: Nato', written: 'Nato', expected: { kind: 'exact', id: 'nato' } },
  { description: 'a discovered agency by its own name', written: 'Frontex', expected: { kind: 'exact', id: 'frontex' } },
  { description: 'one letter dropped: Europl', written: 'Europl', expected: { kind: 'near', id: 'europol' } },
  { description: 'two letters swapped in a short name: Eruopol', written: 'Eruopol', expected: { kind: 'near', id: 'europol' } },
  { description: 'two letters swapped in a long name: Eurojsut', written: 'Eurojsut', expected: { kind: 'near', id: 'eurojust' } },
  { description: 'dots in an acronym: N.A.T.O.', written: 'N.A.T.O.', expected: { kind: 'near', id: 'nato' } },
  { description: 'trailing full stop: Europol.', written: 'Europol.', expected: { kind: 'near', id: 'europol' } },
  { description: 'accents added: Éuropól', written: 'Éuropól', expected: { kind: 'near', id: 'europol' } },
  { description: 'British spelling of an alias', written: 'North Atlantic Treaty Organisation', expected: { kind: 'near', id: 'nato' } },
  { description: 'an abbreviation inside a name: Council of the E.U.', written: 'Council of the E.U.', expected: { kind: 'near', id: 'council-eu' } },
  { description: '"The" in front of a name', written: 'The Council of the European Union', expected: { kind: 'near', id: 'council-eu' } },
  { description: 'an acronym of a configured long name: EIB for European Investment Bank', written: 'EIB', expected: { kind: 'near', id: 'eib-bank' } },
  { description: 'a long name whose initials are the configured acronym', written: 'European Medicines Agency', expected: { kind: 'exact', id: 'ema' } },
  { description: '"&" for "and" in an alias', written: 'Organization for Security & Co-operation in Europe', expected: { kind: 'near', id: 'osce' } },
  { description: 'a typo of a discovered agency: Frontx', written: 'Frontx', expected: { kind: 'near', id: 'frontex' } },
  { description: 'the agency\'s office after its name: NATO Press Office', written: 'NATO Press Office', expected: { kind: 'near', id: 'nato' } },
  { description: 'Europol newsroom', written: 'Europol newsroom', expected: { kind: 'near', id: 'europol' } },
  { description: 'a date after the name: NATO, 9 October 2024', written: 'NATO, 9 October 2024', expected: { kind: 'near', id: 'nato' } },
  { description: 'a place in brackets: Europol (The Hague)', written: 'Europol (The Hague)', expected: { kind: 'near', id: 'europol' } },
  { description: 'a typo and a place: Europl – The Hague', written: 'Europl – The Hague', expected: { kind: 'near', id: 'europol' } },
  { description: 'an alias then the acronym in brackets', written: 'European Union Agency for Criminal Justice Cooperation (Eurojust)', expected: { kind: 'near', id: 'eurojust' } },
  { description: 'the agency id written out: Council EU', written: 'Council EU', expected: { kind: 'near', id: 'council-eu' } },
  // Traps: real, different agencies one or two letters from a known one.
  { description: 'trap: EBA is not EMA (acronyms never by spelling)', written: 'EBA', expected: { kind: 'new', id: 'eba' } },
  { description: 'trap: ESM is not EMA or ECB', written: 'ESM', expected: { kind: 'new', id: 'esm' } },
  { description: 'trap: Eba in mixed case is not EMA either', written: 'Eba', expected: { kind: 'new', id: 'eba' } },
  { description: 'trap: EMSA is not EMA', written: 'EMSA', expected: { kind: 'new', id: 'emsa' } },
  { description: 'trap: European Banking Authority is not European Medicines Agency', written: 'European Banking Authority', expected: { kind: 'new', id: 'european-banking-authority' } },
  { description: 'trap: Europa is not Europol (two letters off a seven-letter name)', written: 'Europa', expected: { kind: 'new', id: 'europa' } },
  { description: 'trap: Interpol is not Europol', written: 'Interpol', expected: { kind: 'new', id: 'interpol' } },
  { description: 'trap: Eurostat is not Eurojust', written: 'Eurostat', expected: { kind: 'new', id: 'eurostat' } },
  { description: 'trap: OSCE Parliamentary Assembly is its own body', written: 'OSCE Parliamentary Assembly', expected: { kind: 'new', id: 'osce-parliamentary-assembly' } },
  { description: 'trap: Council of Europe is not the Council of the EU', written: 'Council of Europe', expected: { kind: 'new', id: 'council-of-europe' } },
  { description: 'trap: NATO PA (a short name near NATO) is new', written: 'NATO PA', expected: { kind: 'new', id: 'nato-pa' } },
  { description: 'trap: ECB is not EIB, though both are acronyms of configured banks', written: 'ECB', expected: { kind: 'exact', id: 'ecb' } },
  { description: 'trap: EIF is not EIB', written: 'EIF', expected: { kind: 'new', id: 'eif' } },
  { description: 'trap: "NATO Parliamentary Assembly" is not NATO\'s office', written: 'NATO Parliamentary Assembly', expected: { kind: 'new', id: 'nato-parliamentary-assembly' } },
  { description: 'a pasted paragraph is never spell-matched', written: `Europol ${'x'.repeat(200)}`, expected: { kind: 'new', id: `europol-${'x'.repeat(52)}` } },
  { description: 'trap: a new agency with a place after it stays new', written: 'Frontex Warsaw (Poland)', expected: { kind: 'new', id: 'frontex-warsaw-poland' } },
  { description: 'trap: EBA, London is not EMA', written: 'EBA, London', expected: { kind: 'new', id: 'eba-london' } },
  { description: 'a genuinely new agency', written: 'European Border and Coast Guard Agency', expected: { kind: 'new', id: 'european-border-and-coast-guard-agency' } },
];
