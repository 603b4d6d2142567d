// humanReason: the status page says what went wrong in words before it gives the code.
import { describe, expect, it } from 'vitest';
import { humanReason } from '../../src/publish/source-reason.js';

describe('humanReason', () => {
  it.each([
    { description: 'DNS failure', code: 'network', message: 'network error: getaddrinfo ENOTFOUND feeds.example.invalid', expected: 'no such host' },
    { description: 'DNS failure with code first', code: 'network', message: 'network error: ENOTFOUND getaddrinfo ENOTFOUND x', expected: 'no such host' },
    { description: 'resolver did not answer', code: 'network', message: 'network error: getaddrinfo EAI_AGAIN x', expected: 'the name server did not answer' },
    { description: 'connection refused', code: 'network', message: 'network error: connect ECONNREFUSED 127.0.0.1:9', expected: 'connection refused' },
    { description: 'connection reset', code: 'network', message: 'network error: read ECONNRESET', expected: 'connection reset by the server' },
    { description: 'an unknown network error', code: 'network', message: 'network error: something odd', expected: 'network error' },
    { description: 'a time-out in seconds', code: 'timeout', message: 'timeout after 20000 ms', expected: 'timed out after 20 s' },
    { description: 'a short time-out', code: 'timeout', message: 'timeout after 1500 ms', expected: 'timed out after 1.5 s' },
    { description: 'HTTP 500', code: 'http-error', message: 'HTTP 500 Internal Server Error', expected: 'server error (HTTP 500)' },
    { description: 'HTTP 403', code: 'http-error', message: 'HTTP 403 Forbidden', expected: 'access refused (HTTP 403)' },
    { description: 'a 404', code: 'not-found', message: 'HTTP 404', expected: 'no feed at this address (HTTP 404)' },
    { description: 'a private address', code: 'refused-address', message: 'redirect to a private address refused', expected: 'points at a private address (refused)' },
    { description: 'an HTML page', code: 'not-a-feed', message: 'HTML page instead of a feed', expected: 'a web page, not a feed' },
    { description: 'too slow', code: 'too-slow', message: 'processing took longer than 10 s; stopped', expected: 'took too long to process (stopped)' },
    { description: 'an unknown code keeps its message', code: 'weird', message: 'something', expected: 'something' },
  ])('$description', ({ code, message, expected }) => {
    expect(humanReason(code, message)).toBe(expected);
  });
});
