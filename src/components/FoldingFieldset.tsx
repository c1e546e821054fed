import { useId, useState, useSyncExternalStore, type ReactNode } from 'react';

/** The width at which the training controls become a bar at the screen's bottom (training.css) and the form folds. */
const PHONE_QUERY = '(max-width: 720px)';

function subscribePhone(onChange: () => void): () => void {
  const query = window.matchMedia?.(PHONE_QUERY);
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

/** Without matchMedia (a test's DOM) the page is taken for a wide screen. */
function isPhone(): boolean {
  return window.matchMedia?.(PHONE_QUERY).matches ?? false;
}

/**
 * A fieldset whose legend is a button that folds its fields away. On a phone it starts folded,
 * one line with `summary`, since the unfolded form is several screens tall and would push the
 * dataset's results and the pad far below; on wider screens it starts open. The user's choice
 * wins over both, and a section holding a problem (`problem`, kept until fixed) stays open so it is seen.
 */
export function FoldingFieldset({ legend, summary, problem = false, children }: { legend: string; summary?: ReactNode; problem?: boolean; children: ReactNode }) {
  const id = useId();
  const phone = useSyncExternalStore(subscribePhone, isPhone);
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = problem || (chosen ?? !phone);
  return (
    <fieldset className="folding">
      <legend>
        <button type="button" className="fold-toggle" aria-expanded={open} aria-controls={id} onClick={() => setChosen(!open)}>
          {legend}
        </button>
      </legend>
      {!open && summary && <p className="fold-summary">{summary}</p>}
      <div id={id} hidden={!open}>
        {children}
      </div>
    </fieldset>
  );
}
