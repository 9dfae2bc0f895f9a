import { BadRequestException } from '@nestjs/common';
import {
  ChannelChanges,
  ChannelEntity,
  ChannelRecord,
  ChannelsRepository,
  NewChannel,
  OptOutsRepository,
} from '@smsgate/db';
import type { IngressConfig } from '../config';
import type { CreateChannel, UpdateChannel } from './channel.input';
import { ChannelsService } from './channels.service';

const WORKSPACE = '0190a5c6-0000-7000-8000-000000000001';

/** Just enough of ChannelsRepository: rows are copied in and out, as a database would. */
class FakeChannelRepository {
  readonly rows = new Map<string, ChannelEntity>();

  async insert(channel: NewChannel): Promise<ChannelRecord> {
    const now = new Date();
    const row = Object.assign(new ChannelEntity(), {
      createdAt: now,
      deletedAt: null,
      ...structuredClone(channel),
      updatedAt: now,
    });
    this.rows.set(row.id, row);
    return structuredClone(row);
  }

  async listByWorkspace(workspaceId: string): Promise<ChannelRecord[]> {
    return [...this.rows.values()]
      .filter((row) => !row.deletedAt && row.workspaceId === workspaceId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((row) => structuredClone(row));
  }

  async update(workspaceId: string, id: string, changes: ChannelChanges): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.deletedAt || row.workspaceId !== workspaceId) return false;
    Object.assign(row, structuredClone(changes), { updatedAt: new Date() });
    return true;
  }

  async softDelete(workspaceId: string, id: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.deletedAt || row.workspaceId !== workspaceId) return false;
    row.deletedAt = new Date();
    return true;
  }

  async findOwned(workspaceId: string, id: string): Promise<ChannelRecord | null> {
    const row = await this.findById(id);
    return row && !row.deletedAt && row.workspaceId === workspaceId ? row : null;
  }

  async findById(id: string): Promise<ChannelRecord | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
}

function service(egressAllow: string[] = []) {
  const repository = new FakeChannelRepository();
  const config = {
    SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
    EGRESS_ALLOW: egressAllow,
    publicUrl: 'https://sms.example.org',
  } as IngressConfig;
  return {
    channels: new ChannelsService(
      repository as unknown as ChannelsRepository,
      config,
      {} as unknown as OptOutsRepository,
    ),
    repository,
  };
}

const channel = (fields: Partial<CreateChannel> & Pick<CreateChannel, 'type'>): CreateChannel => ({
  name: 'test',
  config: {},
  enabled: true,
  ...fields,
});

const ringotel = (sendMessage: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  API: {
    SendMessage: {
      request_method: 'POST',
      request_url: 'https://api.example.com/send',
      request_parameters: { from: '$from$', to: '$to$', text: '$content$' },
      response_map: { id: '$messageid$' },
      ...sendMessage,
    },
  },
  ...extra,
});

/** The body of the 400 the call was refused with. */
async function refusal(
  call: Promise<unknown>,
): Promise<{ statusCode: number; message: string; problems: string[] }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BadRequestException)) throw new Error(`expected a 400, got ${String(error)}`);
  return error.getResponse() as { statusCode: number; message: string; problems: string[] };
}

// Long enough that the random ciphertext cannot contain it by chance (a 3-character token did, 1 run in ~4,000).
const SEALED_TOKEN = 'bearer-token-that-must-not-leak';

describe('ChannelsService', () => {
  describe('create', () => {
    it('refuses an ex channel with a bad method, naming config.method, and saves nothing', async () => {
      const { channels, repository } = service();
      const body = await refusal(
        channels.create(
          WORKSPACE,
          channel({ type: 'ex', config: { send_url: 'https://x.example/send', method: 'DELETE' } }),
        ),
      );
      expect(body).toEqual({
        statusCode: 400,
        message: 'config.method: must be GET, POST or PUT',
        problems: ['config.method: must be GET, POST or PUT'],
      });
      expect(repository.rows.size).toBe(0);
    });

    it('refuses a template with an unknown placeholder, naming its JSON path', async () => {
      const { channels } = service();
      const config = ringotel({ request_parameters: { from: '$from$', ext: '$extension$' } });
      const body = await refusal(channels.create(WORKSPACE, channel({ type: 'template', config })));
      expect(body.problems).toEqual([
        expect.stringMatching(
          /^config\.API\.SendMessage\.request_parameters\.ext: unknown placeholder \$extension\$/,
        ),
      ]);
    });

    it('joins every problem into the message', async () => {
      const { channels } = service();
      const config = ringotel({}, { auth: { type: 'basic' } });
      const body = await refusal(channels.create(WORKSPACE, channel({ type: 'template', config })));
      expect(body).toEqual({
        statusCode: 400,
        message: 'secrets.username: is required; secrets.password: is required',
        problems: ['secrets.username: is required', 'secrets.password: is required'],
      });
    });

    it('saves a good template channel, its secrets sealed', async () => {
      const { channels, repository } = service();
      const view = await channels.create(
        WORKSPACE,
        channel({
          type: 'template',
          config: ringotel({}, { auth: { type: 'bearer' } }),
          secrets: { token: SEALED_TOKEN },
        }),
      );
      expect(view).toMatchObject({ type: 'template', secretFields: ['token'] });
      expect(repository.rows.get(view.uuid)?.secrets).not.toContain(SEALED_TOKEN);
    });

    it("moves a secret kept in the config (RapidPro's send_authorization) to the sealed secrets", async () => {
      const { channels, repository } = service();
      const config = { send_url: 'https://x.example/send', send_authorization: `Token ${SEALED_TOKEN}` };
      const view = await channels.create(WORKSPACE, channel({ type: 'ex', config }));
      expect(view).toMatchObject({
        config: { send_url: 'https://x.example/send' },
        secretFields: ['send_authorization'],
      });
      expect(view.config).not.toHaveProperty('send_authorization');
      expect(JSON.stringify(repository.rows.get(view.uuid))).not.toContain(SEALED_TOKEN);

      const body = await refusal(
        channels.create(
          WORKSPACE,
          channel({ type: 'ex', config, secrets: { send_authorization: 'Token other' } }),
        ),
      );
      expect(body.problems).toEqual([
        'config.send_authorization: is a secret here: give it as secrets.send_authorization',
      ]);
      const patched = await channels.update(WORKSPACE, view.uuid, {
        config: { send_url: 'https://y.example/send', send_authorization: 'Token new' },
      });
      expect(patched).toMatchObject({
        config: { send_url: 'https://y.example/send' },
        secretFields: ['send_authorization'],
      });
    });

    it('requires the smpp password, by name', async () => {
      const { channels } = service();
      const config = { host: 'smsc.example.com', port: 2775, system_id: 'smsgate' };
      expect((await refusal(channels.create(WORKSPACE, channel({ type: 'smpp', config })))).problems).toEqual(
        ['secrets.password: is required'],
      );
      await expect(
        channels.create(WORKSPACE, channel({ type: 'smpp', config, secrets: { password: 'pw' } })),
      ).resolves.toMatchObject({ type: 'smpp', secretFields: ['password'] });
    });

    it('checks tps on every type', async () => {
      const { channels } = service();
      const body = await refusal(
        channels.create(
          WORKSPACE,
          channel({ type: 'imi', config: { tps: 0 }, secrets: { service_key: 'k' } }),
        ),
      );
      expect(body.problems).toEqual(['config.tps: must be greater than 0']);
    });

    it("checks IP-literal send URLs against the dispatcher's egress allow-list", async () => {
      const config = { send_url: 'http://127.0.0.1:9000/send' };
      const body = await refusal(service().channels.create(WORKSPACE, channel({ type: 'ex', config })));
      expect(body.problems).toEqual(['config.send_url: 127.0.0.1 is a loopback address (not allowed)']);
      await expect(
        service(['127.0.0.1']).channels.create(WORKSPACE, channel({ type: 'ex', config })),
      ).resolves.toMatchObject({ type: 'ex', config });
    });

    it.each([
      ['http://[::]:9000/send', 'unspecified'],
      ['http://[fec0::1]:9000/send', 'private'],
      ['http://[64:ff9b::7f00:1]:9000/send', 'loopback'],
      ['http://[2002:7f00:1::]:9000/send', 'loopback'],
    ])('refuses the IPv6 send URL %s (%s)', async (send_url, kind) => {
      const body = await refusal(
        service().channels.create(WORKSPACE, channel({ type: 'ex', config: { send_url } })),
      );
      expect(body.problems).toEqual([
        expect.stringMatching(new RegExp(`^config\\.send_url: .* ${kind} address`)),
      ]);
    });

    it('never puts a secret value in the 400', async () => {
      const { channels } = service();
      const body = await refusal(
        channels.create(
          WORKSPACE,
          channel({
            type: 'imi',
            config: { base_url: 'not a url' },
            secrets: { service_key: 'hunter2-service-key', other: 'hunter2-other' },
          }),
        ),
      );
      expect(body.problems).toEqual([
        'config.base_url: must be an http or https URL',
        'secrets.other: is not read by this imi channel (its secrets: service_key): leave it out',
      ]);
      expect(JSON.stringify(body)).not.toContain('hunter2');
    });
  });

  describe('update', () => {
    const exConfig = { send_url: 'https://x.example/send', method: 'POST' };

    async function exChannel(secrets?: Record<string, string>) {
      const fixture = service();
      const view = await fixture.channels.create(
        WORKSPACE,
        channel({ type: 'ex', config: exConfig, secrets }),
      );
      return { ...fixture, id: view.uuid };
    }

    it('checks the config as patched, replaced as a whole, and leaves the stored channel as it was', async () => {
      const { channels, repository, id } = await exChannel();
      const before = structuredClone(repository.rows.get(id));
      const body = await refusal(channels.update(WORKSPACE, id, { config: { method: 'DELETE' } }));
      expect(body.problems).toEqual([
        'config.send_url: is required',
        'config.method: must be GET, POST or PUT',
      ]);
      expect(repository.rows.get(id)).toEqual(before);
      await expect(channels.get(WORKSPACE, id)).resolves.toMatchObject({ config: exConfig });
    });

    it('saves a good config patch', async () => {
      const { channels, id } = await exChannel();
      const config = { send_url: 'https://y.example/send', method: 'put', tps: 2 };
      await expect(channels.update(WORKSPACE, id, { config })).resolves.toMatchObject({ config });
    });

    it('checks secrets as merged: removing one the config needs is refused', async () => {
      const { channels, repository } = service();
      const { uuid } = await channels.create(
        WORKSPACE,
        channel({
          type: 'template',
          config: ringotel({}, { auth: { type: 'basic' } }),
          secrets: { username: 'u', password: 'p' },
        }),
      );
      const before = structuredClone(repository.rows.get(uuid));
      const body = await refusal(channels.update(WORKSPACE, uuid, { secrets: { password: null } }));
      expect(body.problems).toEqual(['secrets.password: is required']);
      expect(repository.rows.get(uuid)).toEqual(before);
      await expect(channels.update(WORKSPACE, uuid, { secrets: { password: 'new' } })).resolves.toMatchObject(
        {
          secretFields: ['password', 'username'],
        },
      );
    });

    it('checks a new config against the secrets already stored', async () => {
      const { channels } = service();
      const bearer = ringotel({}, { auth: { type: 'bearer' } });
      const { uuid } = await channels.create(
        WORKSPACE,
        channel({ type: 'template', config: bearer, secrets: { token: 't' } }),
      );
      await expect(
        channels.update(WORKSPACE, uuid, { config: { ...bearer, tps: 3 } }),
      ).resolves.toMatchObject({
        secretFields: ['token'],
      });
      const basic: UpdateChannel = { config: ringotel({}, { auth: { type: 'basic' } }) };
      expect((await refusal(channels.update(WORKSPACE, uuid, basic))).problems).toEqual([
        'secrets.username: is required',
        'secrets.password: is required',
        'secrets.token: is not read by this template channel (its secrets: username, password): leave it out',
      ]);
      // Without auth the stored token would be kept and never sent.
      expect((await refusal(channels.update(WORKSPACE, uuid, { config: ringotel() }))).problems).toEqual([
        'secrets.token: is not read by this template channel (it reads none): leave it out',
      ]);
    });

    it('lets a channel saved before these checks be renamed or disabled without fixing it', async () => {
      const { channels, repository, id } = await exChannel();
      repository.rows.get(id)!.config = { method: 'DELETE' };
      await expect(channels.update(WORKSPACE, id, { name: 'old', enabled: false })).resolves.toMatchObject({
        name: 'old',
        enabled: false,
      });
      expect((await refusal(channels.update(WORKSPACE, id, { secrets: { x: 'y' } }))).problems).toEqual([
        'config.send_url: is required',
        'config.method: must be GET, POST or PUT',
        'secrets.x: is not read by this ex channel (its secrets: send_authorization): leave it out',
      ]);
    });
  });
});
