export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface IncomingResponse {
  status: number;
  body: string;
}

/** No HTTP response: refused by the egress guard, timed out, or the connection failed. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly failure: 'refused' | 'timeout' | 'connection',
    message: string,
  ) {
    super(message);
  }
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** The start of a response body for a reason, with known secrets blanked out. */
export const excerpt = (body: string, secrets: string[] = []): string => {
  let text = body.slice(0, 200);
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('***');
  return text;
};
