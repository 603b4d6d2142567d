// Fixture pages and what a reader would say about each: is it the release the teaser started, and what text must be kept.
export interface PageCase {
  description: string;
  file: string;
  url: string;
  teaser: string;
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
