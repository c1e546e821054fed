export function App() {
  return <h1>MNIST Playground</h1>;
}
