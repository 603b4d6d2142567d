// Whether an answer to a page request is a bot challenge or a web application firewall's block page, not the
// page: the site wants a browser (JavaScript, cookies, a captcha) and will not give us the release. Pure.
//
// The signs are the vendors' own: Cloudflare marks challenges with `cf-mitigated: challenge` and serves "Just a
// moment..." with `window._cf_chl_opt` and `/cdn-cgi/challenge-platform/`; AWS WAF sends `x-amzn-waf-action`;
// Imperva (Incapsula) names an "Incapsula incident ID"; F5 BIG-IP ASM "The requested URL was rejected. Please
// consult with your administrator."; Akamai "Access Denied … Reference #"; DataDome and PerimeterX load their
// captcha from captcha-delivery.com and px-captcha. A plain 403 with none of these is an ordinary HTTP error.

/** Statuses that challenges and blocks come with (AWS WAF's challenge is a 202): only their bodies are read. */
export const BLOCK_STATUSES: ReadonlySet<number> = new Set([202, 401, 403, 405, 406, 429, 503]);

const BODY_SIGNS: [RegExp, string][] = [
  [/window\._cf_chl_opt|\/cdn-cgi\/challenge-platform\/|cf-browser-verification|cf_chl_/, 'Cloudflare challenge'],
  [/<title>\s*Attention Required! \| Cloudflare\s*<\/title>|cf-error-details/i, 'Cloudflare block'],
  [/Incapsula incident ID|_Incapsula_Resource/i, 'Imperva block'],
  [/The requested URL was rejected\. Please consult with your administrator/i, 'F5 firewall block'],
  [/<title>\s*Access Denied\s*<\/title>[\s\S]{0,2000}Reference\s*#\s*[\d.a-f]+/i, 'Akamai block'],
  [/captcha-delivery\.com|geo\.captcha-delivery/i, 'DataDome challenge'],
  [/px-captcha|_pxAppId|perimeterx/i, 'PerimeterX challenge'],
  [/ddos-guard/i, 'DDoS-Guard challenge'],
  [/sgcaptcha|<title>\s*(?:Just a moment\.\.\.|Checking your browser[^<]*|Please Wait\.\.\. \| Cloudflare)\s*<\/title>/i, 'bot challenge'],
  [/Enable JavaScript and cookies to continue|Please enable (?:JavaScript and )?cookies|verify (?:that )?you are (?:a )?human|are you a robot/i, 'bot challenge'],
];
/** On a 200, only signs no article carries: a challenge page some sites serve with success. */
const SUCCESS_SIGNS = 2;

/**
 * What blocked us ("Cloudflare challenge", "Imperva block"…), or undefined for an ordinary answer. `body` is the
 * start of the decoded body (a challenge page is small; its signs are near the top).
 */
export function detectBlock(status: number, header: (name: string) => string | undefined, body: string): string | undefined {
  if (/\bchallenge\b/i.test(header('cf-mitigated') ?? '')) return 'Cloudflare challenge';
  const waf = header('x-amzn-waf-action');
  if (waf && /captcha|challenge|block/i.test(waf)) return `AWS WAF ${waf.toLowerCase()}`;
  if (status >= 200 && status < 300) {
    for (const [re, what] of BODY_SIGNS.slice(0, SUCCESS_SIGNS)) if (re.test(body)) return what;
    return undefined;
  }
  if (!BLOCK_STATUSES.has(status)) return undefined;
  for (const [re, what] of BODY_SIGNS) if (re.test(body)) return what;
  return undefined;
}

/** Media types that are an article page. A PDF, an image or a download is refused by its Content-Type, unread. */
export function isPageType(contentType: string | undefined): boolean {
  // No Content-Type: let the body show what it is (RFC 9110 §8.3 lets a recipient sniff it).
  if (!contentType) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === '' || type === 'text/html' || type === 'application/xhtml+xml' || type === 'text/plain' || type === 'application/xml' || type === 'text/xml';
}
