/**
 * IMIconnect's "Sending SMS with a Template" (seed 002) as its documentation prints it, verbatim but for the
 * number: its empty strings (correlationid, route, expiry, …) and empty `channels.sms` mean "not given".
 */
export const imiSeedTemplateRequest = (msisdn: string, template = '1') => ({
  correlationid: '',
  conversationid: '',
  callbackData: '',
  notifyurl: '',
  route: '',
  expiry: '',
  deliverychannel: 'sms',
  message: { template },
  channels: { sms: {} },
  destination: [{ msisdn: [msisdn] }],
});
