import { cidrContains, classifyAddress, parseCidr, parseIp, type AddressClass } from './ip-address';

function classOf(text: string): AddressClass {
  const address = parseIp(text);
  if (!address) throw new Error(`test address does not parse: ${text}`);
  return classifyAddress(address);
}

describe('parseIp', () => {
  it('reads IPv4 and IPv6 literals into bytes', () => {
    expect(parseIp('192.168.1.2')).toEqual({ family: 4, bytes: Uint8Array.from([192, 168, 1, 2]) });
    expect(parseIp('::1')?.bytes).toEqual(Uint8Array.from([...Array<number>(15).fill(0), 1]));
    expect(parseIp('[2001:db8::ff]')?.bytes.slice(0, 4)).toEqual(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8]));
    expect(parseIp('fe80::1%eth0')?.family).toBe(6);
  });

  it('reads an IPv6 address with a dotted IPv4 tail', () => {
    expect(parseIp('::ffff:10.1.2.3')?.bytes.slice(10)).toEqual(Uint8Array.from([0xff, 0xff, 10, 1, 2, 3]));
    expect(parseIp('::ffff:10.1.2.3')).toEqual(parseIp('::ffff:a01:203'));
    expect(parseIp('64:ff9b::127.0.0.1')).toEqual(parseIp('64:ff9b::7f00:1'));
  });

  it.each(['', 'localhost', '1.2.3', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '::1::2', 'gggg::1', '01.1.1.1'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});

describe('parseCidr and cidrContains', () => {
  it('matches by prefix, including prefixes that end inside a byte', () => {
    const cgnat = parseCidr('100.64.0.0/10');
    expect(cidrContains(cgnat, parseIp('100.64.0.1')!)).toBe(true);
    expect(cidrContains(cgnat, parseIp('100.127.255.255')!)).toBe(true);
    expect(cidrContains(cgnat, parseIp('100.128.0.0')!)).toBe(false);
    expect(cidrContains(cgnat, parseIp('100.63.255.255')!)).toBe(false);
  });

  it('reads a bare address as a single-address block and never matches across families', () => {
    const one = parseCidr('203.0.113.7');
    expect(one.prefix).toBe(32);
    expect(cidrContains(one, parseIp('203.0.113.7')!)).toBe(true);
    expect(cidrContains(one, parseIp('203.0.113.8')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0'), parseIp('1.2.3.4')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseIp('1.2.3.4')!)).toBe(true);
  });

  it.each(['10.0.0.0/33', '::/129', 'example.com/8', '10.0.0.0/8/1', '10.0.0.0/x', '10.0.0.0/'])(
    'throws for %j',
    (text) => {
      expect(() => parseCidr(text)).toThrow(TypeError);
    },
  );
});

const IPV4: [string, AddressClass][] = [
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.168.0.1', 'private'],
  ['192.169.0.1', 'public'],
  ['169.254.169.254', 'link-local'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.0', 'public'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
];

const IPV6: [string, AddressClass][] = [
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'private'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['2001::1', 'reserved'],
  ['100::1', 'reserved'],
  ['::2', 'reserved'],
  ['4000::1', 'reserved'],
];

const IPV4_IN_IPV6: [string, AddressClass][] = [
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:100.64.1.1', 'cgnat'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::ffff:8.8.8.8', 'public'],
  ['64:ff9b::192.168.1.1', 'private'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:0808:0808::1', 'public'],
];

describe('classifyAddress', () => {
  const expectClass = (address: string, expected: AddressClass) => expect(classOf(address)).toBe(expected);

  it.each(IPV4)('classifies IPv4 %s as %s', expectClass);
  it.each(IPV6)('classifies IPv6 %s as %s', expectClass);
  it.each(IPV4_IN_IPV6)('classifies IPv6 %s by the IPv4 address it carries (%s)', expectClass);
});
