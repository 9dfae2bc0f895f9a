import type { Attachment, MessageStatus } from '@smsgate/contracts';
import { isFinal } from '../domain/status-machine';

export type NotifyFormat = 'smsgate' | 'imiconnect';

export interface CallbackChange {
  eventId: string;
  messageId: string;
  workspace: string;
  correlationId: string | null;
  callbackData: string | null;
  to: string | null;
  /** The files the message carries: shown in smsgate's callbacks (IMIconnect's have no place for them). */
  attachments?: readonly Attachment[] | null;
  status: MessageStatus;
  previousStatus: MessageStatus | null;
  detail: Record<string, string | number | boolean | null>;
  at: string;
}

/** IMIconnect's SMS delivery codes (its "Channel Specific Status Codes"): code, description, deliveryStatus. */
const IMICONNECT_CODES: Partial<Record<MessageStatus, [string, string, string]>> = {
  sent: ['7501', 'Submitted', 'Submitted'],
  delivered: ['7500', 'Delivered', 'Delivered'],
  expired: ['7208', 'Message expired', 'Un-Delivered'],
  failed: ['7201', 'Delivery failed at Operator', 'Failed'],
  rejected: ['7202', 'Delivery failed at platform', 'Failed'],
  no_route: ['7202', 'Delivery failed at platform', 'Failed'],
  // IMIconnect has no "unknown" code; 7208 is its own name for "not delivered within the validity
  // period", as near as its list comes. A late report of what happened follows with its own code.
  unknown: ['7208', 'Message expired', 'Un-Delivered'],
};

/** Whether a change to `status` is called back: always without a `notifyOn`, else when listed. */
export const callsBack = (notifyOn: readonly string[] | null | undefined, status: MessageStatus): boolean =>
  !notifyOn || notifyOn.includes(status);

/**
 * The JSON body POSTed to a message's notifyUrl for one applied change, or undefined when the format
 * does not report this status (IMIconnect reports submission and final states only).
 */
export function callbackBody(format: NotifyFormat, change: CallbackChange): string | undefined {
  if (format === 'imiconnect') {
    const code = IMICONNECT_CODES[change.status];
    if (!code || (change.status !== 'sent' && !isFinal(change.status))) return undefined;
    const [value, description, deliveryStatus] = code;
    return JSON.stringify({
      deliveryInfoNotification: {
        deliveryInfo: {
          deliveryChannel: 'SMS',
          Description: description,
          destinationType: 'msisdn',
          // IMIconnect's timestamps carry milliseconds and no zone (UTC here).
          timeStamp: change.at.replace(/Z$|[+-]\d{2}:\d{2}$/, ''),
          code: value,
          deliveryStatus,
          destination: (change.to ?? '').replace(/^\+/, ''),
        },
        correlationid: change.correlationId ?? '',
        callbackData: change.callbackData ?? '',
        transid: change.messageId,
      },
    });
  }
  return JSON.stringify({
    eventId: change.eventId,
    id: change.messageId,
    workspace: change.workspace,
    correlationId: change.correlationId,
    status: change.status,
    previousStatus: change.previousStatus,
    detail: change.detail,
    at: change.at,
    ...(change.callbackData === null ? {} : { callbackData: change.callbackData }),
    ...(change.attachments ? { attachments: change.attachments } : {}),
  });
}
