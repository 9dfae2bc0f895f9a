import { cimd2Protocol } from './cimd2.protocol';
import { smppProtocol } from './smpp.protocol';
import { ucpProtocol } from './ucp.protocol';
import type { SmscProtocol, SmscType } from './smsc-protocol';

export * from './smsc-protocol';

/** Every SMSC protocol smpp-binds speaks, by channel type: the one place one is registered. */
const PROTOCOLS: Partial<Record<SmscType, SmscProtocol>> = {
  smpp: smppProtocol as unknown as SmscProtocol,
  ucp: ucpProtocol as unknown as SmscProtocol,
  cimd2: cimd2Protocol as unknown as SmscProtocol,
};

/** The channel types smpp-binds holds connections for. */
export const SMSC_TYPES = Object.keys(PROTOCOLS) as SmscType[];

export function protocolOf(type: SmscType): SmscProtocol {
  const protocol = PROTOCOLS[type];
  if (!protocol) throw new Error(`smpp-binds does not speak ${type}`);
  return protocol;
}

export const isSmscType = (type: string): type is SmscType => Object.hasOwn(PROTOCOLS, type);
