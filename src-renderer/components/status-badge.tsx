/** A run status as a coloured, readable badge. */
import { statusLabel } from '../format.ts';

/** Shows `status` (or "never run"). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">never run</span>;
  return <span className={`status status-${status}`}>{statusLabel(status)}</span>;
}
