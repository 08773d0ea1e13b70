// @vitest-environment jsdom
import { describe, expect, test, vi } from 'vitest';
import { navigationUrl, readParams, stripParams } from '../../sdk/params';

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
      undefined,
    ])
      expect(readParams(url)).toBeUndefined();
  });

  test('a malformed escape is no params, not an exception', () => {
    expect(readParams('https://a.test/?ps_partner_key=%E0%A4%A')).toBeUndefined();
  });
});

test('stripParams removes the four parameters and keeps the rest', () => {
  expect(stripParams('https://a.test/p?a=1&ps_partner_key=j&ps_xid=x&gspk=g&gsxid=y&b=2#h')).toBe('https://a.test/p?a=1&b=2#h');
  expect(stripParams('https://a.test/p?ps_partner_key=j#h')).toBe('https://a.test/p#h');
});

test('navigationUrl is the navigation entry name, undefined without Navigation Timing', () => {
  const spy = vi.spyOn(performance, 'getEntriesByType').mockReturnValue([{ name: 'https://a.test/?ps_partner_key=j' }] as any);
  expect(navigationUrl()).toBe('https://a.test/?ps_partner_key=j');
  spy.mockImplementation(() => {
    throw new Error('nope');
  });
  expect(navigationUrl()).toBeUndefined();
  spy.mockReturnValue([]);
  expect(navigationUrl()).toBeUndefined();
});
