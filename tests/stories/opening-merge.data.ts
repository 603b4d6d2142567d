// Issue 16, merging on text: copies whose text is the opening of the other's, and near misses that are not.
// Each case is a bulletin (saved under a file name, so dated by it) and an agency feed item, as the worker gets them.
import type { FeedItem } from '../../src/model.js';

const p = (...paras: string[]) => paras.map((x) => `<p>${x}</p>`).join('');

export const IMS_TWO_SENTENCES =
  'From 5 to 9 October 2024, the Director General of the NATO International Military Staff (DGIMS), Lieutenant General Janusz Adamczak visited NATO Partner Azerbaijan. While in Baku, he met with military leaders and senior officials.';
const LATVIA_P1 =
  'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.';
const LATVIA_P2 =
  'The operation, which culminated in coordinated raids across Latvia in the beginning of October, resulted in the arrest of eight individuals suspected of involvement in the production. Among the arrested were key members of the network, including its suspected leader and the chemist who ran the laboratory.';
const EMPACT_STANDARD =
  'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks.';
// Closing paragraphs two media advisories share word for word (registration and contacts).
const ADVISORY_CLOSING = [
  'Media representatives wishing to attend must register by sending an e-mail to press@europol.europa.eu with their name, media outlet and the number of their press card. Accreditation closes at 12:00 the day before the event. Only accredited journalists will be admitted to the building.',
  'The event will be streamed live on the website. Photos and video footage will be available for download after the event. For further information please contact the Europol Press Office: +31 70 302 5001.',
];

export interface OpeningCase {
  description: string;
  /** The seed bulletin's item (by the start of its title), saved under `file`; or an item of our own. */
  bulletin: string | { title: string; agency: string; text: string };
  file: string;
  agency: string;
  feed: Omit<FeedItem, 'kind' | 'categories'>;
  /** When the worker reads them. */
  now: string;
  /** Stories expected from the pair. */
  stories: 1 | 2;
  /** With one story: the rule JSON Feed names for the copy that joined it. */
  rule?: string;
}

export const OPENING_CASES: OpeningCase[] = [
  {
    description: 'the issue: NATO’s feed titles it by an acronym and opens with the bulletin’s first two sentences; the bulletin is named two days early',
    bulletin: 'The Director General of NATO IMS visits Azerbaijan',
    file: '2024-10-07.txt',
    agency: 'nato',
    feed: { link: 'https://www.nato.int/cps/en/natohq/news_229611.htm', title: 'DGIMS visit to Baku', published: '10 Oct. 2024 15:42:00 GMT', summaryHtml: IMS_TWO_SENTENCES },
    now: '2024-10-10T18:00:00Z',
    stories: 1,
    rule: 'opening-text',
  },
  {
    description: 'the bulletin’s teaser opens the feed’s full text under a title sharing no word; the bulletin named three weeks late',
    bulletin: 'Europol supports Latvia',
    file: 'bulletin-2024-10-30.txt',
    agency: 'europol',
    feed: {
      guid: '4521 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/synthetic-drugs',
      title: 'Riga: industrial cathinone laboratory shut down',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      contentHtml: p(LATVIA_P1, LATVIA_P2, 'During the raids, investigators dismantled an industrial-scale laboratory near Riga.'),
    },
    now: '2024-10-30T18:00:00Z',
    stories: 1,
    rule: 'opening-text',
  },
  {
    description: 'a feed description ending in "Read more »" is the opening of the bulletin’s item',
    bulletin: 'The Director General of NATO IMS visits Azerbaijan',
    file: '2024-10-01.txt',
    agency: 'nato',
    feed: { link: 'https://www.nato.int/cps/en/natohq/news_229611.htm', title: 'NATO IMS DG in the South Caucasus', published: '09 Oct. 2024 15:42:00 GMT', summaryHtml: `${IMS_TWO_SENTENCES} <a href="https://www.nato.int/cps/en/natohq/news_229611.htm">Read more »</a>` },
    now: '2024-10-10T18:00:00Z',
    stories: 1,
    rule: 'opening-text',
  },
  // Near misses: each stays two stories.
  {
    description: 'a follow-up release repeating the original’s first paragraph, then going on otherwise',
    bulletin: { title: 'Latvian synthetic drug network: suspects charged', agency: 'Europol', text: `${LATVIA_P1}\n\nProsecutors in Riga have now charged the eight suspects with the production of narcotic substances on an industrial scale. The trial is expected to open next spring. Europol continues to support the Latvian authorities with analysis of the seized devices.` },
    file: 'bulletin-2024-11-05.txt',
    agency: 'europol',
    feed: {
      guid: '4521 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/synthetic-drugs',
      title: 'Riga: industrial cathinone laboratory shut down',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      contentHtml: p(LATVIA_P1, LATVIA_P2),
    },
    now: '2024-11-05T18:00:00Z',
    stories: 2,
  },
  {
    description: 'the same follow-up dated two days after the original (inside every date window)',
    bulletin: { title: 'Latvian synthetic drug network: suspects charged', agency: 'Europol', text: `${LATVIA_P1}\n\nProsecutors in Riga have now charged the eight suspects with the production of narcotic substances on an industrial scale. The trial is expected to open next spring. Europol continues to support the Latvian authorities with analysis of the seized devices.` },
    file: 'bulletin-2024-10-10.txt',
    agency: 'europol',
    feed: {
      guid: '4521 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/synthetic-drugs',
      title: 'Latvian synthetic drug lab network dismantled',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      contentHtml: p(LATVIA_P1, LATVIA_P2),
    },
    now: '2024-10-10T18:00:00Z',
    stories: 2,
  },
  {
    description: 'a follow-up’s teaser that is only the original’s first paragraph (one sentence) and a cut word',
    bulletin: { title: 'Latvian synthetic drug network: suspects charged', agency: 'Europol', text: `${LATVIA_P1} Prosecutors…` },
    file: 'bulletin-2024-11-05.txt',
    agency: 'europol',
    feed: {
      guid: '4521 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/synthetic-drugs',
      title: 'Riga: industrial cathinone laboratory shut down',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      contentHtml: p(LATVIA_P1, 'Prosecutors will decide on charges once the analysis of the seized devices is complete.'),
    },
    now: '2024-11-05T18:00:00Z',
    stories: 2,
  },
  {
    description: 'two releases opening with the same standard sentence, then each its own',
    bulletin: 'EMPACT Hackathon',
    file: 'bulletin-2024-10-20.txt',
    agency: 'europol',
    feed: {
      guid: '4540 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/child-trafficking-action-days',
      title: 'Action days target child trafficking across Europe',
      published: 'Tue, 08 Oct 2024 09:00:00 +0200',
      contentHtml: p(`${EMPACT_STANDARD} During a week of action days, police in 22 countries checked more than 2 000 people at borders and in transport hubs.`),
    },
    now: '2024-10-20T18:00:00Z',
    stories: 2,
  },
  {
    description: 'the standard sentence alone as one copy’s text (a description that is only boilerplate)',
    bulletin: 'EMPACT Hackathon',
    file: 'bulletin-2024-10-20.txt',
    agency: 'europol',
    feed: {
      guid: '4541 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/labour-exploitation-action-days',
      title: 'Labour exploitation action days',
      published: 'Tue, 08 Oct 2024 09:00:00 +0200',
      summaryHtml: EMPACT_STANDARD,
    },
    now: '2024-10-20T18:00:00Z',
    stories: 2,
  },
  {
    description: 'two media advisories sharing their closing paragraphs word for word, under titles sharing most words',
    bulletin: { title: 'Media advisory: Executive Director opens cybercrime conference', agency: 'Europol', text: `The Executive Director of Europol will open the annual cybercrime conference in The Hague on 14 November.\n\n${ADVISORY_CLOSING.join('\n\n')}` },
    file: 'bulletin-2024-11-08.txt',
    agency: 'europol',
    feed: {
      guid: '4550 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/media-advisory-annual-report',
      title: 'Media advisory: Executive Director presents annual report',
      published: 'Thu, 07 Nov 2024 09:00:00 +0100',
      contentHtml: p('The Executive Director will present the annual report to the press at Europol headquarters on 12 November.', ...ADVISORY_CLOSING),
    },
    now: '2024-11-08T18:00:00Z',
    stories: 2,
  },
];
