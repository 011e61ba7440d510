// One import of a file as a command runs it: without prompts (CustomerImportService.import), or
// interactively (importInteractively), with the rejects and skipped files written along the way
// and closed whatever happens.
import type { Readable } from 'node:stream';
import { importInteractively, type CustomerImportService, type ImportPrompts, type ImportRequest, type ImportSummary } from './customer-import-service.js';
import { rejectsCsv, skippedCsv } from './rejects.js';

export interface ImportJob {
  request: Omit<ImportRequest, 'input' | 'reopenInput' | 'onReject' | 'onSkip' | 'onHeader'>;
  /** The file (or stdin) as opened. */
  input: Readable;
  /** The file again from its start; none for stdin, which is read once. */
  reopen?: (() => AsyncIterable<Buffer | string>) | undefined;
  /** Where the rejected rows go, and whether that file starts with a UTF-8 BOM. */
  rejects?: { out: NodeJS.WritableStream; bom: boolean } | undefined;
  /** Where the skipped rows go (rows that are no customer), likewise. */
  skipped?: { out: NodeJS.WritableStream; bom: boolean } | undefined;
  /** Opens the database (taking the embedded database's lock) and the service over it. */
  open(): Promise<CustomerImportService>;
  /**
   * Ask a person (see importInteractively): the prompts, and how to close the database while they
   * answer. Only for a file that can be read again (`reopen`).
   */
  interactive?: { prompts: ImportPrompts; release(): Promise<void> } | undefined;
}

export async function runImportJob(job: ImportJob): Promise<ImportSummary> {
  const rejects = job.rejects && rejectsCsv(job.rejects.out, { bom: job.rejects.bom });
  const skipped = job.skipped && skippedCsv(job.skipped.out, { bom: job.skipped.bom });
  const onHeader = rejects || skipped ? async (headers: string[], delimiter: string) => {
    await rejects?.header(headers, delimiter);
    await skipped?.header(headers, delimiter);
  } : undefined;
  const request = { ...job.request, onReject: rejects?.write, onSkip: skipped?.write, onHeader };
  try {
    if (job.interactive && job.reopen) {
      job.input.destroy(); // each validation pass reads the file from its start
      const { prompts, release } = job.interactive;
      return await importInteractively({ open: job.open, release, reopenInput: job.reopen, prompts }, request);
    }
    const service = await job.open();
    return await service.import({ ...request, input: job.input, reopenInput: job.reopen });
  } finally {
    await Promise.all([rejects?.close(), skipped?.close()]);
  }
}
