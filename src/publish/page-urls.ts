// Where the site's HTML pages live: one place for every URL shape, so links and routes cannot disagree.
import { formatCursor, type Cursor } from './list-window.js';

/** The list of a feed (`all` or an agency id), newest first: `/news/nato`. */
export const listPath = (key: string) => `/news/${encodeURIComponent(key)}`;
/** The months of a feed that have stories: `/news/nato/archive`. */
export const monthsPath = (key: string) => `${listPath(key)}/archive`;
/** One month of a feed, as the Atom archive `/feeds/nato/archive/2024-10.atom` holds it: `/news/nato/archive/2024-10`. */
export const monthPath = (key: string, month: string) => `${monthsPath(key)}/${month}`;
/** The subscribe page of a feed (with a search's own parameters): `/subscribe/nato?q=ransomware`. */
export const subscribePath = (key: string) => `/subscribe/${encodeURIComponent(key)}`;

/** A path with the canonical filter query (`q=…&category=…`, may be '') and a page cursor. */
export function withQuery(path: string, filter: string, cursor?: Cursor): string {
  const parts = [filter, cursor === undefined ? '' : `before=${formatCursor(cursor)}`].filter((p) => p !== '');
  return parts.length ? `${path}?${parts.join('&')}` : path;
}
