import { Topics, uuidv7, type Attachment } from '@smsgate/contracts';
import { KafkaEventServer } from '@smsgate/kafka';
import { HttpErrorFilter, loadConfig } from '@smsgate/runtime';
import {
  connectTestClients,
  FakeCht,
  InProcessService,
  RecordingServer,
  startInProcess,
  TestClients,
  waitFor,
} from '@smsgate/testing';
import { ChtRelayModule } from './cht-relay.module';
import { chtRelayEnv } from './config';
import { rapidProApiErrorBody } from './rapidpro-api/rapidpro-auth.guard';
import { CHT_INCOMING_PATHS, RelaySettings } from './settings/relay-settings';

/**
 * Inbound messages with files, on real Kafka and PostgreSQL: CHT (webhook and gateway inbox) and
 * RapidPro's External API receive take text only, so each file's URL follows the text on a line of its own.
 */
describe('cht-relay: inbound attachments', () => {
  const group = `cht-relay-media-${uuidv7()}`;
  const CHT_KEY = 'cht-incoming-key';
  let relay: InProcessService;
  let clients: TestClients;
  let cht: FakeCht;
  let rapidpro: RecordingServer;

  beforeAll(async () => {
    [clients, cht, rapidpro] = await Promise.all([
      connectTestClients('cht-media-it', [Topics.deadLetter]),
      FakeCht.start(CHT_KEY),
      RecordingServer.start(),
    ]);
    relay = await startInProcess({
      config: (env) => loadConfig('cht-relay', chtRelayEnv, env),
      env: {
        KAFKA_GROUP_ID: group,
        RETRY_DELAYS_MS: '300,300',
        EGRESS_ALLOW: '127.0.0.1',
        CONFIG_CACHE_MS: '0',
      },
      module: (config) => ChtRelayModule.forRoot(config),
      filters: [new HttpErrorFilter(rapidProApiErrorBody)],
      consumer: (app, config) =>
        KafkaEventServer.forApp(app, { groupId: group, retryDelaysMs: config.RETRY_DELAYS_MS }),
    });
  });

  afterAll(async () => {
    await relay?.app.close();
    await Promise.all([clients?.close(), cht?.stop(), rapidpro?.stop()]);
  });

  const workspace = async () => {
    const id = uuidv7();
    await clients.db.query(
      `INSERT INTO workspaces (id, name, api_key_hash, api_key_prefix) VALUES ($1, 'cht media', $2, 'sg_it')`,
      [id, `hash-${id}`],
    );
    return id;
  };

  const receive = async (workspaceId: string, channel: string, text: string, attachments: Attachment[]) => {
    const id = uuidv7();
    await clients.publisher.publish(Topics.inboundReceived, {
      id,
      workspace: workspaceId,
      channel,
      channelType: 'template',
      from: '+254712000888',
      text,
      receivedAt: '2026-11-22T10:00:00.000Z',
      attachments,
    });
    return id;
  };

  const photo = { url: 'https://files.example/rash.jpg', contentType: 'image/jpeg', size: 52_000 };
  const note = { url: 'https://files.example/note.ogg', name: 'note.ogg' };

  it("posts the files' URLs after the text to CHT's webhook and to RapidPro's receive, or the URLs alone", async () => {
    const workspaceId = await workspace();
    const channel = uuidv7();
    const rapidProChannel = uuidv7();
    const settings = relay.app.get(RelaySettings);
    await settings.saveTarget(
      workspaceId,
      { mode: 'rapidpro', url: cht.url, apiVersion: 'v2', secrets: { apiKey: CHT_KEY }, enabled: true },
      'apiKey',
    );
    await settings.saveRapidProChannel(workspaceId, {
      uuid: rapidProChannel,
      rapidproUrl: rapidpro.url(),
      inboundChannels: [channel],
      secrets: {},
    });

    const withText = await receive(workspaceId, channel, 'Photo of the rash', [photo, note]);
    const alone = await receive(workspaceId, channel, '', [note]);
    await waitFor(() => cht.saved.has(withText) && cht.saved.has(alone), { message: 'CHT to save both' });
    const bodies = cht.incomingRequests
      .filter((request) => request.path === CHT_INCOMING_PATHS.v2)
      .map((request) => JSON.parse(request.body) as { id: string });
    expect(bodies.find((body) => body.id === withText)).toEqual({
      id: withText,
      from: '+254712000888',
      content: 'Photo of the rash\nhttps://files.example/rash.jpg\nhttps://files.example/note.ogg',
    });
    expect(bodies.find((body) => body.id === alone)).toEqual({
      id: alone,
      from: '+254712000888',
      content: 'https://files.example/note.ogg',
    });

    const received = await waitFor(
      () => {
        const forms = rapidpro.requests
          .filter((request) => request.url === `/c/ex/${rapidProChannel}/receive`)
          .map((request) => Object.fromEntries(new URLSearchParams(request.body)));
        return forms.length === 2 ? forms : undefined;
      },
      { message: 'RapidPro to receive both' },
    );
    expect(received).toEqual(
      expect.arrayContaining([
        {
          from: '+254712000888',
          text: 'Photo of the rash\nhttps://files.example/rash.jpg\nhttps://files.example/note.ogg',
          date: '2026-11-22T10:00:00.000Z',
        },
        { from: '+254712000888', text: 'https://files.example/note.ogg', date: '2026-11-22T10:00:00.000Z' },
      ]),
    );
  });

  it("hands the files' URLs after the text to CHT's gateway inbox", async () => {
    const workspaceId = await workspace();
    await relay.app.get(RelaySettings).saveTarget(
      workspaceId,
      {
        mode: 'gateway',
        url: cht.url,
        apiVersion: 'auto',
        username: cht.gatewayUser,
        secrets: { password: cht.gatewayPassword },
        enabled: true,
      },
      'password',
    );
    const id = await receive(workspaceId, uuidv7(), 'Lab result', [photo]);
    const rows = await waitFor(
      async () => {
        const result = await clients.db.query<{ content: string }>(
          'SELECT content FROM cht_gateway_inbox WHERE message_id = $1',
          [id],
        );
        return result.rows.length > 0 ? result.rows : undefined;
      },
      { message: 'the message in the gateway inbox' },
    );
    expect(rows).toEqual([{ content: 'Lab result\nhttps://files.example/rash.jpg' }]);
  });
});
