// @vitest-environment jsdom
import { describe, expect, test, vi } from 'vitest';
import { navigationUrl, readParams } from '../../sdk/params';

describe('readParams', () => {
  test('reads ps_partner_key and ps_xid', () => {
    expect(readParams('https://a.test/p?x=1&ps_partner_key=jane&ps_xid=c_1#top')).toEqual({ partnerKey: 'jane', xid: 'c_1' });
  });

  test('a partner key without an xid', () => {
    expect(readParams('https://a.test/?ps_partner_key=jane')).toEqual({ partnerKey: 'jane', xid: undefined });
  });

  test('legacy gspk and gsxid are aliases, passed through raw (base64 is not decoded)', () => {
    expect(readParams('https://a.test/?gspk=amFuZQ%3D%3D&gsxid=abc')).toEqual({ partnerKey: 'amFuZQ==', xid: 'abc' });
    expect(readParams('https://a.test/?gspk=a+b/c==')).toEqual({ partnerKey: 'a+b/c==', xid: undefined });
  });

  test('a base64 value in ps_partner_key is passed through as is', () => {
    expect(readParams('https://a.test/?ps_partner_key=amFuZQ==')!.partnerKey).toBe('amFuZQ==');
  });

  test('a hash-router query is read', () => {
    expect(readParams('https://a.test/#/signup?ps_partner_key=jane')).toEqual({ partnerKey: 'jane', xid: undefined });
  });

  test('no partner key, an empty one, a lookalike name or an xid alone: nothing', () => {
    for (const url of [
      'https://a.test/',
      'https://a.test/?ps_partner_key=',
      'https://a.test/?xps_partner_key=jane',
      'https://a.test/?ps_xid=c_1',
      'https://a.test/#ps_partner_key=jane',
    ])
      expect(readParams(url)).toBeUndefined();
  });

  test('a malformed escape throws (the client catches it: no click)', () => {
    expect(() => readParams('https://a.test/?ps_partner_key=%E0%A4%A')).toThrow(URIError);
  });
});

test('navigationUrl is the navigation entry name', () => {
  const spy = vi.spyOn(performance, 'getEntriesByType').mockReturnValue([{ name: 'https://a.test/?ps_partner_key=j' }] as any);
  expect(navigationUrl()).toBe('https://a.test/?ps_partner_key=j');
  spy.mockReturnValue([]);
  expect(() => navigationUrl()).toThrow(TypeError); // the client runs it in try/catch
});
