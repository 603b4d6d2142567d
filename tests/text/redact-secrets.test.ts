// redactSecrets: credentials in feed URLs never leave the process.
import { describe, expect, it } from 'vitest';
import { isSecretParameter, redactSecrets } from '../../src/text/redact-secrets.js';
import { REDACTION_CASES } from './redact-secrets.data.js';

describe('redactSecrets', () => {
  it.each(REDACTION_CASES)('$description', ({ input, expected }) => {
    expect(redactSecrets(input)).toBe(expected);
    // Idempotent: redacting a redacted text changes nothing.
    expect(redactSecrets(expected)).toBe(expected);
  });

  it.each(['token', 'key', 'api_key', 'apikey', 'auth', 'password', 'secret', 'sig', 'signature', 'Api-Key', 'SESSION_ID'])('%s names a credential', (name) => {
    expect(isSecretParameter(name)).toBe(true);
  });
  it.each(['q', 'lang', 'page', 'keyword', 'category', 'format', 'id'])('%s does not', (name) => {
    expect(isSecretParameter(name)).toBe(false);
  });
});
