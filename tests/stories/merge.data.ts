// Copies of the seed bulletin's press releases as the agencies' own feeds carry them, and look-alikes that are not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeedItem, Incoming } from '../../src/model.js';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { bulletinToIncoming, feedItemToIncoming } from '../../src/stories/normalise.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BULLETIN_FILE = 'bulletin-2024-10-09.txt';
export const BULLETIN_TEXT = readFileSync(path.join(ROOT, 'tests/fixtures/bulletins', BULLETIN_FILE), 'utf8');
export const NOW = new Date('2024-10-10T08:00:00Z');

export const AGENCIES: Record<string, { id: string; feedUrl: string; timeZone: string }> = {
  NATO: { id: 'nato', feedUrl: 'https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml', timeZone: 'Europe/Brussels' },
  Europol: { id: 'europol', feedUrl: 'https://www.europol.europa.eu/cms/api/rss/news', timeZone: 'Europe/Amsterdam' },
  Eurojust: { id: 'eurojust', feedUrl: 'https://www.eurojust.europa.eu/rss/press-releases.xml', timeZone: 'Europe/Amsterdam' },
};
const byId = (id: string) => Object.values(AGENCIES).find((a) => a.id === id)!;

/** Every item of the seed bulletin as Incoming. */
export function bulletinItems(file = BULLETIN_FILE, text = BULLETIN_TEXT): Incoming[] {
  return parseBulletin(text).items.map((item) => bulletinToIncoming(item, { file, agency: AGENCIES[item.agencyName]!.id }));
}

/** The seed bulletin's item whose title starts so. */
export function bulletinItem(titleStart: string): Incoming {
  const found = bulletinItems().find((i) => i.title.startsWith(titleStart));
  if (!found) throw new Error(`no bulletin item "${titleStart}"`);
  return found;
}

/** A feed item of an agency's feed, normalised as the worker does. */
export function feedItem(agency: string, item: Omit<FeedItem, 'kind' | 'categories'> & { categories?: string[] }, opts: { now?: Date; feedUrl?: string; index?: number } = {}): Incoming {
  const a = byId(agency);
  const r = feedItemToIncoming({ kind: 'feed', categories: [], ...item }, opts.index ?? 0, { agency, feedUrl: opts.feedUrl ?? a.feedUrl, timeZone: a.timeZone, now: opts.now ?? NOW });
  if (!r.incoming) throw new Error(`feed item did not normalise: ${JSON.stringify(r.warnings)}`);
  return r.incoming;
}

const p = (...paras: string[]) => paras.map((x) => `<p>${x}</p>`).join('');

// Fuller texts of the releases the bulletin only teases (as the agencies' sites publish them).
export const LATVIA_FULL = p(
  'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.',
  'The operation, which culminated in coordinated raids across Latvia in the beginning of October, resulted in the arrest of eight individuals suspected of involvement in the production. Among the arrested were key members of the network who organised the supply of precursor chemicals and the distribution of the finished drugs.',
  'During the action days, investigators dismantled two clandestine laboratories and seized more than 100 kilograms of synthetic drugs, laboratory equipment and chemical precursors.',
);
export const EMPACT_FULL = p(
  'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks. This joint action aimed to identify key indicators of human trafficking on online platforms, explore how legal business structures may be misused by traffickers and advance new criminal investigations.',
  'The experts also participated in workshops and trainings on open-source intelligence and on the analysis of financial flows. Over the course of the hackathon, investigators from 19 countries checked online advertisements and social media accounts, identifying 16 suspected human traffickers and 60 potential victims.',
);
export const EELS_FULL = p(
  'Up until now, glass eels were illegally fished in Europe, mainly in France, Spain and Portugal, and then shipped to Asia. In some cases, criminal groups even used mules to transport the eels. Smugglers are still using these routes. However, pressure from law enforcement has forced criminals to look for alternative routes and use Mauritania and Senegal as new countries of origin for the eels.',
  'During the 2023-2024 fishing season, law enforcement authorities from 26 countries seized 5 tonnes of glass eels.',
);
export const LOCKBIT_FULL =
  '<h3>LockBit full infrastructure in the crosshairs of law enforcement</h3>' +
  p(
    'These are some of the results of the third phase of Operation Cronos, a long-running collective effort of law enforcement authorities from 12 countries, Europol and Eurojust, who joined forces to effectively disrupt at all levels the criminal operations of the LockBit ransomware group. These actions follow the massive disruption of LockBit in February 2024, when the group’s infrastructure was taken over by law enforcement.',
    'At the request of the French authorities, a suspected developer of LockBit was arrested while on vacation outside of Russia.',
  );

const NATO_IMS_FIRST =
  'From 5 to 9 October 2024, the Director General of the NATO International Military Staff (DGIMS), Lieutenant General Janusz Adamczak visited NATO Partner Azerbaijan. While in Baku, he met with military leaders and senior officials. Their discussions included military cooperation, defence reform and how to strengthen regional security and stability.';
const EUROJUST_FIRST =
  '<p>Eurojust supported this international operation, which hit a notorious mafia organisation. Investigations into the criminal organisation uncovered an elaborate scheme that was laundering money from Italy to Brazil, through several companies. The operation on 7 October led to the arrest of four suspects and the seizure of nine companies in Italy, Hong Kong and Brazil.</p>';

export interface MergeCase {
  description: string;
  /** The seed bulletin's item, by the start of its title. */
  bulletin: string;
  agency: string;
  feed: Omit<FeedItem, 'kind' | 'categories'>;
}

/** The agency's feed carries the bulletin's release: each pair must become ONE story. */
export const COPIES: MergeCase[] = [
  {
    description: 'the same title; the feed has the full text of a bulletin teaser',
    bulletin: 'Europol supports Latvia',
    agency: 'europol',
    feed: {
      guid: '4521 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/europol-supports-latvia-in-dismantling-major-synthetic-drug-lab-network',
      title: 'Europol supports Latvia in dismantling major synthetic drug lab network',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      summaryHtml: 'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.',
      contentHtml: LATVIA_FULL,
    },
  },
  {
    description: 'quotes, dashes, double spaces and CDATA padding in the title',
    bulletin: 'EMPACT Hackathon',
    agency: 'europol',
    feed: {
      guid: '4519 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/empact-hackathon-16-suspected-human-traffickers-and-60-potential-victims-identified?utm_source=rss',
      title: '\n   “EMPACT  Hackathon” – 16 suspected human traffickers and 60 potential victims identified\n ',
      published: 'Mon, 07 Oct 2024 14:00:00 +0200',
      contentHtml: EMPACT_FULL,
    },
  },
  {
    description: 'a shortened title (NATO’s own feed, as shipped)',
    bulletin: 'The Director General of NATO IMS visits Azerbaijan',
    agency: 'nato',
    feed: {
      link: 'https://www.nato.int/cps/en/natohq/news_229611.htm',
      title: 'Director General of the NATO International Military Staff visits Azerbaijan',
      published: '09 Oct. 2024 15:42:00 GMT',
      summaryHtml: NATO_IMS_FIRST,
    },
  },
  {
    description: 'an agency prefix ("Europol: ")',
    bulletin: '5 tonnes of trafficked glass eels',
    agency: 'europol',
    feed: {
      guid: '4512 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/5-tonnes-of-trafficked-glass-eels-seized',
      title: 'Europol: 5 tonnes of trafficked glass eels seized and new smuggling routes identified in global operation',
      published: 'Fri, 04 Oct 2024 10:30:00 +0200',
      contentHtml: EELS_FULL,
    },
  },
  {
    description: 'a shortened title and another agency prefix, told by the text',
    bulletin: '5 tonnes of trafficked glass eels',
    agency: 'europol',
    feed: {
      guid: '4512 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/glass-eels',
      title: 'EUROPOL – Glass eels: 5 tonnes seized, new smuggling routes identified',
      published: 'Fri, 04 Oct 2024 10:30:00 +0200',
      contentHtml: EELS_FULL,
    },
  },
  {
    description: 'a changed verb (arrests → arrested), the text agrees',
    bulletin: 'Four arrests and nine companies',
    agency: 'eurojust',
    feed: {
      guid: '3102 at https://www.eurojust.europa.eu',
      link: 'https://www.eurojust.europa.eu/news/four-arrests-and-nine-companies-seized-anti-mafia-operation-italy-and-brazil',
      title: 'Four arrested and nine companies seized in anti-mafia operation in Italy and Brazil',
      published: 'Tue, 08 Oct 2024 10:15:00 +0200',
      summaryHtml: EUROJUST_FIRST,
    },
  },
  {
    description: 'a reworded title: the bulletin teaser is the start of the feed’s text (cut mid-word)',
    bulletin: 'EMPACT Hackathon',
    agency: 'europol',
    feed: {
      guid: '4519 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/hackathon-identifies-traffickers',
      title: 'Europol: hackathon identifies 16 suspected traffickers and 60 potential victims',
      published: 'Mon, 07 Oct 2024 14:00:00 +0200',
      contentHtml: EMPACT_FULL,
    },
  },
  {
    description: 'a heading the bulletin ran into its paragraph ("enforcementThese"), under a new title',
    bulletin: 'LockBit power cut',
    agency: 'europol',
    feed: {
      guid: '4498 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/lockbit-power-cut',
      title: 'Operation Cronos: LockBit power cut with four new arrests',
      published: 'Tue, 01 Oct 2024 18:00:00 +0200',
      summaryHtml: 'LockBit full infrastructure in the crosshairs of law enforcement',
      contentHtml: LOCKBIT_FULL,
    },
  },
  {
    description: 'a small title difference and no text in the feed',
    bulletin: 'Deep Dive Recap',
    agency: 'nato',
    feed: {
      link: 'https://www.nato.int/cps/en/natohq/news_229547.htm',
      title: 'Deep Dive Recap – Protection of Civilians and Gender Perspective',
      published: '08 Oct. 2024 10:00:00 GMT',
    },
  },
  {
    description: 'a feed dated a week before the bulletin that digests it',
    bulletin: 'LockBit power cut',
    agency: 'europol',
    feed: {
      guid: '4498 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/lockbit-power-cut-four-new-arrests-and-financial-sanctions-against-affiliates',
      title: 'LockBit power cut: four new arrests and financial sanctions against affiliates',
      published: 'Tue, 01 Oct 2024 18:00:00 +0200',
      contentHtml: LOCKBIT_FULL,
    },
  },
];

/** Look-alikes: each pair must stay TWO stories. */
export const TRAPS: MergeCase[] = [
  {
    description: 'another agency’s release about the same operation, word for word',
    bulletin: 'LockBit power cut',
    agency: 'eurojust',
    feed: {
      guid: '3090 at https://www.eurojust.europa.eu',
      link: 'https://www.eurojust.europa.eu/news/lockbit-power-cut',
      title: 'LockBit power cut: four new arrests and financial sanctions against affiliates',
      published: 'Tue, 01 Oct 2024 18:00:00 +0200',
      contentHtml: LOCKBIT_FULL,
    },
  },
  {
    description: 'a near-identical title naming another country (Latvia / Lithuania)',
    bulletin: 'Europol supports Latvia',
    agency: 'europol',
    feed: {
      guid: '4530 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/europol-supports-lithuania-in-dismantling-major-synthetic-drug-lab-network',
      title: 'Europol supports Lithuania in dismantling major synthetic drug lab network',
      published: 'Wed, 09 Oct 2024 11:00:00 +0200',
      contentHtml: LATVIA_FULL.replace(/Latvian/g, 'Lithuanian').replace(/Latvia/g, 'Lithuania'),
    },
  },
  {
    description: 'the same template about another country under a title naming none',
    bulletin: 'Europol supports Latvia',
    agency: 'europol',
    feed: {
      guid: '4531 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/synthetic-drug-lab-network-dismantled',
      title: 'Synthetic drug lab network dismantled with Europol support',
      published: 'Wed, 09 Oct 2024 11:00:00 +0200',
      summaryHtml:
        'Europol worked closely with Lithuanian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.',
    },
  },
  {
    description: 'the same topic, another release: another official’s visit to the same country',
    bulletin: 'NATO Secretary General to visit the United Kingdom',
    agency: 'nato',
    feed: {
      link: 'https://www.nato.int/cps/en/natohq/news_229601.htm',
      title: 'NATO Deputy Secretary General to visit the United Kingdom',
      published: '09 Oct. 2024 10:00:00 GMT',
      summaryHtml: 'On Friday, 11 October 2024, the NATO Deputy Secretary General, Ambassador Boris Ruge, will travel to London, United Kingdom, to address the Chatham House defence conference.',
    },
  },
  {
    description: 'the same topic, another release: the operation before, other numbers',
    bulletin: 'Four arrests and nine companies',
    agency: 'eurojust',
    feed: {
      guid: '3060 at https://www.eurojust.europa.eu',
      link: 'https://www.eurojust.europa.eu/news/one-arrest-and-eur-50-million-frozen-anti-mafia-operation-italy-and-brazil',
      title: 'One arrest and EUR 50 million frozen in anti-mafia operation in Italy and Brazil',
      published: 'Tue, 08 Oct 2024 09:00:00 +0200',
      summaryHtml:
        '<p>A joint investigation team set up at Eurojust between Italian and Brazilian authorities led to the arrest of a member of a mafia family and the freezing of assets worth EUR 50 million on 13 August.</p>',
    },
  },
  {
    description: 'two releases opening with the same boilerplate sentence',
    bulletin: 'EMPACT Hackathon',
    agency: 'europol',
    feed: {
      guid: '4522 at https://www.europol.europa.eu',
      link: 'https://www.europol.europa.eu/media-press/newsroom/news/empact-action-days-against-child-trafficking',
      title: 'EMPACT action days against child trafficking across Europe',
      published: 'Tue, 08 Oct 2024 09:00:00 +0200',
      summaryHtml:
        'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks.',
    },
  },
  {
    description: 'the same title a month earlier: the previous session of a series',
    bulletin: 'Deep Dive Recap',
    agency: 'nato',
    feed: {
      link: 'https://www.nato.int/cps/en/natohq/news_228100.htm',
      title: 'Deep Dive Recap: Protection of Civilians and the Gender Perspective',
      published: '10 Sep. 2024 10:00:00 GMT',
      summaryHtml: 'On 27 August 2024, the Office of the Gender Advisor hosted a Deep Dive Session with the Civil-Military Cooperation Centre of Excellence.',
    },
  },
];
