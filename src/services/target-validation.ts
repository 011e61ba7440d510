// `suppress add --file F --skip-invalid`: the valid lines go on, the invalid ones are listed with
// their line numbers. Without the flag one invalid line still refuses the whole file (the
// service's parseAllTargets): skipping is a choice the user makes, never the default.
import { AosError } from '../errors.js';
import { parseTargetToAdd } from './suppression/target-input.js';
import type { TargetInput } from './suppression-service.js';

export interface InvalidLine {
  line: number | null;
  input: string;
  error: string;
}

export function partitionTargets(items: readonly TargetInput[]): { valid: TargetInput[]; invalid: InvalidLine[] } {
  const valid: TargetInput[] = [];
  const invalid: InvalidLine[] = [];
  for (const item of items) {
    const parsed = parseTargetToAdd(item.value);
    if (parsed.ok) valid.push(item);
    else invalid.push({ line: item.line ?? null, input: item.value, error: parsed.error });
  }
  if (valid.length === 0 && invalid.length > 0) {
    const first = invalid[0] as InvalidLine;
    throw new AosError('input', `no valid target in the file: all ${invalid.length} lines are invalid (line ${first.line ?? '?'}: ${first.error}); nothing written`, 'is {column} the column that holds the targets?');
  }
  return { valid, invalid };
}
