/** CIMD2 error codes (parameter 900) and what they mean. */
export const CimdError = {
  UNEXPECTED_OPERATION: 1,
  SYNTAX: 2,
  UNSUPPORTED_PARAMETER: 3,
  GENERAL_SYSTEM_ERROR: 6,
  REQUESTED_OPERATION_FAILED: 9,
  INVALID_LOGIN: 100,
  INCORRECT_DESTINATION: 300,
} as const;

const NAMES: Record<number, string> = {
  0: 'no error',
  1: 'unexpected operation',
  2: 'syntax error',
  3: 'unsupported parameter error',
  4: 'connection to message center lost',
  5: 'no response from message center',
  6: 'general system error',
  7: 'cannot find information',
  8: 'parameter formatting error',
  9: 'requested operation failed',
  100: 'invalid login',
  101: 'incorrect access type',
  102: 'too many users with this login id',
  103: 'login refused by message center',
  300: 'incorrect destination address',
  301: 'incorrect number of destination addresses',
  302: 'syntax error in user data parameter',
  303: 'incorrect bin/head/normal user data parameter combination',
  304: 'incorrect data coding scheme parameter usage',
  305: 'incorrect validity period parameters usage',
  306: 'incorrect originator address usage',
  307: 'incorrect PID parameter usage',
  308: 'incorrect first delivery parameter usage',
  309: 'incorrect reply path usage',
  310: 'incorrect status report request parameter usage',
  311: 'incorrect cancel enabled parameter usage',
  312: 'incorrect priority parameter usage',
  313: 'incorrect tariff class parameter usage',
  314: 'incorrect service description parameter usage',
  315: 'incorrect transport type parameter usage',
  316: 'incorrect message type parameter usage',
  318: 'incorrect MMS parameter usage',
  319: 'incorrect operation timer parameter usage',
};

/** `error 300 (incorrect destination address)`: how logs and status details name a CIMD2 error. */
export const cimdErrorName = (code: number): string =>
  `error ${String(code).padStart(3, '0')} (${NAMES[code] ?? 'unknown error code'})`;
