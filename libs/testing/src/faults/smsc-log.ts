import { existsSync, readFileSync } from 'node:fs';

/** One line of the fault SMSC's log (JSON lines, written synchronously, so a SIGKILL loses none). */
export type SmscLogLine =
  | { e: 'start'; gen: number; pid: number; port: number; at: number }
  | {
      e: 'submit';
      gen: number;
      /** Our message id, as in the submit_sm_resp. */
      id: string;
      source: { ton: number; npi: number; addr: string };
      destination: { ton: number; npi: number; addr: string };
      /** destination.addr, as the SMSC got it (no '+'). */
      to: string;
      text: string;
      /** Part numbers from the UDH or the SAR options; absent for a single-part message. */
      part?: { ref: number; total: number; seq: number };
      at: number;
    }
  | { e: 'receipt'; gen: number; id: string; status: number; at: number };

export type SmscSubmit = Extract<SmscLogLine, { e: 'submit' }>;

export function readSmscLog(file: string): SmscLogLine[] {
  if (!existsSync(file)) return [];
  const lines: SmscLogLine[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      lines.push(JSON.parse(line) as SmscLogLine);
    } catch {
      // a line cut short by a SIGKILL
    }
  }
  return lines;
}
