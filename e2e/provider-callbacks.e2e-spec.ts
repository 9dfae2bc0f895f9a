import { Topics, uuidv7 } from '@smsgate/contracts';
import {
  ADMIN_TOKEN,
  connectTestDatabase,
  createChannel,
  createWorkspace,
  serviceEnv,
  ServiceProcess,
  TestWorkspace,
  TopicProbe,
} from '@smsgate/testing';
import { Client } from 'pg';

/** What aggregators send back to ingress: RapidPro-style status callbacks and stops, IMIconnect MO and DR. */
describe('provider callbacks on ingress', () => {
  let ingress: ServiceProcess;
  let probe: TopicProbe;
  let workspace: TestWorkspace;
  let db: Client;

  beforeAll(async () => {
    [ingress, probe] = await Promise.all([
      ServiceProcess.start('ingress', serviceEnv()),
      TopicProbe.start(process.env.KAFKA_BROKERS!, [
        Topics.outboundStatus,
        Topics.receiptReceived,
        Topics.inboundReceived,
      ]),
    ]);
    workspace = await createWorkspace(ingress.url, 'e2e callbacks');
    db = await connectTestDatabase();
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), probe?.stop(), db?.end()]);
  });

  const valueOf = (m: { value: unknown }) => m.value as Record<string, unknown>;
  /** A JSON POST, as IMIconnect and the template webhooks send them. */
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  describe('RapidPro External API', () => {
    it.each(['sent', 'delivered', 'failed'])('turns /%s with our id into a status event', async (status) => {
      const channel = await createChannel(ingress.url, workspace.apiKey);
      const id = uuidv7();
      const response = await fetch(`${ingress.url}/c/ex/${channel.uuid}/${status}`, {
        method: 'POST',
        body: new URLSearchParams({ id }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ message: 'Status Update Accepted' });
      const event = await probe.waitForEvent(Topics.outboundStatus, id);
      expect(event.value).toMatchObject({ workspace: workspace.id, channel: channel.uuid, status });
    });

    it('takes a status by `uuid` and at a URL with a trailing slash, as courier does', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey);
      const id = uuidv7();
      const response = await fetch(`${ingress.url}/c/ex/${channel.uuid}/delivered/`, {
        method: 'POST',
        body: new URLSearchParams({ uuid: id }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ message: 'Status Update Accepted' });
      const event = await probe.waitForEvent(Topics.outboundStatus, id);
      expect(event.value).toMatchObject({ channel: channel.uuid, status: 'delivered' });
    });

    it.each(['', '/'])('records a stop%s as an opt-out of that number on that channel', async (slash) => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { country: 'KE' });
      const response = await fetch(`${ingress.url}/c/ex/${channel.uuid}/stopped${slash}?from=0712000999`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        message: 'Event Accepted',
        data: [
          {
            type: 'event',
            channel_uuid: channel.uuid,
            event_type: 'stop_contact',
            urn: 'tel:+254712000999',
            received_on: expect.any(String),
          },
        ],
      });
      const { rows } = await db.query('SELECT address FROM opt_outs WHERE channel_id = $1', [channel.uuid]);
      expect(rows).toEqual([{ address: '+254712000999' }]);
    });

    it("lists a channel's opt-outs to its workspace, newest first, a page at a time", async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { country: 'KE' });
      for (const from of ['0712000001', '0712000002', '0712000003'])
        expect((await fetch(`${ingress.url}/c/ex/${channel.uuid}/stopped?from=${from}`)).status).toBe(200);
      const optOuts = async (query: string, headers: Record<string, string>) => {
        const response = await fetch(`${ingress.url}/v1/channels/${channel.uuid}/opt-outs${query}`, {
          headers,
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const key = { authorization: `Bearer ${workspace.apiKey}` };
      const first = await optOuts('?limit=2', key);
      expect(first).toEqual({
        status: 200,
        body: {
          results: [
            { address: '+254712000003', stoppedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) },
            { address: '+254712000002', stoppedAt: expect.any(String) },
          ],
          next: expect.any(String),
        },
      });
      const second = await optOuts(`?limit=2&cursor=${String(first.body.next)}`, key);
      expect(second.body).toEqual({
        results: [{ address: '+254712000001', stoppedAt: expect.any(String) }],
        next: null,
      });
      // The admin token within the workspace sees the same; another workspace's key, no such channel.
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-smsgate-workspace': workspace.id };
      expect(await optOuts('?limit=2', admin)).toEqual(first);
      const other = await createWorkspace(ingress.url, 'e2e callbacks, other');
      expect((await optOuts('', { authorization: `Bearer ${other.apiKey}` })).status).toBe(404);
      expect((await optOuts('?limit=0', key)).status).toBe(400);
      expect((await optOuts('?cursor=bm9wZQ', key)).status).toBe(400);
    });

    it('answers a status without a usable id with 400, and an unknown action with 404', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey);
      const missing = await fetch(`${ingress.url}/c/ex/${channel.uuid}/delivered`, {
        method: 'POST',
        body: new URLSearchParams({}),
      });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({
        message: 'Error',
        data: [{ type: 'error', error: "missing required field 'id'" }],
      });
      const notOurs = await fetch(`${ingress.url}/c/ex/${channel.uuid}/delivered?id=12345`);
      expect(notOurs.status).toBe(400);
      expect((await fetch(`${ingress.url}/c/ex/${channel.uuid}/exploded?id=${uuidv7()}`)).status).toBe(404);
    });
  });

  describe('IMIconnect', () => {
    it('accepts an MO notification as an inbound message', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, {
        type: 'imi',
        country: 'IN',
        address: '56767',
      });
      const tid = uuidv7();
      const response = await post(`${ingress.url}/c/imi/${channel.uuid}/receive`, {
        userId: 'customer-1',
        channel: 'SMS',
        da: '56767',
        oa: '919876543210',
        message: 'BAL',
        tid,
        datetime: '2026-11-22 10:15:00',
        ts: '1795342500000',
      });
      expect(response.status).toBe(200);
      const { id } = (await response.json()) as { id: string };
      const event = await probe.waitForEvent(Topics.inboundReceived, id);
      expect(event.value).toMatchObject({
        channel: channel.uuid,
        channelType: 'imi',
        from: '+919876543210',
        text: 'BAL',
        providerMessageId: tid,
        sentAt: '2026-11-22T10:15:00.000Z',
      });
    });

    it('maps a DR with our id as correlationid to a status of that message, keeping the code', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { type: 'imi' });
      const id = uuidv7();
      const response = await post(`${ingress.url}/c/imi/${channel.uuid}/status`, {
        deliveryInfoNotification: {
          deliveryInfo: {
            deliveryChannel: 'SMS',
            Description: 'Delivered',
            destinationType: 'msisdn',
            timeStamp: '2026-11-22T17:13:17.908',
            code: '7500',
            deliveryStatus: 'Delivered',
            destination: '911111111111',
          },
          correlationid: id,
          transid: 'imi-trans-1',
        },
      });
      expect(response.status).toBe(200);
      const event = await probe.waitForEvent(Topics.outboundStatus, id);
      expect(event.value).toMatchObject({
        status: 'delivered',
        providerMessageId: 'imi-trans-1',
        detail: { code: '7500', description: 'Delivered' },
        at: '2026-11-22T17:13:17.908Z',
      });
    });

    it('sends a DR known only by transid to the receipt topic, failures as failed', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { type: 'imi' });
      const transid = uuidv7();
      await post(`${ingress.url}/c/imi/${channel.uuid}/status`, {
        deliveryInfoNotification: {
          deliveryInfo: { code: '7501', deliveryStatus: 'Failed', Description: 'Absent subscriber' },
          correlationid: 'not-ours',
          transid,
        },
      });
      const receipt = await probe.waitFor(
        (m) => m.topic === Topics.receiptReceived && valueOf(m).providerMessageId === transid,
      );
      expect(receipt.value).toMatchObject({
        channel: channel.uuid,
        status: 'failed',
        detail: { code: '7501' },
      });
    });

    it('answers malformed notifications with 400 and unknown channels with 404', async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, { type: 'imi' });
      expect(
        (await post(`${ingress.url}/c/imi/${channel.uuid}/receive`, { message: 'no sender' })).status,
      ).toBe(400);
      expect((await post(`${ingress.url}/c/imi/${channel.uuid}/status`, { something: 'else' })).status).toBe(
        400,
      );
      const ex = await createChannel(ingress.url, workspace.apiKey);
      expect((await post(`${ingress.url}/c/imi/${ex.uuid}/receive`, { oa: '919876543210' })).status).toBe(
        404,
      );
    });
  });

  describe('no-code template webhooks', () => {
    const sendMessage = (responseMap?: Record<string, unknown>) => ({
      request_method: 'POST',
      request_url: 'https://api.example.com/webhook',
      request_parameters: { from: '$from$', to: '$to$', content: '$content$' },
      ...(responseMap ? { response_map: responseMap } : {}),
    });
    const templateChannel = (body: Record<string, unknown> = {}) =>
      createChannel(ingress.url, workspace.apiKey, {
        type: 'template',
        config: { API: { SendMessage: sendMessage() } },
        ...body,
      });

    it("turns Ringotel's documented message and file events into inbound messages", async () => {
      const channel = await templateChannel({ country: 'AU' });
      expect(channel.inboundUrls).toMatchObject({
        message: expect.stringMatching(new RegExp(`/c/template/${channel.uuid}/message$`)),
        file: expect.stringMatching(new RegExp(`/c/template/${channel.uuid}/file$`)),
      });
      const response = await post(channel.inboundUrls.message, {
        method: 'message',
        params: { from: '+61855555555', to: '+61123456789', content: 'Hello there!' },
      });
      expect(response.status).toBe(200);
      const { id } = (await response.json()) as { id: string };
      const message = await probe.waitForEvent(Topics.inboundReceived, id);
      expect(message.value).toMatchObject({
        workspace: workspace.id,
        channel: channel.uuid,
        channelType: 'template',
        from: '+61855555555',
        to: '+61123456789',
        text: 'Hello there!',
      });

      const file = await post(channel.inboundUrls.file, {
        method: 'file',
        params: {
          from: '0855555555',
          to: '+61123456789',
          text: 'Sending a file',
          url: 'https://your.server.com/files/8a8d89798as9ud.jpeg',
        },
      });
      expect(file.status).toBe(200);
      const fileId = ((await file.json()) as { id: string }).id;
      const mms = await probe.waitForEvent(Topics.inboundReceived, fileId);
      expect(mms.value).toMatchObject({
        from: '+61855555555',
        text: 'Sending a file',
        metadata: { mediaUrl: 'https://your.server.com/files/8a8d89798as9ud.jpeg' },
      });
    });

    it("correlates reports by the provider's id when the template maps one, through a status_map", async () => {
      const channel = await createChannel(ingress.url, workspace.apiKey, {
        type: 'template',
        config: {
          API: { SendMessage: sendMessage({ data: { id: '$messageid$' } }) },
          Webhook: [
            {
              event_key: 'dlr',
              event_type: 'delivered',
              request_parameters: { ref: '$messageid$', state: '$status$' },
              status_map: { '2': 'delivered', '5': 'failed' },
            },
          ],
        },
      });
      const providerId = `prov-${uuidv7()}`;
      expect((await post(channel.inboundUrls.dlr, { ref: providerId, state: 5 })).status).toBe(200);
      const receipt = await probe.waitFor(
        (m) => m.topic === Topics.receiptReceived && valueOf(m).providerMessageId === providerId,
      );
      expect(receipt.value).toMatchObject({
        channel: channel.uuid,
        workspace: workspace.id,
        status: 'failed',
      });

      const unknown = await post(channel.inboundUrls.dlr, { ref: providerId, state: 'maybe' });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(await unknown.json())).toContain('unknown status');
    });

    it('takes reports by our id when the template maps no provider id, and refuses anything else', async () => {
      const channel = await templateChannel();
      const id = uuidv7();
      const delivered = await post(channel.inboundUrls.delivered, {
        method: 'delivered',
        params: { messageid: id, status: 'DELIVRD' },
      });
      expect(delivered.status).toBe(200);
      const status = await probe.waitForEvent(Topics.outboundStatus, id);
      expect(status.value).toMatchObject({ channel: channel.uuid, status: 'delivered' });

      const notOurs = await post(channel.inboundUrls.delivered, {
        method: 'delivered',
        params: { messageid: 'ABC123' },
      });
      expect(notOurs.status).toBe(400);
      expect(JSON.stringify(await notOurs.json())).toContain('must be our message id');
    });

    it('answers bad bodies with 400 and a reason, unknown events and channels with 404', async () => {
      const channel = await templateChannel();
      const base = `${ingress.url}/c/template/${channel.uuid}`;
      const missing = await post(`${base}/message`, { method: 'message', params: { content: 'who?' } });
      expect(missing.status).toBe(400);
      expect(JSON.stringify(await missing.json())).toContain("missing 'params.from'");
      expect(
        (await post(`${base}/message`, { method: 'file', params: { from: '+61855555555' } })).status,
      ).toBe(400);
      const badJson = await fetch(`${base}/message`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"method":',
      });
      expect(badJson.status).toBe(400);
      expect((await post(`${base}/fax`, {})).status).toBe(404);
      expect((await post(`${ingress.url}/c/template/${uuidv7()}/message`, {})).status).toBe(404);
      const ex = await createChannel(ingress.url, workspace.apiKey);
      expect((await post(`${ingress.url}/c/template/${ex.uuid}/message`, {})).status).toBe(404);
    });
  });
});
