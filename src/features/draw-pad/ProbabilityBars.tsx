interface ProbabilityBarsProps {
  probabilities: Float32Array;
  classNames: string[];
  /** MNIST's classes are digits; any other set's are classes, even when numbered. */
  digits: boolean;
}

/** One bar per class, its length the probability the network gives that class. */
export function ProbabilityBars({ probabilities, classNames, digits }: ProbabilityBarsProps) {
  return (
    <ol className="probability-bars" aria-label={digits ? 'Probability per digit' : 'Probability per class'}>
      {[...probabilities].map((p, label) => (
        <li key={label}>
          <span className="probability-digit">{classNames[label] ?? label}</span>
          <meter min={0} max={1} value={p} aria-label={digits ? `Digit ${label}` : (classNames[label] ?? String(label))} />
          <span className="probability-value">{(p * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ol>
  );
}
