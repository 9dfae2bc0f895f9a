import { parseSmppConfig } from '@smsgate/channel-config';
import { SmppSubmitRequestedV1, Topics, uuidv7 } from '@smsgate/contracts';
import type { ConsumedEvent } from '@smsgate/kafka';
import type { SmscChannels } from '../channels/smsc-channels';

export const channelId = uuidv7();
export const workspace = uuidv7();
const settings = parseSmppConfig({ host: '127.0.0.1', port: 2775, system_id: 'test' });
if (!settings.ok) throw new Error(settings.problems.join('; '));

/** SmscChannels that know one enabled channel, `channelId`, with a minimal bind config. */
export const oneChannel = (name: string): SmscChannels =>
  ({
    get: () =>
      Promise.resolve({
        id: channelId,
        workspaceId: workspace,
        name,
        type: 'smpp',
        address: 'SMSGATE',
        enabled: true,
        settings: settings.ok ? settings.value : undefined,
        password: 'secret',
        version: '1',
      }),
  }) as unknown as SmscChannels;

/** A request to send `text` on that channel. */
export const submitRequest = (text = 'hello'): SmppSubmitRequestedV1 =>
  ({
    id: uuidv7(),
    workspace,
    channel: channelId,
    to: '+254712345678',
    text,
    priority: 'normal',
  }) as SmppSubmitRequestedV1;

/** The request as the submit consumer hands it over, on its `attempt`th delivery. */
export const consumedEvent = (
  payload: SmppSubmitRequestedV1,
  attempt = 1,
  headers: Record<string, string> = {},
): ConsumedEvent<SmppSubmitRequestedV1> => ({
  payload,
  headers,
  topic: Topics.smppSubmitRequested,
  partition: 0,
  offset: '0',
  timestamp: '0',
  attempt,
});
