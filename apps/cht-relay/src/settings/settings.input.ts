import { z } from 'zod';

/** An http(s) URL without credentials. A value that is not a URL at all is z.url's to report. */
const HttpUrl = z.url({ protocol: /^https?$/ }).refine((value) => {
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.username === '' && url.password === '';
}, 'must not carry credentials (give them as secrets)');
const Secret = z.string().min(1).max(1_024);

export const TargetBody = z
  .object({
    mode: z.enum(['rapidpro', 'gateway']).default('rapidpro'),
    /** The CHT instance's base URL, e.g. https://cht.example.org */
    url: HttpUrl,
    /** `auto`: v2 (CHT 4.1 on), falling back to v1 when CHT answers 404 there; v1 or v2: that path only. */
    apiVersion: z.enum(['auto', 'v1', 'v2']).default('auto'),
    /** rapidpro mode: CHT's `rapidpro:incoming` key; gateway mode: the gateway user's password. */
    apiKey: Secret.optional(),
    username: z.string().min(1).max(128).optional(),
    password: Secret.optional(),
    defaultChannel: z.uuid().optional(),
    apiRatePerMinute: z.int().min(1).max(1_000_000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

export const RapidProChannelBody = z
  .object({
    /** The RapidPro External API channel's uuid (its /c/ex/<uuid>/… URLs). */
    uuid: z.uuid(),
    /** RapidPro's base URL, e.g. https://rapidpro.example.org */
    rapidproUrl: HttpUrl,
    /** The smsgate channel its messages go out on (omit to use the workspace's routes). */
    sendChannel: z.uuid().optional(),
    /** smsgate channels whose inbound messages are posted to this RapidPro channel. */
    inboundChannels: z.array(z.uuid()).max(100).default([]),
    /** When set, RapidPro must send `Authorization: <sendAuthorization>` to the send URL. */
    sendAuthorization: Secret.optional(),
  })
  .strict();
