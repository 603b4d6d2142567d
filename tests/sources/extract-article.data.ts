// Fixture pages and what a reader would say about each: is it the release the teaser started, and what text must be kept.
export interface PageCase {
  description: string;
  file: string;
  url: string;
  teaser: string;
  /** The teaser as a feed or bulletin stores it (HTML), when its markup matters (read-more links, lists). */
  teaserHtml?: string;
  selector?: string;
  expected: 'accepted' | 'refused';
  reason?: string;
  /** Exact text (as it reads) that the accepted extract must keep. */
  keeps?: string[];
  /** Text of the page's furniture that must not be in the extract. */
  drops?: string[];
  published?: string;
}

const NATO = 'https://www.nato.int/cps/en/natohq/news_229800.htm';

export const PAGE_CASES: PageCase[] = [
  {
    description: 'NATO news page: article kept, nav, cookie banner, sidebar and related links dropped',
    file: 'nato-news.html',
    url: NATO,
    teaser: 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks on deterrence and defence, support for Ukr…',
    expected: 'accepted',
    keeps: [
      'Ministers reviewed progress on the regional defence plans agreed at the Vilnius Summit',
      '“Our plans only work if the forces and capabilities behind them are real,” the Secretary General said.',
      'Since the Washington Summit, Allies have signed contracts for more than 700,000 artillery rounds',
      '<a href="https://www.nato.int/cps/en/natohq/topics_49202.htm">topic page on deterrence and defence</a>',
    ],
    drops: ['Accept all cookies', 'Related news', 'Steadfast Noon', 'Who is who', 'Subscribe', 'Terms of use', '<script', 'gtag'],
    published: '2024-10-17T07:30:00.000Z',
  },
  {
    description: 'Europol newsroom page: body and list kept, JSON-LD @graph date read',
    file: 'europol-newsroom.html',
    url: 'https://www.europol.europa.eu/media-press/newsroom/news/eight-arrested-in-latvia-for-producing-synthetic-drugs',
    // As the bulletin has it: sentences glued, cut mid-text.
    teaser:
      'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.The operation, which culminated in coordinated raids across Latvia in the beginning of October, resulted in the arrest of eight individuals suspected of involvement in the production. Among the arrested were key…',
    expected: 'accepted',
    keeps: ['<li>over 900 kilograms of synthetic cathinones;</li>', 'including its suspected leader and the chemist who ran the laboratory.', 'Latvia: State Police (Valsts policija)'],
    drops: ['How do you know?', 'Crime areas', 'Glass eel smuggling', 'Eisenhowerlaan'],
    published: '2024-10-09T09:20:00.000Z',
  },
  {
    description: 'Eurojust press release: body in nested divs, links resolved against <base href>, <time> in the article',
    file: 'eurojust-press.html',
    url: 'https://www.eurojust.europa.eu/news/action-day-against-investment-fraud-network-operating-call-centres-georgia',
    teaser: 'Judicial and law enforcement authorities from four countries have taken action against a criminal network that defrauded victims across Europe through fake online investment platforms.',
    expected: 'accepted',
    keeps: [
      'The victims lost at least EUR 10 million.',
      '<a href="https://www.eurojust.europa.eu/news/eurojust-and-georgia">supported by Eurojust</a>',
      '<li>Georgia: Prosecutor’s Office of Georgia</li>',
    ],
    drops: ['Latest news', 'Annual Report', 'Johan de Wittlaan', 'Judicial cooperation'],
    published: '2024-10-10T12:00:00.000Z',
  },
  {
    description: 'Eurojust with an agency selector: exactly the selected block',
    file: 'eurojust-press.html',
    url: 'https://www.eurojust.europa.eu/news/action-day',
    teaser: 'The network ran call centres in Tbilisi and Batumi from which so-called brokers persuaded victims…',
    selector: '.field--name-body',
    expected: 'accepted',
    keeps: ['Eurojust set up a coordination centre at its headquarters in The Hague'],
    drops: ['Judicial and law enforcement authorities from four countries', 'Latest news'],
    published: '2024-10-10T12:00:00.000Z',
  },
  {
    description: 'a selector that matches nothing is refused, not guessed',
    file: 'eurojust-press.html',
    url: 'https://www.eurojust.europa.eu/news/action-day',
    teaser: 'The network ran call centres in Tbilisi and Batumi from which so-called brokers persuaded victims…',
    selector: '#press-release-body',
    expected: 'refused',
    reason: 'selector-not-found',
    published: '2024-10-10T12:00:00.000Z',
  },
  {
    description: 'a cookie wall is not the release (no article block at all)',
    file: 'cookie-wall.html',
    url: NATO,
    teaser: 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks…',
    expected: 'refused',
    reason: 'no-article',
  },
  {
    description: 'a cookie wall picked by an agency selector is still not the release',
    file: 'cookie-wall.html',
    url: NATO,
    teaser: 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks…',
    selector: 'body',
    expected: 'refused',
    reason: 'teaser-not-found',
  },
  {
    description: 'a page for a different release (it even mentions the meeting) is refused',
    file: 'other-release.html',
    url: NATO,
    teaser: 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks…',
    expected: 'refused',
    reason: 'teaser-not-found',
    published: '2024-10-15T12:00:00.000Z',
  },
  {
    description: 'windows-1252 page (decoded by the fetcher): curly quotes and € survive, straight-quoted teaser matches',
    file: 'win1252.html',
    url: 'https://www.europol.europa.eu/de/presse/euro-shield',
    teaser: 'Police in Italy and Portugal, supported by Europol, have dismantled a print shop that produced counterfeit €50 and €100 banknotes of "remarkable quality"...',
    expected: 'accepted',
    keeps: ['counterfeit €50 and €100 banknotes of “remarkable quality”', 'finished notes worth €400 000.', 'Europol’s experts examined the seized notes'],
    drops: ['Impressum', 'Startseite'],
    published: '2024-10-07T00:00:00.000Z',
  },
  {
    description: 'a teaser too short to recognise anything by is not evidence',
    file: 'nato-news.html',
    url: NATO,
    teaser: 'NATO Defence Ministers…',
    expected: 'refused',
    reason: 'no-teaser-text',
  },
  {
    description: 'a page no longer than the teaser adds nothing',
    file: 'other-release.html',
    url: NATO,
    teaser:
      'NATO Secretary General Mark Rutte met the President of Finland, Alexander Stubb, at NATO Headquarters on Tuesday (15 October 2024). They discussed the security situation in the Baltic Sea region, Finland’s contribution to the Alliance’s forward land forces and the preparations for the meeting of Defence Ministers later this week. The Secretary General thanked Finland for its strong support to Ukraine and for hosting NATO exercises in the High North. President Stubb underlined that Finland’s membership has made the whole Alliance stronger and that Finland will continue to invest more than two percent of its GDP in defence. Ministers of Defence will meet in Brussels on 17 and 18 October to discuss deterrence and defence, support for Ukraine and defence production.',
    expected: 'refused',
    reason: 'not-fuller',
    published: '2024-10-15T12:00:00.000Z',
  },
];

// Issue 16: evidence is the opening of the article's body text; furniture is trimmed; another release's page
// quoting ours in its "Related news" block is not ours.
const EUROPOL_CAPTIONS = 'https://www.europol.europa.eu/media-press/newsroom/news/cocaine-network-dismantled-spain-belgium';
const CAPTIONS_P1 =
  'Law enforcement authorities from Spain and Belgium, supported by Europol, have dismantled a criminal network that smuggled cocaine from South America into Europe hidden in shipments of bananas. Eleven suspects were arrested in coordinated raids on 15 October.';
const CAPTIONS_P2 =
  'The network used front companies in the fruit trade to import containers through the ports of Algeciras and Antwerp. Investigators believe it brought at least 8 tonnes of cocaine into the EU since 2022.';
const CAPTIONS_KEEPS = ['Bank accounts and real estate worth EUR 6 million were frozen.', '<li>Spain: National Police (Policía Nacional)</li>', 'Europol’s role'];
const CAPTIONS_DROPS = ['Related news', '38 arrested in investigation', 'Share:', 'LinkedIn', 'Tags:', 'EMPACT', 'class=', 'Eisenhowerlaan', 'We use cookies'];

export const OPENING_CASES: PageCase[] = [
  {
    description: 'a caption, a credit line and a video line between the teaser’s paragraphs do not break the evidence',
    file: 'europol-captions.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1} ${CAPTIONS_P2} During the action day, officers seized 1.2 tonnes…`,
    expected: 'accepted',
    keeps: [...CAPTIONS_KEEPS, 'A house search in Madrid during the action day.'],
    drops: CAPTIONS_DROPS,
    published: '2024-10-21T08:15:00.000Z',
  },
  {
    description: 'a feed teaser ending in a "Read more" link (HTML) is evidence without the link',
    file: 'europol-captions.html',
    url: EUROPOL_CAPTIONS,
    teaser: '',
    teaserHtml: `<p>${CAPTIONS_P1}</p><p>The network used front companies in the fruit trade to import containers through the ports of Algeciras…</p><p><a href="${EUROPOL_CAPTIONS}">Read more</a></p>`,
    expected: 'accepted',
    keeps: CAPTIONS_KEEPS,
    drops: CAPTIONS_DROPS,
    published: '2024-10-21T08:15:00.000Z',
  },
  {
    description: 'a teaser ending in WordPress’s "Continue reading … →" and a "»" link',
    file: 'europol-captions.html',
    url: EUROPOL_CAPTIONS,
    teaser: '',
    teaserHtml: `<p>${CAPTIONS_P1} <a class="more-link" href="${EUROPOL_CAPTIONS}">Continue reading <span class="screen-reader-text">Cocaine trafficking network dismantled</span> &rarr;</a></p><p><a href="${EUROPOL_CAPTIONS}">»</a></p>`,
    expected: 'accepted',
    keeps: CAPTIONS_KEEPS,
    drops: CAPTIONS_DROPS,
    published: '2024-10-21T08:15:00.000Z',
  },
  {
    description: 'a plain-text teaser with "Read more »" after its ellipsis',
    file: 'europol-captions.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1} The network used front companies in the fruit tr… Read more »`,
    expected: 'accepted',
    keeps: CAPTIONS_KEEPS,
    drops: CAPTIONS_DROPS,
    published: '2024-10-21T08:15:00.000Z',
  },
  {
    description: 'another release’s page whose "Related news" block quotes our whole teaser is refused',
    file: 'europol-quotes-teaser.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1} ${CAPTIONS_P2}`,
    expected: 'refused',
    reason: 'teaser-not-at-opening',
    published: '2024-10-28T08:00:00.000Z',
  },
  {
    description: 'the same, with the teaser cut short: still another release',
    file: 'europol-quotes-teaser.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1.slice(0, 120)}…`,
    expected: 'refused',
    reason: 'teaser-not-at-opening',
    published: '2024-10-28T08:00:00.000Z',
  },
  {
    description: 'the same with the "Related news" block inside the article body (where Readability keeps it): trimmed, still another release',
    file: 'europol-quotes-teaser-inline.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1} ${CAPTIONS_P2}`,
    expected: 'refused',
    reason: 'teaser-not-at-opening',
    published: '2024-10-28T08:00:00.000Z',
  },
  {
    description: 'a newsroom listing that carries our teaser as its second item is not the release',
    file: 'europol-newsroom-list.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1.slice(0, 150)}…`,
    expected: 'refused',
    reason: 'teaser-not-at-opening',
  },
  {
    description: 'a newsroom listing whose first item is our teaser is a list of releases, not ours',
    file: 'europol-newsroom-list-first.html',
    url: EUROPOL_CAPTIONS,
    teaser: `${CAPTIONS_P1.slice(0, 150)}…`,
    expected: 'refused',
    reason: 'listing',
  },
  {
    description: 'the page’s first paragraph opens with a dateline the teaser lacks; a contacts banner and a "Contacts" tail are trimmed',
    file: 'eurojust-dateline.html',
    url: 'https://www.eurojust.europa.eu/news/joint-investigation-team-online-fraud',
    teaser: 'Judicial authorities in Austria, Czechia and Slovakia have taken down a call-centre network that defrauded elderly people by posing as bank employees…',
    expected: 'accepted',
    keeps: ['The damage is estimated at EUR 3 million.', 'Eurojust hosted a coordination centre'],
    drops: ['Media contacts', 'Press office', 'Contacts', 'Home'],
  },
  {
    description: 'the teaser opens with a dateline the page lacks',
    file: 'nato-news.html',
    url: NATO,
    teaser: 'BRUSSELS – NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks on deterrence…',
    expected: 'accepted',
    keeps: ['Since the Washington Summit'],
    published: '2024-10-17T07:30:00.000Z',
  },
  {
    description: 'a bulletin teaser whose list is written with bullets matches the page’s list',
    file: 'europol-newsroom.html',
    url: 'https://www.europol.europa.eu/media-press/newsroom/news/eight-arrested-in-latvia-for-producing-synthetic-drugs',
    teaser: '',
    teaserHtml:
      '<p>Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.</p><p>The operation, which culminated in coordinated raids across Latvia in the beginning of October, resulted in the arrest of eight individuals suspected of involvement in the production. Among the arrested were key members of the network, including its suspected leader and the chemist who ran the laboratory.</p><p>During the raids, investigators dismantled an industrial-scale laboratory near Riga and seized:</p><ol><li>over 900 kilograms of synthetic cathinones;</li><li>about 2 000 litres…</li></ol>',
    expected: 'accepted',
    keeps: ['EUR 150 000 in cash and four vehicles.'],
    published: '2024-10-09T09:20:00.000Z',
  },
  {
    description: 'a plain-text teaser with "1." list markers matches the page’s list',
    file: 'europol-newsroom.html',
    url: 'https://www.europol.europa.eu/media-press/newsroom/news/eight-arrested-in-latvia-for-producing-synthetic-drugs',
    teaser:
      'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.\nThe operation, which culminated in coordinated raids across Latvia in the beginning of October, resulted in the arrest of eight individuals suspected of involvement in the production. Among the arrested were key members of the network, including its suspected leader and the chemist who ran the laboratory.\nDuring the raids, investigators dismantled an industrial-scale laboratory near Riga and seized:\n1. over 900 kilograms of synthetic cathinones;\n2. about 2 000 litres of precursor chemicals…',
    selector: '.field--name-body',
    expected: 'accepted',
    keeps: ['EUR 150 000 in cash and four vehicles.'],
    published: '2024-10-09T09:20:00.000Z',
  },
  {
    description: 'a teaser from the middle of the article is not its opening',
    file: 'nato-news.html',
    url: NATO,
    teaser: 'On Ukraine, Ministers took stock of the new NATO Security Assistance and Training for Ukraine command in Wiesbaden, Germany…',
    expected: 'refused',
    reason: 'teaser-not-at-opening',
    published: '2024-10-17T07:30:00.000Z',
  },
];
