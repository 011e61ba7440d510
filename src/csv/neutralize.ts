/** Spreadsheets run cells that start with = + - @ (or tab/CR) as formulas: make them text. */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
