import { RapidProChannelBody, TargetBody } from './settings.input';

describe('cht-relay settings input', () => {
  it.each(['not a url', 'x', '', 'http://', '://nope', 'http://exa mple.org'])(
    'refuses %j as a URL with an issue on the field, without throwing',
    (url) => {
      const target = TargetBody.safeParse({ url, apiKey: 'k' });
      expect(target.success).toBe(false);
      expect(target.error?.issues.map((issue) => issue.path.join('.'))).toContain('url');
      const channel = RapidProChannelBody.safeParse({
        uuid: '0190a3c2-1111-7aaa-8bbb-000000000001',
        rapidproUrl: url,
      });
      expect(channel.success).toBe(false);
      expect(channel.error?.issues.map((issue) => issue.path.join('.'))).toContain('rapidproUrl');
    },
  );

  it('refuses credentials in the URL and other schemes', () => {
    expect(TargetBody.safeParse({ url: 'https://user:pw@cht.example.org' }).error?.issues[0]?.message).toBe(
      'must not carry credentials (give them as secrets)',
    );
    expect(TargetBody.safeParse({ url: 'ftp://cht.example.org' }).success).toBe(false);
  });

  it('accepts an http(s) URL, the API version found by trying v2 then v1 unless set', () => {
    expect(TargetBody.parse({ url: 'https://cht.example.org', apiKey: 'k' })).toMatchObject({
      url: 'https://cht.example.org',
      mode: 'rapidpro',
      apiVersion: 'auto',
    });
  });
});
