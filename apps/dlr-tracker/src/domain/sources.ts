/** `source` of the statuses our sweepers conclude (expiry, receipt timeout): verdicts, not reports. */
export const SWEEPER_SOURCE = 'sweeper';
/** `detail.by` of a status the expiry sweeper concluded (expiresAt passed without a final state). */
export const EXPIRY_SOURCE = 'expiry-sweeper';
/** `detail.by` of a status the receipt-timeout sweeper concluded (no receipt within the channel's time). */
export const RECEIPT_TIMEOUT_SOURCE = 'receipt-timeout';
