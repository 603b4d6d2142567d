// Dates as agencies' feeds write them, and what each must read as (ISO 8601 UTC, or undefined: not a date).

export interface DateCase {
  description: string;
  raw: string | undefined;
  /** IANA zone of the agency: zone-less times are read there. */
  zone?: string;
  expected: string | undefined;
}

export const RFC822: DateCase[] = [
  { description: 'RFC 822 with a numeric zone', raw: 'Mon, 07 Oct 2024 14:00:00 +0200', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'a European zone name the RFC never defined (CEST)', raw: 'Mon, 7 Oct 2024 14:00:00 CEST', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'EET', raw: 'Mon, 7 Oct 2024 14:00:00 EET', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'GMT', raw: 'Mon, 7 Oct 2024 14:00:00 GMT', expected: '2024-10-07T14:00:00.000Z' },
  { description: 'an RFC 822 North American zone (EDT)', raw: 'Mon, 07 Oct 2024 14:00:00 EDT', expected: '2024-10-07T18:00:00.000Z' },
  { description: 'NATO: no weekday and "Oct." with a full stop', raw: '09 Oct. 2024 11:30:00 GMT', zone: 'Europe/Brussels', expected: '2024-10-09T11:30:00.000Z' },
  { description: 'a full month name and no seconds', raw: 'Wed, 9 October 2024 11:30 GMT', expected: '2024-10-09T11:30:00.000Z' },
  { description: 'all lower case', raw: 'wed, 09 oct 2024 11:30:00 gmt', expected: '2024-10-09T11:30:00.000Z' },
  { description: 'no zone: read in the agency zone', raw: 'Wed, 09 Oct 2024 11:30:00', zone: 'Europe/Brussels', expected: '2024-10-09T09:30:00.000Z' },
  { description: 'no time: midnight in the agency zone', raw: 'Wed, 09 Oct 2024', zone: 'Europe/Brussels', expected: '2024-10-08T22:00:00.000Z' },
  { description: 'a 2-digit year (RFC 822) in this century', raw: 'Mon, 07 Oct 24 14:00:00 +0200', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'a 2-digit year 70 is 1970', raw: 'Thu, 01 Jan 70 00:00:00 GMT', expected: '1970-01-01T00:00:00.000Z' },
  { description: 'a 2-digit year 99 is 1999', raw: 'Fri, 31 Dec 99 23:59:59 GMT', expected: '1999-12-31T23:59:59.000Z' },
  { description: 'a weekday that does not match the date is ignored', raw: 'Tue, 07 Oct 2024 14:00:00 +0200', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'a trailing zone comment', raw: 'Mon, 07 Oct 2024 14:00:00 +0200 (CEST)', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'JavaScript Date#toString pasted into a feed', raw: 'Mon Oct 07 2024 14:00:00 GMT+0200 (Central European Summer Time)', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'month first, US style, date only', raw: 'October 7, 2024', zone: 'Europe/Brussels', expected: '2024-10-06T22:00:00.000Z' },
  { description: 'a military zone letter (RFC 1123: read as UTC)', raw: 'Mon, 07 Oct 2024 14:00:00 A', expected: '2024-10-07T14:00:00.000Z' },
  { description: 'padding, tabs and newlines', raw: '\n\t  Mon,  07 Oct 2024\n 14:00:00   +0200  ', expected: '2024-10-07T12:00:00.000Z' },
  { description: '24:00 is the next midnight', raw: 'Mon, 07 Oct 2024 24:00:00 GMT', expected: '2024-10-08T00:00:00.000Z' },
  { description: 'a leap second is read as the second before', raw: 'Wed, 31 Dec 2016 23:59:60 GMT', expected: '2016-12-31T23:59:59.000Z' },
];

export const ISO: DateCase[] = [
  { description: 'a date alone: midnight in the agency zone', raw: '2024-10-07', zone: 'Europe/Brussels', expected: '2024-10-06T22:00:00.000Z' },
  { description: 'a date alone in UTC', raw: '2024-10-07', zone: 'UTC', expected: '2024-10-07T00:00:00.000Z' },
  { description: 'Z', raw: '2024-10-07T14:00:00Z', expected: '2024-10-07T14:00:00.000Z' },
  { description: 'lower-case z', raw: '2024-10-07t14:00:00z', expected: '2024-10-07T14:00:00.000Z' },
  { description: 'an offset', raw: '2024-10-07T14:00:00+02:00', zone: 'America/New_York', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'an offset without colon, with fractions', raw: '2024-10-07T14:00:00.123+0200', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'an hours-only offset', raw: '2024-10-07T14:00:00-05', expected: '2024-10-07T19:00:00.000Z' },
  { description: 'no zone: the agency zone (summer time)', raw: '2024-10-07T14:00:00', zone: 'Europe/Brussels', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'no zone: the agency zone (winter time)', raw: '2024-12-07T14:00:00', zone: 'Europe/Brussels', expected: '2024-12-07T13:00:00.000Z' },
  { description: 'no zone, a space and no seconds', raw: '2024-10-07 14:00', zone: 'Europe/Amsterdam', expected: '2024-10-07T12:00:00.000Z' },
  { description: 'no zone, an agency in UTC', raw: '2024-10-07T14:00:00', zone: 'UTC', expected: '2024-10-07T14:00:00.000Z' },
  { description: 'a leap day', raw: '2024-02-29T12:00:00Z', expected: '2024-02-29T12:00:00.000Z' },
];

/** Europe/Brussels changes at 01:00 UTC: 02:00→03:00 on 31 March 2024, 03:00→02:00 on 27 October 2024. */
export const DST: DateCase[] = [
  { description: 'spring: the minute before the change', raw: '2024-03-31T01:59:00', zone: 'Europe/Brussels', expected: '2024-03-31T00:59:00.000Z' },
  { description: 'spring: a time that never happened moves forward by the gap', raw: '2024-03-31T02:30:00', zone: 'Europe/Brussels', expected: '2024-03-31T01:30:00.000Z' },
  { description: 'spring: the first summer minute', raw: '2024-03-31T03:00:00', zone: 'Europe/Brussels', expected: '2024-03-31T01:00:00.000Z' },
  { description: 'autumn: a time that happened twice is the earlier one', raw: '2024-10-27T02:30:00', zone: 'Europe/Brussels', expected: '2024-10-27T00:30:00.000Z' },
  { description: 'autumn: the same in RFC 822 without zone', raw: 'Sun, 27 Oct 2024 02:30:00', zone: 'Europe/Brussels', expected: '2024-10-27T00:30:00.000Z' },
  { description: 'autumn: after the repeated hour', raw: '2024-10-27T03:00:00', zone: 'Europe/Brussels', expected: '2024-10-27T02:00:00.000Z' },
  { description: 'autumn: before the repeated hour', raw: '2024-10-27T01:59:00', zone: 'Europe/Brussels', expected: '2024-10-26T23:59:00.000Z' },
  { description: 'another zone: New York, repeated hour', raw: '2024-11-03T01:30:00', zone: 'America/New_York', expected: '2024-11-03T05:30:00.000Z' },
  { description: 'an explicit offset is never second-guessed', raw: '2024-10-27T02:30:00+01:00', zone: 'Europe/Brussels', expected: '2024-10-27T01:30:00.000Z' },
];

export const NOT_DATES: DateCase[] = [
  { description: 'missing', raw: undefined, expected: undefined },
  { description: 'empty', raw: '', expected: undefined },
  { description: 'white space', raw: '   \n ', expected: undefined },
  { description: 'a word', raw: 'yesterday', expected: undefined },
  { description: 'NaN', raw: 'NaN', expected: undefined },
  { description: 'Invalid Date', raw: 'Invalid Date', expected: undefined },
  { description: '31 February', raw: '31 Feb 2024 10:00:00 GMT', expected: undefined },
  { description: '30 February in ISO', raw: '2024-02-30', expected: undefined },
  { description: '29 February of a common year', raw: '2023-02-29T10:00:00Z', expected: undefined },
  { description: 'month 13', raw: '2024-13-01', expected: undefined },
  { description: 'an unknown month', raw: 'Mon, 07 Foo 2024 14:00:00 GMT', expected: undefined },
  { description: 'hour 25', raw: 'Mon, 07 Oct 2024 25:00:00 GMT', expected: undefined },
  { description: 'minute 61', raw: 'Mon, 07 Oct 2024 14:61:00 GMT', expected: undefined },
  { description: '24:30', raw: '2024-10-07T24:30:00Z', expected: undefined },
  { description: 'an unknown zone', raw: 'Mon, 07 Oct 2024 14:00:00 XYZ', expected: undefined },
  { description: 'an offset beyond any zone', raw: 'Mon, 07 Oct 2024 14:00:00 +2500', expected: undefined },
  { description: 'a 3-digit year', raw: 'Mon, 07 Oct 202 14:00:00 GMT', expected: undefined },
  { description: 'before 1970', raw: '1969-12-31T23:59:59Z', expected: undefined },
  { description: 'the MySQL zero date', raw: '0000-00-00 00:00:00', expected: undefined },
  { description: 'trailing junk', raw: '2024-10-07T14:00:00+02:00junk', expected: undefined },
  { description: 'a paragraph', raw: 'Published on Monday 7 October 2024 at 14:00 by the Press Office of the Agency', expected: undefined },
  { description: 'very long', raw: `Mon, 07 Oct 2024 14:00:00 GMT${' '.repeat(200)}x`, expected: undefined },
];
