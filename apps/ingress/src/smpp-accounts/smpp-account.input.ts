import { SMPP_BIND_MODES } from '@smsgate/db';
import { z } from 'zod';

/** Visible ASCII, no spaces: what an ESME can put in bind's system_id (a C-Octet String of up to 16 octets). */
const SystemId = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[!-~]*$/, 'must be printable ASCII without spaces')
  .describe("the ESME's system_id in its binds: 1 to 15 printable ASCII characters, no spaces; unique");

const BindModes = z
  .array(z.enum(SMPP_BIND_MODES))
  .min(1)
  .max(3)
  .transform((modes) => SMPP_BIND_MODES.filter((mode) => modes.includes(mode)))
  .describe('the binds the account may open');

const MaxBinds = z
  .number()
  .int()
  .min(1)
  .max(100)
  .describe('sessions the account may hold open at once, of every mode (TX + RX counts two)');

/** submit_sm's source_addr is a C-Octet String of at most 21 octets with its NUL: 20 characters. */
const Source = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[ -~]*$/, 'must be printable ASCII');

const AllowedSources = z
  .array(Source)
  .max(100)
  .transform((sources) => [...new Set(sources)])
  .describe('the source addresses or sender ids the account may submit from; empty: any');

const Tps = z
  .number()
  .positive()
  .max(100_000)
  .describe("submits per second across the account's binds; beyond it ESME_RTHROTTLED; null: no limit");

const Channel = z
  .uuid()
  .describe("the workspace's channel the account's messages go out on; null: the workspace's routes pick");

/** An MO's destination as inbound events carry it (up to 32 characters): a number or a short code. */
const InboundAddress = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(
    /^(\+?[0-9A-Za-z]+)?$/,
    "must be a number or short code: digits or letters, an optional leading '+'",
  );

const InboundAddresses = z
  .array(InboundAddress)
  .max(100)
  .transform((addresses) => [...new Set(addresses)])
  .describe(
    "the destination numbers or short codes whose inbound messages (MOs) the account receives as deliver_sm, compared without a leading '+'",
  );

const InboundChannels = z
  .array(z.uuid())
  .max(50)
  .transform((channels) => [...new Set(channels)])
  .describe(
    "the workspace's channels all of whose inbound messages (MOs) the account receives as deliver_sm",
  );

export const CreateSmppAccount = z
  .object({
    systemId: SystemId,
    bindModes: BindModes.default([...SMPP_BIND_MODES]).describe(
      'the binds the account may open; default: all',
    ),
    maxBinds: MaxBinds.default(2),
    allowedSources: AllowedSources.default([]).describe(
      'the source addresses or sender ids the account may submit from; empty (the default): any',
    ),
    tps: Tps.nullable().default(null),
    channel: Channel.nullable().default(null),
    inboundAddresses: InboundAddresses.default([]),
    inboundChannels: InboundChannels.default([]),
    enabled: z.boolean().default(true).describe('a disabled account cannot bind'),
  })
  .strict();

/** PATCH: every field optional; `tps` and `channel` may be cleared with null. */
export const UpdateSmppAccount = z
  .object({
    systemId: SystemId,
    bindModes: BindModes,
    maxBinds: MaxBinds,
    allowedSources: AllowedSources,
    tps: Tps.nullable(),
    channel: Channel.nullable(),
    inboundAddresses: InboundAddresses,
    inboundChannels: InboundChannels,
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type CreateSmppAccount = z.output<typeof CreateSmppAccount>;
export type UpdateSmppAccount = z.output<typeof UpdateSmppAccount>;
