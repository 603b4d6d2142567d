// Two versions of one bulletin file, and what the second must do to the stories the first made.
export const E_ARREST = `Europol supports arrest of 12 suspects in investment fraud case

Source: Europol

Law enforcement authorities from Spain and Germany arrested 12 suspects of an investment fraud scheme that
defrauded more than 3,000 victims across Europe of an estimated EUR 40 million.
`;
export const E_ARREST_PT = `Europol supports arrest of 7 suspects in investment fraud case

Source: Europol

Law enforcement authorities from Portugal arrested 7 suspects of an investment fraud scheme that defrauded
more than 900 victims in Portugal and Brazil of an estimated EUR 6 million.
`;
export const N_EXERCISE = `NATO Allies conclude annual nuclear deterrence exercise

Source: NATO

Brussels, 9 October 2024 – NATO Allies concluded the annual exercise Steadfast Noon, which involved 60 aircraft
from thirteen Allied nations flying over the North Sea and the United Kingdom.
`;
export const N_SHORT = `NATO Secretary Genral visits Kyiv

Source: NATO

He met the President.
`;

export interface VersionCase {
  description: string;
  before: string;
  after: string;
  /** Titles of the first version whose stories keep their id (and stay published) in the second. */
  kept: string[];
  /** Titles of the first version whose stories are withdrawn. */
  withdrawn: string[];
  /** Stories in the feeds after the second version, by title. */
  published: string[];
}

const join = (...items: string[]) => items.join('\n');

export const VERSIONS: VersionCase[] = [
  {
    description: 'a title typo fixed: the same story, renamed',
    before: N_SHORT,
    after: N_SHORT.replace('Genral', 'General'),
    kept: ['NATO Secretary Genral visits Kyiv'],
    withdrawn: [],
    published: ['NATO Secretary General visits Kyiv'],
  },
  {
    description: 'a title reworded over the same text: the same story',
    before: join(N_EXERCISE, E_ARREST),
    after: join(N_EXERCISE.replace('conclude annual nuclear deterrence exercise', 'wrap up Steadfast Noon'), E_ARREST),
    kept: ['NATO Allies conclude annual nuclear deterrence exercise', 'Europol supports arrest of 12 suspects in investment fraud case'],
    withdrawn: [],
    published: ['NATO Allies wrap up Steadfast Noon', 'Europol supports arrest of 12 suspects in investment fraud case'],
  },
  {
    description: 'a figure in the text corrected under the same title: the same story',
    before: E_ARREST,
    after: E_ARREST.replace('EUR 40 million', 'EUR 45 million'),
    kept: ['Europol supports arrest of 12 suspects in investment fraud case'],
    withdrawn: [],
    published: ['Europol supports arrest of 12 suspects in investment fraud case'],
  },
  {
    description: 'an item deleted: its story is withdrawn, the other stays',
    before: join(N_EXERCISE, E_ARREST),
    after: N_EXERCISE,
    kept: ['NATO Allies conclude annual nuclear deterrence exercise'],
    withdrawn: ['Europol supports arrest of 12 suspects in investment fraud case'],
    published: ['NATO Allies conclude annual nuclear deterrence exercise'],
  },
  {
    description: 'items reordered: nothing withdrawn, nothing new',
    before: join(N_EXERCISE, E_ARREST),
    after: join(E_ARREST, N_EXERCISE),
    kept: ['NATO Allies conclude annual nuclear deterrence exercise', 'Europol supports arrest of 12 suspects in investment fraud case'],
    withdrawn: [],
    published: ['NATO Allies conclude annual nuclear deterrence exercise', 'Europol supports arrest of 12 suspects in investment fraud case'],
  },
  {
    description: 'of two look-alike items (12 suspects in Spain, 7 in Portugal) the deleted one goes, not its twin',
    before: join(E_ARREST, E_ARREST_PT),
    after: E_ARREST_PT,
    kept: ['Europol supports arrest of 7 suspects in investment fraud case'],
    withdrawn: ['Europol supports arrest of 12 suspects in investment fraud case'],
    published: ['Europol supports arrest of 7 suspects in investment fraud case'],
  },
  {
    description: 'an item replaced by another release of the same agency: withdrawn, and a new story, not a rename',
    before: E_ARREST,
    after: E_ARREST_PT,
    kept: [],
    withdrawn: ['Europol supports arrest of 12 suspects in investment fraud case'],
    published: ['Europol supports arrest of 7 suspects in investment fraud case'],
  },
  {
    description: 'an item whose agency line changed to another agency: withdrawn under the old one',
    before: N_SHORT,
    after: N_SHORT.replace('Source: NATO', 'Source: Europol'),
    kept: [],
    withdrawn: ['NATO Secretary Genral visits Kyiv'],
    published: ['NATO Secretary Genral visits Kyiv'],
  },
  {
    description: 'everything deleted but the header: every story withdrawn',
    before: join('Weekly digest, 9 October 2024\n', N_EXERCISE, E_ARREST),
    after: 'Weekly digest, 9 October 2024\n',
    kept: [],
    withdrawn: ['NATO Allies conclude annual nuclear deterrence exercise', 'Europol supports arrest of 12 suspects in investment fraud case'],
    published: [],
  },
];
