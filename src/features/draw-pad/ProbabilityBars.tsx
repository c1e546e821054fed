interface ProbabilityBarsProps {
  probabilities: Float32Array;
}

/** One bar per digit, its length the probability the network gives that digit. */
export function ProbabilityBars({ probabilities }: ProbabilityBarsProps) {
  return (
    <ol className="probability-bars" aria-label="Probability per digit">
      {[...probabilities].map((p, digit) => (
        <li key={digit}>
          <span className="probability-digit">{digit}</span>
          <meter min={0} max={1} value={p} aria-label={`Digit ${digit}`} />
          <span className="probability-value">{(p * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ol>
  );
}
