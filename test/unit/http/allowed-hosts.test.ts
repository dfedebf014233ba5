// Reading http.allowedHosts entries and Host headers: names without case and without one
// trailing dot, bracketed IPv6, ports 1–65535, a missing port meaning the listener's default.

import { allowedHostProblem, hostMatcher, parseHostPort } from '../../../src/http/allowed-hosts';

describe('parseHostPort', () => {
  it.each([
    ['kms.example.com', { name: 'kms.example.com', port: null }],
    ['KMS.Example.COM.', { name: 'kms.example.com', port: null }],
    ['kms.example.com:8443', { name: 'kms.example.com', port: 8443 }],
    ['10.0.0.7:80', { name: '10.0.0.7', port: 80 }],
    ['[::1]', { name: '[::1]', port: null }],
    ['[FD00::7]:443', { name: '[fd00::7]', port: 443 }],
    ['qkms', { name: 'qkms', port: null }],
  ])('reads %j', (text, want) => {
    expect(parseHostPort(text)).toEqual(want);
  });

  it.each([
    '',
    'https://kms.example.com',
    'kms.example.com/',
    '*.example.com',
    '::1',
    'kms.example.com:',
    'kms.example.com:0',
    'kms.example.com:65536',
    'kms.example.com:99999999999999999999',
    'kms example.com',
    '-kms.example.com',
    'kms..',
  ])('refuses %j', (text) => {
    expect(parseHostPort(text)).toBeNull();
    expect(allowedHostProblem(text)).toContain(JSON.stringify(text));
  });
});

describe('hostMatcher', () => {
  const allows = hostMatcher(['kms.example.com', 'kms.other.example:8443', '[::1]:443'], 443);

  it.each([
    ['kms.example.com', true],
    ['KMS.EXAMPLE.COM:9000', true],
    ['kms.example.com.', true],
    ['kms.other.example:8443', true],
    ['kms.other.example:8444', false],
    // No port in the header: the listener's default (443 here), as SDKs leave it out.
    ['kms.other.example', false],
    ['[::1]', true],
    ['[::1]:8443', false],
    ['kms.example.com.attacker.example', false],
    ['kms.example.com:99999', false],
    [undefined, false],
  ])('%j → %j', (host, want) => {
    expect(allows(host)).toBe(want);
  });

  it('takes a header without a port as addressed to the default port', () => {
    expect(hostMatcher(['kms.example.com:443'], 443)('kms.example.com')).toBe(true);
    expect(hostMatcher(['kms.example.com:443'], 80)('kms.example.com')).toBe(false);
  });
});
