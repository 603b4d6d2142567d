// Fetches one article page (a story's link) with the feeds' client: same time limit, byte cap, redirects,
// validators and SSRF guard, but HTML is what we want here, and the link is upstream's, never the operator's.
// What is not a page (a PDF, an image) is refused by its Content-Type without reading it; a bot challenge or a
// firewall's block page is `blocked` (detect-block.ts).
import { readPageBytes } from './decode-body.js';
import { BLOCK_STATUSES, detectBlock, isPageType } from './detect-block.js';
import { fetchText, type FetchOptions, type FetchResult, type Validators } from './fetch-feed.js';

const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';

export function fetchPage(url: string, validators: Validators, opts: FetchOptions): Promise<FetchResult> {
  return fetchText(url, validators, opts, { accept: PAGE_ACCEPT, refuseHtml: false, decode: readPageBytes, operatorUrl: false, acceptType: isPageType, detectBlock, blockStatuses: BLOCK_STATUSES });
}
