import type { ReactNode } from 'react';

interface SkipLinkProps {
  /** The id of the element to move to; it needs `tabIndex={-1}` to take the focus. */
  target: string;
  children: ReactNode;
}

/**
 * A link past the header and the settings. It moves the focus itself instead of following
 * `#target`: the page's hash holds the config, and a hash that is not one would be read as a
 * broken config link.
 */
export function SkipLink({ target, children }: SkipLinkProps) {
  return (
    <a
      className="skip-link"
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault();
        const element = document.getElementById(target);
        element?.focus();
        element?.scrollIntoView({ block: 'start' });
      }}
    >
      {children}
    </a>
  );
}
