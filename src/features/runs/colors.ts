/** Distinct colours for overlaid runs, in the order the runs were ticked. */
const PALETTE = ['#4f46e5', '#059669', '#dc2626', '#d97706', '#0891b2', '#7c3aed', '#db2777', '#65a30d'];

export function runColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}
