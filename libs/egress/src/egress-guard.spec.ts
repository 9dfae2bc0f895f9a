import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EgressGuard,
  EgressRefusedError,
  assertPublicUrl,
  pinnedLookup,
  type ResolvedAddress,
  type Resolver,
} from './egress-guard';
import { rejectionOf } from './rejection.testing';

const resolverOf =
  (table: Record<string, ResolvedAddress[]>): Resolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

const resolve = resolverOf({
  'sms.example.com': [v4('93.184.216.34'), v6('2606:2800:220:1::1')],
  'rebind.example.com': [v4('93.184.216.34'), v4('127.0.0.1')],
  'metadata.example.com': [v4('169.254.169.254')],
  'vpn.example.com': [v4('10.20.30.40')],
  'cgnat.example.com': [v4('100.64.0.9')],
  'mapped.example.com': [v6('::ffff:192.168.0.10')],
  'internal.example.com': [v4('127.0.0.1')],
  'empty.example.com': [],
});

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, EgressRefusedError);

describe('EgressGuard.check', () => {
  const guard = new EgressGuard({ resolve });

  it('returns every resolved address of a public host', async () => {
    const checked = await guard.check('https://sms.example.com/send?x=1');
    expect(checked.hostname).toBe('sms.example.com');
    expect(checked.url.pathname).toBe('/send');
    expect(checked.addresses).toEqual([v4('93.184.216.34'), v6('2606:2800:220:1::1')]);
  });

  it('accepts public IP literals without resolving them', async () => {
    const noDns = new EgressGuard({ resolve: () => Promise.reject(new Error('no DNS here')) });
    expect((await noDns.check('http://8.8.8.8/')).addresses).toEqual([v4('8.8.8.8')]);
    expect((await noDns.check('http://[2606:4700::1111]:8080/')).addresses).toEqual([v6('2606:4700::1111')]);
  });

  it.each([
    ['http://127.0.0.1/', /127\.0\.0\.1 is a loopback address/],
    ['http://localhost.:1/', /resolves to 127\.0\.0\.1|resolves to ::1/],
    ['http://[::1]/', /::1 is a loopback address/],
    ['http://10.1.2.3/', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://100.64.0.1/', /cgnat/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[fd00::1]/', /private/],
    ['http://[fe80::1]/', /link-local/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['http://[::]/', /unspecified/],
    ['http://[fec0::1]/', /private/],
    ['http://[::ffff:7f00:1]/', /loopback/],
    // NAT64 and 6to4 forms of 127.0.0.1: the IPv4 address inside is what a gateway would reach.
    ['http://[64:ff9b::7f00:1]/', /loopback/],
    ['http://[2002:7f00:1::]/', /loopback/],
    ['http://metadata.example.com/', /resolves to 169\.254\.169\.254, a link-local/],
    ['http://mapped.example.com/', /resolves to ::ffff:192\.168\.0\.10, a private/],
  ])('refuses %s', async (url, reason) => {
    const guardWithRealDns = new EgressGuard({
      resolve: async (host) => (host === 'localhost' ? [v4('127.0.0.1')] : resolve(host)),
    });
    expect((await refusal(guardWithRealDns.check(url))).message).toMatch(reason);
  });

  it('refuses a host when any of its addresses is not public', async () => {
    const error = await refusal(guard.check('http://rebind.example.com/'));
    expect(error.message).toBe('rebind.example.com resolves to 127.0.0.1, a loopback address (not allowed)');
    expect(error.host).toBe('rebind.example.com');
  });

  it.each(['ftp://sms.example.com/', 'file:///etc/passwd', 'gopher://sms.example.com/', 'data:text/plain,x'])(
    'refuses the scheme of %s',
    async (url) => {
      expect((await refusal(guard.check(url))).message).toMatch(/scheme .* is not allowed/);
    },
  );

  it('refuses what is not a URL and a host without addresses', async () => {
    expect((await refusal(guard.check('not a url'))).message).toBe('not a valid URL');
    expect((await refusal(guard.check('http://empty.example.com/'))).message).toMatch(/no address/);
  });

  it('lets DNS errors through unchanged, since they may be transient', async () => {
    await expect(guard.check('http://unknown.example.com/')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('never puts the path or query of a refused URL in the message', async () => {
    const error = await refusal(guard.check('http://10.0.0.1/send?api_key=hunter2'));
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('/send');
  });
});

describe('EgressGuard allow-list', () => {
  it('allows an exact host name whatever it resolves to, case-insensitively', async () => {
    const guard = new EgressGuard({ resolve, allowHosts: ['Internal.Example.com'] });
    expect((await guard.check('http://INTERNAL.example.com./x')).addresses).toEqual([v4('127.0.0.1')]);
    await expect(guard.check('http://sub.internal.example.com/')).rejects.toThrow();
  });

  it('allows addresses inside an allowed CIDR block, and only those', async () => {
    const guard = new EgressGuard({ resolve, allowHosts: ['10.20.0.0/16', '127.0.0.1'] });
    expect((await guard.check('http://vpn.example.com/')).addresses).toEqual([v4('10.20.30.40')]);
    expect((await guard.check('http://127.0.0.1:8080/')).hostname).toBe('127.0.0.1');
    expect((await refusal(guard.check('http://10.21.0.1/'))).message).toMatch(/private/);
    expect((await refusal(guard.check('http://127.0.0.2/'))).message).toMatch(/loopback/);
  });

  it('allows IPv6 blocks and bracketed literals', async () => {
    const guard = new EgressGuard({ resolve, allowHosts: ['fd00::/8', '[::1]'] });
    expect((await guard.check('http://[fd00::5]/')).addresses).toEqual([v6('fd00::5')]);
    expect((await guard.check('http://[::1]:9/')).addresses).toEqual([v6('::1')]);
  });

  it('allows private and CGNAT addresses with allowPrivate, but never loopback or link-local', async () => {
    const guard = new EgressGuard({ resolve, allowPrivate: true });
    await expect(guard.check('http://vpn.example.com/')).resolves.toBeDefined();
    await expect(guard.check('http://cgnat.example.com/')).resolves.toBeDefined();
    await expect(guard.check('http://[fd00::1]/')).resolves.toBeDefined();
    expect((await refusal(guard.check('http://127.0.0.1/'))).message).toMatch(/loopback/);
    expect((await refusal(guard.check('http://metadata.example.com/'))).message).toMatch(/link-local/);
  });

  it('throws at construction for an allow-list entry that is neither a host nor a block', () => {
    expect(() => new EgressGuard({ allowHosts: ['10.0.0.0/40'] })).toThrow(TypeError);
    expect(() => new EgressGuard({ allowHosts: ['example.com/8'] })).toThrow(TypeError);
  });

  it('has a one-off form', async () => {
    await expect(
      assertPublicUrl('http://127.0.0.1/', { allowHosts: ['127.0.0.0/8'] }),
    ).resolves.toMatchObject({
      hostname: '127.0.0.1',
    });
    await expect(assertPublicUrl('http://127.0.0.1/')).rejects.toBeInstanceOf(EgressRefusedError);
  });
});

describe('EgressGuard.staticRefusal', () => {
  const guard = new EgressGuard({ allowHosts: ['192.168.5.0/24'] });

  it('refuses bad schemes and blocked IP literals without DNS', () => {
    expect(guard.staticRefusal('ftp://x.example/')).toMatch(/scheme ftp: is not allowed/);
    expect(guard.staticRefusal('http://127.0.0.1/')).toBe('127.0.0.1 is a loopback address (not allowed)');
    expect(guard.staticRefusal('nope')).toBe('not a valid URL');
  });

  it('accepts host names (checked when sending) and allowed literals', () => {
    expect(guard.staticRefusal('https://localhost/')).toBeNull();
    expect(guard.staticRefusal('http://192.168.5.9/')).toBeNull();
    expect(guard.staticRefusal('http://8.8.8.8/')).toBeNull();
  });
});

describe('pinnedLookup', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('pinned'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('connects to the checked address, not to what the name resolves to now', async () => {
    const guard = new EgressGuard({ allowHosts: ['pinned.invalid'], resolve: async () => [v4('127.0.0.1')] });
    const checked = await guard.check(`http://pinned.invalid:${port}/`);
    const body = await new Promise<string>((resolve, reject) => {
      get(checked.url, { lookup: pinnedLookup(checked), agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toBe('pinned');
  });

  it('answers in both lookup forms and filters by family', () => {
    const lookup = pinnedLookup({
      url: new URL('http://x.example/'),
      hostname: 'x.example',
      addresses: [v6('2606:4700::1'), v4('8.8.8.8')],
    });
    const answers: unknown[] = [];
    lookup('x.example', { all: true }, (error, address) => answers.push([error, address]));
    lookup('x.example', { family: 4 }, (error, address, family) => answers.push([error, address, family]));
    lookup('x.example', {}, (error, address, family) => answers.push([error, address, family]));
    expect(answers).toEqual([
      [null, [v6('2606:4700::1'), v4('8.8.8.8')]],
      [null, '8.8.8.8', 4],
      [null, '2606:4700::1', 6],
    ]);
  });

  it('fails the lookup when no checked address has the wanted family', () => {
    const lookup = pinnedLookup({
      url: new URL('http://x.example/'),
      hostname: 'x.example',
      addresses: [v4('8.8.8.8')],
    });
    let code: string | undefined;
    lookup('x.example', { family: 6 }, (error) => (code = error?.code));
    expect(code).toBe('ENOTFOUND');
  });
});
