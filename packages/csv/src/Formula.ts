/**
 * Cells a spreadsheet would run as formulas (CSV injection).
 *
 * Cells are data and are never changed on the way through; but a report meant for people, opened
 * in a spreadsheet, must not run `=HYPERLINK(...)` from a user file. The reader flags such cells
 * and `escapeFormula` makes them inert for those reports.
 */

/**
 * Tells whether a spreadsheet would read the cell as a formula: it starts with `=` or `@`, or
 * with `+` or `-` not followed by a digit.
 *
 * **Details**
 * `+33123456789` and `-5` are numbers and are not flagged, so phone numbers pass. A lone `+` or
 * `-` is flagged (the rule says "not followed by a digit", and escaping it is harmless);
 * so are `-.5` and `+ 33`. The empty cell is not a formula.
 */
export const isFormula = (cell: string): boolean => {
  const c = cell.charCodeAt(0)
  if (c === 0x3d || c === 0x40) return true // = @
  if (c !== 0x2b && c !== 0x2d) return false // + -
  const next = cell.charCodeAt(1)
  return !(next >= 0x30 && next <= 0x39)
}

/**
 * Makes a cell inert for spreadsheets by prefixing `'` when it is a formula; other cells are returned as they are.
 */
export const escapeFormula = (cell: string): string => (isFormula(cell) ? `'${cell}` : cell)
