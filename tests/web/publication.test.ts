// A new publication keeps the documents whose inputs did not change, and renders the rest: never a stale byte.
import { describe, expect, it } from 'vitest';
import type { StoreData } from '../../src/model.js';
import { buildPublication } from '../../src/web/publication.js';
import { AGENCIES, makeStory, sampleStore } from '../helpers/web.js';

const BASE = 'http://127.0.0.1:8080';
const OPTS = { limit: 20, maxAgeSeconds: 900 };
const bytesOf = (pub: ReturnType<typeof buildPublication>) => new Map([...pub.docs].map(([p, d]) => [p, d.body.toString('utf8')]));

describe('publication after a store change', () => {
  const before = sampleStore();
  const first = buildPublication(before, AGENCIES, BASE, OPTS);
  // One new Europol release: the merged feed and Europol's change, the others do not.
  const fresh = makeStory({ id: 'tag:pressroom,2024-12-01:europol/new', seq: 10_000, agency: 'europol', title: 'New operation', published: '2024-12-01T10:00:00.000Z' });
  const after: StoreData = { ...before, stories: [...before.stories, fresh] };
  const second = buildPublication(after, AGENCIES, BASE, OPTS, first);

  it('keeps the untouched agencies’ documents as they were', () => {
    for (const key of ['nato', 'eurojust', 'frontex'])
      for (const f of ['rss', 'atom', 'json']) expect(second.docs.get(`/feeds/${key}.${f}`), `${key}.${f}`).toBe(first.docs.get(`/feeds/${key}.${f}`));
  });

  it('renders the changed ones again', () => {
    for (const key of ['all', 'europol'])
      for (const f of ['rss', 'atom', 'json']) {
        expect(second.docs.get(`/feeds/${key}.${f}`)).not.toBe(first.docs.get(`/feeds/${key}.${f}`));
        expect(second.docs.get(`/feeds/${key}.${f}`)!.body.toString('utf8')).toContain('New operation');
      }
  });

  it('is byte for byte what a fresh render gives', () => {
    expect(bytesOf(second)).toEqual(bytesOf(buildPublication(after, AGENCIES, BASE, OPTS)));
  });

  it('renders everything again for another base URL or feed length', () => {
    const other = buildPublication(after, AGENCIES, 'https://feeds.example.org', OPTS, second);
    expect(other.docs.get('/feeds/nato.atom')).not.toBe(second.docs.get('/feeds/nato.atom'));
    expect(other.docs.get('/feeds/nato.atom')!.body.toString('utf8')).toContain('https://feeds.example.org/feeds/nato.atom');
    const shorter = buildPublication(after, AGENCIES, BASE, { ...OPTS, limit: 5 }, second);
    expect(shorter.docs.get('/feeds/nato.atom')).not.toBe(second.docs.get('/feeds/nato.atom'));
  });

  it('renders an agency again when its name changes in the config', () => {
    const renamed = AGENCIES.map((a) => (a.id === 'nato' ? { ...a, name: 'NATO HQ' } : a));
    const third = buildPublication(after, renamed, BASE, OPTS, second);
    expect(third.docs.get('/feeds/nato.atom')!.body.toString('utf8')).toContain('NATO HQ');
  });
});

describe('a story by id', () => {
  const data = sampleStore();
  // An id naming another agency than the story's (as after a config change), and one of another shape.
  const moved = makeStory({ id: 'tag:pressroom,2024-11-01:frontex/moved', seq: 20_000, agency: 'nato', title: 'Moved', published: '2024-11-01T10:00:00.000Z' });
  const foreign = makeStory({ id: 'urn:uuid:8f0c6a52-0d3e-4a55-9c6b-1f4f2f0b6d11', seq: 20_001, agency: 'europol', title: 'Foreign', published: '2024-11-02T10:00:00.000Z' });
  const pub = buildPublication({ ...data, stories: [...data.stories, moved, foreign] }, AGENCIES, BASE, OPTS);

  it.each([
    { description: 'every stored story', ids: data.stories.map((s) => s.id) },
    { description: 'an id naming another agency', ids: [moved.id] },
    { description: 'an id of another shape', ids: [foreign.id] },
  ])('finds $description', ({ ids }) => {
    for (const id of ids) expect(pub.story(id)?.id).toBe(id);
  });

  it('finds nothing for an unknown id', () => {
    expect(pub.story('tag:pressroom,2024-10-09:nato/unknown')).toBeUndefined();
    expect(pub.story('')).toBeUndefined();
  });
});
