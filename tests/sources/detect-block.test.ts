import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectBlock, isPageType } from '../../src/sources/detect-block.js';

const page = (file: string) => readFileSync(new URL(`../fixtures/pages/${file}`, import.meta.url), 'utf8');
const headers = (h: Record<string, string | undefined>) => (name: string) => h[name];

describe('detectBlock', () => {
  it.each([
    { description: 'cf-mitigated: challenge, whatever the body', status: 403, h: { 'cf-mitigated': 'challenge' }, body: '', expected: 'Cloudflare challenge' },
    { description: 'Cloudflare’s "Just a moment..." page on a 503', status: 503, h: {}, body: page('challenge.html'), expected: 'Cloudflare challenge' },
    { description: 'a challenge page served with 200', status: 200, h: {}, body: page('challenge.html'), expected: 'Cloudflare challenge' },
    { description: 'F5 firewall block page', status: 403, h: {}, body: page('waf-block.html'), expected: 'F5 firewall block' },
    { description: 'Imperva incident page', status: 403, h: {}, body: '<html><body>Request unsuccessful. Incapsula incident ID: 123-456</body></html>', expected: 'Imperva block' },
    { description: 'AWS WAF captcha', status: 405, h: { 'x-amzn-waf-action': 'captcha' }, body: '', expected: 'AWS WAF captcha' },
    { description: 'DataDome on a 403', status: 403, h: {}, body: '<script src="https://ct.captcha-delivery.com/c.js"></script>', expected: 'DataDome challenge' },
    { description: 'a plain 403 is an ordinary HTTP error', status: 403, h: {}, body: '<h1>Forbidden</h1>', expected: undefined },
    { description: 'a 404 page that mentions cookies is not a block', status: 404, h: {}, body: 'Please enable cookies', expected: undefined },
    { description: 'an article that talks about captchas is an article', status: 200, h: {}, body: page('nato-news.html').replace('Ministers', 'Ministers (are you a robot?)'), expected: undefined },
  ])('$description', ({ status, h, body, expected }) => expect(detectBlock(status, headers(h), body)).toBe(expected));
});

describe('isPageType', () => {
  it.each([
    ['text/html; charset=utf-8', true],
    ['application/xhtml+xml', true],
    [undefined, true],
    ['application/pdf', false],
    ['image/jpeg', false],
    ['application/octet-stream', false],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', false],
  ])('%s → %s', (type, expected) => expect(isPageType(type)).toBe(expected));
});
