import type { ReactNode } from 'react';

interface AlertProps {
  children: ReactNode;
  onDismiss?: () => void;
  /** Something to do about it, e.g. a Retry button. */
  action?: ReactNode;
}

/** An error the user must read; role="alert" makes screen readers announce it at once. */
export function Alert({ children, onDismiss, action }: AlertProps) {
  return (
    <div className="alert" role="alert">
      <span className="alert-icon" aria-hidden="true">
        !
      </span>
      <div className="alert-body">{children}</div>
      {action}
      {onDismiss && (
        <button type="button" className="alert-dismiss" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
